/**
 * Synth overhead of the library against hand-written aws-cdk-lib (the workflows of bench/synth-workflows.ts), with
 * aws-cdk-lib's built-in CloudFormation validation on and off, measured in CPU time by bench/synth-child.ts. The
 * library is the built package (dist/, as users install it): from lib/*.ts through tsx, every stack trace CDK records
 * would also pay for the source maps of the library's frames, which the package does not ship.
 *
 * - marginal cost per workflow: (synth of `large` workflows − synth of `small`) / (large − small), warm, which
 *   leaves out the fixed costs (module loading, the validator's start-up). One process per validation mode runs
 *   every kind in each of `reps` rounds, in rotating order. A round's ratio compares kinds measured seconds apart,
 *   so machine load that drifts over minutes cancels out; the ratios reported are medians of the rounds' ratios,
 *   with their interquartile range;
 * - cold: CPU time of a fresh process up to the end of its first synth of `coldN` workflows (what one `cdk synth` of
 *   such an app costs, start-up included); the median of `coldReps` processes per kind, interleaved.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median } from './cold-start';

/** The package as users install it: jsii's output, without source maps (scripts/build-lib.js). */
export const LIBRARY_ENTRY = path.join(__dirname, '..', 'dist');

/** Build dist/ (scripts/build-lib.js) when it is missing or older than a source under lib/. */
export function ensureBuiltLibrary(): void {
  const entry = path.join(LIBRARY_ENTRY, 'index.js');
  const newest = (dir: string): number => Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs;
  }));
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newest(path.join(__dirname, '..', 'lib'))) return;
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-lib.js')], { stdio: 'inherit' });
}

export interface SynthOverheadOptions {
  readonly reps: number;
  readonly small: number;
  readonly large: number;
  readonly coldN: number;
  readonly coldReps: number;
}

/** One kind's marginal cost per workflow and its ratio to the plain hand-written workflow. */
export interface KindFigures {
  /** Median over the rounds, ms of CPU per workflow. */
  readonly marginalMs: number;
  /** Median over the rounds of (this kind's marginal / hand-written's marginal in the same round). */
  readonly ratio: number;
  /** 25th and 75th percentile of those ratios. */
  readonly ratioIqr: [number, number];
}

export interface SynthOverhead {
  readonly validation: 'on' | 'off';
  readonly kinds: Record<string, KindFigures>;
  readonly handColdMs: number;
  readonly libraryColdMs: number;
}

const CHILD = path.join(__dirname, 'synth-child.ts');

function child(args: (string | number)[]): any {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, ...args.map(String)], {
    encoding: 'utf8', env: { ...process.env, CDK_VALIDATION: undefined }, maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

export function measureSynthOverhead(o: SynthOverheadOptions): { rows: SynthOverhead[]; resourceTypes: string[] } {
  if (!process.env.BENCH_SYNTH_LIBRARY) ensureBuiltLibrary();
  const types: Record<string, string[]> = {};
  const rows = (['on', 'off'] as const).map((validation) => {
    const cold: Record<string, number[]> = { hand: [], library: [] };
    for (let r = 0; r < o.coldReps; r++) {
      for (const kind of r % 2 === 0 ? ['hand', 'library'] : ['library', 'hand']) {
        const c = child(['cold', kind, validation, o.coldN]);
        cold[kind].push(c.coldMs);
        types[kind] = c.types;
      }
    }
    const m: Record<string, { small: number[]; large: number[] }> = child(['marginal', validation, o.small, o.large, o.reps]);
    const perRound = (k: string) => m[k].large.map((l, i) => (l - m[k].small[i]) / (o.large - o.small));
    const hand = perRound('hand');
    const kinds: Record<string, KindFigures> = {};
    for (const k of Object.keys(m)) {
      const ratios = perRound(k).map((v, i) => v / hand[i]);
      kinds[k] = { marginalMs: median(perRound(k)), ratio: median(ratios), ratioIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)] };
    }
    return { validation, kinds, handColdMs: median(cold.hand), libraryColdMs: median(cold.library) };
  });
  if (JSON.stringify(types.hand) !== JSON.stringify(types.library)) {
    throw new Error(`the two workflows differ in resources:\n  hand-written ${types.hand.join(', ')}\n  library      ${types.library.join(', ')}`);
  }
  return { rows, resourceTypes: types.hand };
}
