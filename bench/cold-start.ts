/**
 * Cold `require` time of the bundled handler: each sample is a fresh `node` process that times
 * `require(assets/training-job-guard/index.js)` (which loads the AWS SDK v3 clients it keeps external, here from
 * node_modules; in Lambda from the runtime). Node start-up itself is not counted.
 */
import { execFileSync } from 'child_process';

export interface ColdStart {
  readonly samplesMs: number[];
  readonly medianMs: number;
  readonly nodeVersion: string;
}

const PROBE = `
const t0 = process.hrtime.bigint();
const mod = require(process.argv[1]);
const t1 = process.hrtime.bigint();
if (typeof mod.handler !== 'function') throw new Error('no handler export');
process.stdout.write(String(Number(t1 - t0) / 1e6));
`;

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function coldRequire(bundle: string, samples = 9): ColdStart {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'eu-west-1' };
  execFileSync(process.execPath, ['-e', PROBE, bundle], { env }); // warm the OS file cache, not the process
  const samplesMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    samplesMs.push(Number(execFileSync(process.execPath, ['-e', PROBE, bundle], { env, encoding: 'utf8' })));
  }
  return { samplesMs, medianMs: median(samplesMs), nodeVersion: process.version };
}
