/**
 * `npm run bench` (builds the bundle first): size and cold require time of the bundled guard handler, the API calls
 * one sweep makes for N = 100 and 1,000 guarded jobs against the goal of 2 + N/50 reads plus one StopTrainingJob per
 * stop, the sweep time for 500 stops at 100 ms API latency with throttling against the function's timeout, and the
 * footprint report's own cost at synth (bench/report-cost.ts), and the calls one ended job costs (right-sizing)
 * against ceil(queries / 500) GetMetricData and no SageMaker call. Not a test: it prints figures, and exits non-zero
 * only if a sweep misbehaves or misses a goal.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { GUARD_DEFAULTS } from '../lib/guard/guard-env';
import { countSweep, SweepCount } from './api-calls';
import { coldRequire } from './cold-start';
import { measureReportCost } from './report-cost';
import { countJobEnd, JobEndCount } from './job-end';
import { StopTime, timeStops } from './stop-time';
import { synthTimes } from './synth-checks';
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
  console.log('N/2 unguarded running jobs beside them). reads = every call but StopTrainingJob (re-checks included);');
  console.log('goal = 2 + N/50 reads, and one StopTrainingJob per job stopped.');
  const op = (r: SweepCount, name: string): number => r.byOperation[name] ?? 0;
  console.log(table(
    ['N', 'discovery', 'Search', 'ListTrainingJobs', 'ListTags', 'Describe', 'GetMetricData', 'reads', 'goal', 'reads/goal', 'reads/N', 'stopped', 'StopTrainingJob', 'sweep ms'],
    results.map((r) => {
      const goal = 2 + r.n / 50;
      return [
        r.n, r.discovery, op(r, 'Search'), op(r, 'ListTrainingJobs'), op(r, 'ListTags'),
        op(r, 'DescribeTrainingJob'), op(r, 'GetMetricData'), r.reads, goal,
        (r.reads / goal).toFixed(2), (r.reads / r.n).toFixed(3), r.stopped, r.stopCalls, r.wallMs.toFixed(0),
      ];
    }),
  ));
  console.log('Describe: list discovery reads each guarded job once; no mode reads a job before stopping it.');
  const pairs = [100, 1000].map((n) => {
    const s = results.find((r) => r.n === n && r.discovery === 'search')!;
    const l = results.find((r) => r.n === n && r.discovery === 'list')!;
    return [n, s.reads, l.reads, (l.reads / s.reads).toFixed(1) + 'x'];
  });
  console.log('\nSearch vs list discovery');
  console.log(table(['N', 'search reads', 'list reads', 'list / search'], pairs));

  const missed = results.filter((r) => r.discovery === 'search' && (r.reads > 2 + r.n / 50 || r.stopCalls !== r.stopped));
  if (missed.length) {
    console.error(`\nGOAL MISSED for N = ${missed.map((r) => r.n).join(', ')}`);
    process.exitCode = 1;
  }

  // Sweep time at scale: 500 idle jobs to stop, 100 ms per answer, a token bucket on every operation.
  const scenarios: [number, number][] = [[1, 20], [GUARD_DEFAULTS.stopConcurrency, 20], [GUARD_DEFAULTS.stopConcurrency, 10]];
  const timed: StopTime[] = [];
  for (const [concurrency, rate] of scenarios) timed.push(await timeStops(500, concurrency, 100, { ratePerSecond: rate, burst: rate }));
  console.log('\nSweep time for 500 stops: 100 ms per API answer; throttling = a token bucket per operation (rate/s, burst = rate),');
  console.log('a simulation setting (SageMaker publishes no rate for StopTrainingJob). The handler\'s own clients (adaptive retry');
  console.log(`mode), time budget from a countdown of the function's ${GUARD_DEFAULTS.timeoutSeconds} s timeout, ${GUARD_DEFAULTS.reserveSeconds} s reserve.`);
  const sequential = timed[0].sweepMs;
  console.log(table(
    ['stops', 'concurrency', 'throttle/s', 'stopped', 'deferred', 'errors', 'StopTrainingJob', 'throttled', 'Describe', 'log lines', 'sweep s', 'timeout s', 'vs 1 at a time'],
    timed.map((t) => [
      t.n, t.concurrency, t.throttle.ratePerSecond, t.stopped, t.deferred, t.errors, t.stopRequests, t.throttled, t.describeRequests,
      t.stopLines, (t.sweepMs / 1000).toFixed(1), t.timeoutMs / 1000, (sequential / t.sweepMs).toFixed(2) + 'x',
    ]),
  ));
  const late = timed.filter((t) => t.concurrency === GUARD_DEFAULTS.stopConcurrency && (t.stopped !== t.n || t.sweepMs > t.timeoutMs));
  if (late.length) {
    console.error(`\nGOAL MISSED: 500 stops did not finish inside the timeout at ${late.map((t) => `${t.throttle.ratePerSecond}/s`).join(', ')}`);
    process.exitCode = 1;
  }

  console.log('\nFootprintReport: its own cost beside the synth of the same app (validation off; medians of fresh apps)');
  console.log(table(['app', 'runs', 'synth ms', 'report ms', 'report / synth'],
    measureReportCost().map((r) => [r.scenario, r.runs, r.synthMs.toFixed(0), r.reportMs.toFixed(0), `${(100 * r.reportMs / r.synthMs).toFixed(1)} %`])));
  synthBench();
}

/** Synth time with and without SustainableMlChecks (`npm run bench -- --synth-only` runs only this part). */
function synthBench(): void {
  const times = synthTimes(3);
  console.log('\nSynth time with and without SustainableMlChecks (median of 3 fresh apps after a warm-up;');
  console.log('"with" = synth + the pack\'s walk of the app, as Validations.of(app).addPlugins runs it; "pack ms" = the walk alone)');
  console.log(table(['app', 'without ms', 'with ms', 'pack ms', 'with / without', 'pack / without', 'findings'], times.map((t) => [
    t.app, t.withoutMs.toFixed(0), t.withMs.toFixed(0), t.checkMs.toFixed(0), (t.withMs / t.withoutMs).toFixed(2) + 'x', (t.checkMs / t.withoutMs).toFixed(2) + 'x', t.findings,
  ])));
}

async function jobEnds(): Promise<void> {
  const shapes: JobEndCount[] = [
    await countJobEnd('CPU, 1 instance', 'ml.m5.4xlarge', 1, 3),
    await countJobEnd('GPU, 4 instances', 'ml.g5.12xlarge', 4, 3),
    await countJobEnd('GPU, 64 instances', 'ml.p4d.24xlarge', 64, 3),
    await countJobEnd('CPU, 1 instance, 28 days', 'ml.m5.4xlarge', 1, 28 * 24),
    await countJobEnd('CPU, event without Tags', 'ml.m5.4xlarge', 1, 3, false),
  ];
  console.log('\nAPI calls per ended guarded job (right-sizing report; one invocation per "SageMaker Training Job State Change" end event).');
  console.log('queries = instances x metrics (3 CPU, 5 GPU) x 2 statistics; goal = ceil(queries / 500) GetMetricData, no SageMaker call');
  console.log('(+1 Search when an event carries no Tags, which the JobEnd rule never matches).');
  console.log(table(
    ['job', 'instances', 'hours', 'queries', 'period s', 'GetMetricData', 'SageMaker', 'goal', 'verdict', 'ms'],
    shapes.map((r) => [r.shape, r.hosts, r.hours, r.queries, r.periodSeconds, r.getMetricData, r.sageMaker, r.goal, r.verdict, r.wallMs.toFixed(0)]),
  ));
  const missed = shapes.filter((r) => r.getMetricData + r.sageMaker > r.goal);
  if (missed.length) {
    console.error(`\nGOAL MISSED for ended jobs: ${missed.map((r) => r.shape).join(', ')}`);
    process.exitCode = 1;
  }
}

(process.argv.includes('--synth-only') ? Promise.resolve(synthBench()) : main().then(jobEnds)).catch((err) => {
  console.error(err);
  process.exit(1);
});
