/**
 * `npm run bench` (builds the bundle first): size and cold require time of the bundled guard handler, the API
 * calls one sweep makes for N = 100 and 1,000 guarded jobs, against the goal of 2 + N/50 calls, and the synth
 * overhead of the library against hand-written aws-cdk-lib. Not a test: it prints figures, and exits non-zero only
 * if a sweep misbehaves or the Search sweep misses the goal.
 *
 * `npm run bench -- guard` or `npm run bench -- synth` runs one part. BENCH_SYNTH_REPS (default 15) sets the
 * synth rounds; BENCH_SYNTH_BASELINE=<another checkout of this repository> adds that checkout's library to the synth
 * comparison, for a before/after in one run.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { countSweep, SweepCount } from './api-calls';
import { coldRequire } from './cold-start';
import { measureSynthOverhead } from './synth-overhead';
import { table } from './table';

const BUNDLE = path.join(__dirname, '..', 'assets', 'training-job-guard', 'index.js');

async function main(): Promise<void> {
  const parts = process.argv.slice(2);
  if (parts.length === 0 || parts.includes('guard')) await guardBench();
  if (parts.length === 0 || parts.includes('synth')) synthBench();
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
    ['library', 'library'],
  ];
  console.log(table(
    ['built-in validation', 'workflow', 'ms/workflow', 'ratio to hand-written', 'IQR', 'goal'],
    rows.flatMap((r) => kinds.map(([k, label]) => [
      r.validation, label, r.kinds[k].marginalMs.toFixed(1), `${r.kinds[k].ratio.toFixed(2)}x`,
      `${r.kinds[k].ratioIqr[0].toFixed(2)}–${r.kinds[k].ratioIqr[1].toFixed(2)}`, k === 'library' ? '≤ 1.10x' : '',
    ])),
  ));
  console.log('"the same cdk-nag acknowledgements": the 9 Validations.acknowledge calls (IAM5 wildcards, S1, SF2) with which the');
  console.log('hand-written workflow passes the AwsSolutions pack as the library\'s does; the library records the same 9.');
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
