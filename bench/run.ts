/**
 * `npm run bench` (builds the bundle first): size and cold require time of the bundled guard handler, the API calls
 * one sweep makes for N = 100 and 1,000 guarded jobs against the goal of 2 + N/50 reads plus one StopTrainingJob per
 * stop, the sweep time for 500 stops at 100 ms API latency with throttling against the function's timeout, and the
 * footprint report's own cost at synth (bench/report-cost.ts), and the calls one ended job costs (right-sizing)
 * against ceil(queries / 500) GetMetricData and no SageMaker call, the synth time with and without SustainableMlChecks
 * (bench/synth-checks.ts), and the synth overhead of the library against hand-written aws-cdk-lib
 * (bench/synth-overhead.ts). Not a test: it prints figures, and exits non-zero only if a
 * sweep misbehaves or misses a goal.
 *
 * `npm run bench -- guard`, `-- report`, `-- checks` (synth time with and without SustainableMlChecks) or
 * `-- synth` (the library's synth overhead) runs one part. BENCH_SYNTH_REPS (default 15) sets the synth
 * rounds; the synth part builds dist/ first when it is stale. BENCH_SYNTH_BASELINE=<the dist/ of another version>
 * adds that version's library to the synth comparison, for a before/after in one run.
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
import { measureSynthOverhead } from './synth-overhead';
import { NAG_ACKNOWLEDGEMENTS } from './synth-workflows';
import { synthTimes } from './synth-checks';
import { table } from './table';

const BUNDLE = path.join(__dirname, '..', 'assets', 'training-job-guard', 'index.js');

async function main(): Promise<void> {
  // `--synth-only` (main's earlier flag) still runs only the SustainableMlChecks comparison.
  const parts = process.argv.slice(2).map((a) => (a === '--synth-only' ? 'checks' : a));
  const want = (part: string) => parts.length === 0 || parts.includes(part);
  if (want('guard')) {
    await guardBench();
    await jobEnds();
  }
  if (want('report')) reportBench();
  if (want('checks')) checksBench();
  if (want('synth')) synthBench();
}

function synthBench(): void {
  const reps = Number(process.env.BENCH_SYNTH_REPS ?? 15);
  const [small, large, coldN, coldReps] = [5, 25, 100, 3];
  const { rows, resourceTypes } = measureSynthOverhead({ reps, small, large, coldN, coldReps });
  const baseline = process.env.BENCH_SYNTH_BASELINE;
  console.log(`\nSynth overhead: workflows of one stack each (${resourceTypes.join(', ')}),`);
  console.log('hand-written aws-cdk-lib against MlArtifactsBucket + SustainableTrainingJob + TrainingWorkflow, in one run, in CPU time');
  console.log(`(wall time would count the machine's other processes). Marginal cost per workflow = (synth of ${large} − synth of ${small}) / ${large - small},`);
  console.log(`warm; ${reps} rounds, every kind in each round in rotating order; medians, and the ratios' interquartile range.`);
  const kinds: [string, string][] = [
    ['hand', 'hand-written'],
    ['handNagClean', 'hand-written + the same cdk-nag acknowledgements'],
    ...(baseline ? [['baseline', `library at ${baseline}`] as [string, string]] : []),
    ['library', 'library (dist/)'],
  ];
  console.log(table(
    ['built-in validation', 'workflow', 'ms/workflow', 'ratio to hand-written', 'IQR', 'goal'],
    rows.flatMap((r) => kinds.map(([k, label]) => [
      r.validation, label, r.kinds[k].marginalMs.toFixed(1), `${r.kinds[k].ratio.toFixed(2)}x`,
      `${r.kinds[k].ratioIqr[0].toFixed(2)}–${r.kinds[k].ratioIqr[1].toFixed(2)}`, k === 'library' ? '≤ 1.10x' : '',
    ])),
  ));
  console.log(`"the same cdk-nag acknowledgements": the ${NAG_ACKNOWLEDGEMENTS} Validations.acknowledge calls (IAM5 wildcards, S1, SF2) with which`);
  console.log(`the hand-written workflow passes the AwsSolutions pack as the library's does; the library records the same ${NAG_ACKNOWLEDGEMENTS}.`);
  console.log(table(
    ['built-in validation', `cold ${coldN}: hand-written s`, `cold ${coldN}: library s`, 'library / hand-written'],
    rows.map((r) => [r.validation, (r.handColdMs / 1000).toFixed(2), (r.libraryColdMs / 1000).toFixed(2), `${(r.libraryColdMs / r.handColdMs).toFixed(2)}x`]),
  ));
  console.log(`cold = CPU time of a fresh process up to the end of its first synth of ${coldN} workflows (node, tsx, module loading`);
  console.log(`and the validator's start-up included), median of ${coldReps}.`);
}

async function guardBench(): Promise<void> {
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
}

function reportBench(): void {
  console.log('\nFootprintReport: its own cost beside the synth of the same app (validation off; medians of fresh apps)');
  console.log(table(['app', 'runs', 'synth ms', 'report ms', 'report / synth'],
    measureReportCost().map((r) => [r.scenario, r.runs, r.synthMs.toFixed(0), r.reportMs.toFixed(0), `${(100 * r.reportMs / r.synthMs).toFixed(1)} %`])));
}

/** Synth time with and without SustainableMlChecks (`npm run bench -- checks` runs only this part). */
function checksBench(): void {
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
