/**
 * `npm run bench` (builds the bundle first): size and cold require time of the bundled guard handler, the API
 * calls one sweep makes for N = 100 and 1,000 guarded jobs, against the goal of 2 + N/50 calls, and the footprint
 * report's own cost at synth (bench/report-cost.ts). Not a test: it prints figures, and exits non-zero only if a
 * sweep misbehaves or the Search sweep misses the goal.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { countSweep, SweepCount } from './api-calls';
import { coldRequire } from './cold-start';
import { measureReportCost } from './report-cost';
import { table } from './table';

const BUNDLE = path.join(__dirname, '..', 'assets', 'training-job-guard', 'index.js');

async function main(): Promise<void> {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build:lambda\``);
  const code = fs.readFileSync(BUNDLE);
  console.log('\nTrainingJobGuard handler bundle (assets/training-job-guard/index.js)');
  console.log(table(['', 'bytes', 'KiB'], [
    ['minified', code.length, (code.length / 1024).toFixed(1)],
    ['gzip -9', zlib.gzipSync(code, { level: 9 }).length, (zlib.gzipSync(code, { level: 9 }).length / 1024).toFixed(1)],
  ]));

  const cold = coldRequire(BUNDLE, 9);
  console.log(`\nCold require of the bundle, fresh node ${cold.nodeVersion} process each (includes loading the external AWS SDK clients)`);
  console.log(table(['', 'ms'], [
    ['median of 9', cold.medianMs.toFixed(1)],
    ['min', Math.min(...cold.samplesMs).toFixed(1)],
    ['max', Math.max(...cold.samplesMs).toFixed(1)],
  ]));

  const results: SweepCount[] = [];
  for (const n of [100, 1000]) {
    for (const discovery of ['search', 'list'] as const) results.push(await countSweep(n, discovery));
  }
  console.log('\nAPI calls per sweep (every job with objective + training metric: 3 series each; 1 % idle jobs stopped;');
  console.log('N/2 unguarded running jobs beside them). reads = discovery + GetMetricData; goal = 2 + N/50 reads.');
  const op = (r: SweepCount, name: string): number => r.byOperation[name] ?? 0;
  console.log(table(
    ['N', 'discovery', 'Search', 'ListTrainingJobs', 'ListTags', 'Describe*', 'GetMetricData', 'reads', 'goal', 'reads/goal', 'reads/N', 'stop calls', 'sweep ms'],
    results.map((r) => {
      const goal = 2 + r.n / 50;
      return [
        r.n, r.discovery, op(r, 'Search'), op(r, 'ListTrainingJobs'), op(r, 'ListTags'),
        op(r, 'DescribeTrainingJob') - r.stopped, op(r, 'GetMetricData'), r.reads, goal,
        (r.reads / goal).toFixed(2), (r.reads / r.n).toFixed(3), r.stopCalls, r.wallMs.toFixed(0),
      ];
    }),
  ));
  console.log('* DescribeTrainingJob for discovery only; each stop adds 1 DescribeTrainingJob (fresh status) + 1 StopTrainingJob ("stop calls").');
  const pairs = [100, 1000].map((n) => {
    const s = results.find((r) => r.n === n && r.discovery === 'search')!;
    const l = results.find((r) => r.n === n && r.discovery === 'list')!;
    return [n, s.reads, l.reads, (l.reads / s.reads).toFixed(1) + 'x'];
  });
  console.log('\nSearch vs list discovery');
  console.log(table(['N', 'search reads', 'list reads', 'list / search'], pairs));

  console.log('\nFootprintReport: its own cost beside the synth of the same app (validation off; medians of fresh apps)');
  console.log(table(['app', 'runs', 'synth ms', 'report ms', 'report / synth'],
    measureReportCost().map((r) => [r.scenario, r.runs, r.synthMs.toFixed(0), r.reportMs.toFixed(0), `${(100 * r.reportMs / r.synthMs).toFixed(1)} %`])));

  const missed = results.filter((r) => r.discovery === 'search' && r.reads > 2 + r.n / 50);
  if (missed.length) {
    console.error(`\nGOAL MISSED for N = ${missed.map((r) => r.n).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
