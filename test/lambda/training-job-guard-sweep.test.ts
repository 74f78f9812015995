/**
 * The scheduled sweep, in-process, with the real SDK v3 clients against the loopback fake (test/support/fake-aws.ts).
 * Every request is validated against the official models; `fake.problems` must stay empty.
 */
import { GuardTags } from '../../lib/guard/guard-tags';
import { configFromEnv, ENV } from '../../lambda/training-job-guard/config';
import { guard } from '../../lambda/training-job-guard/index';
import type { SweepSummary } from '../../lambda/training-job-guard/sweep';
import { addHealthyJobs, addRunningJob, clientsFor, FakeAws, GUARDED } from '../support/fake-aws';
import { guardHarness } from '../support/guard-harness';

const NOW = new Date('2026-11-26T12:00:30Z');
const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const EXPECTED_STOPS = ['idle-cpu', 'idle-gpu', 'idle-trn', 'overfitting', 'stalled'];
const OBJECTIVE_TAGS = {
  ...GUARDED,
  [GuardTags.OBJECTIVE_METRIC]: 'validation:loss',
  [GuardTags.OBJECTIVE_DIRECTION]: 'Minimize',
  [GuardTags.TRAIN_METRIC]: 'train:loss',
};

const harness = guardHarness();
let fake: FakeAws;
let lines: Record<string, any>[];
beforeEach(() => {
  ({ fake, lines } = harness);
});

/** The jobs that must (and must not) be stopped, next to `healthy` busy guarded jobs and `unguarded` others. */
function seedFleet(healthy: number, unguarded = 0, healthyWithObjective = 0): void {
  addHealthyJobs(fake, NOW, healthy);
  addHealthyJobs(fake, NOW, healthyWithObjective, 'healthy-objective', true);
  for (let i = 0; i < unguarded; i++) addRunningJob(fake, NOW, `unguarded-${i}`, { tags: { team: 'x' }, util: () => 0 });
  const busy = { util: () => 70 };
  // Stopped: 4 GPUs summing 12 % = 3 % each; 4 vCPUs summing 10 % = 2.5 % each; Trainium metric at 1 %.
  addRunningJob(fake, NOW, 'idle-gpu', { instanceType: 'ml.g5.12xlarge', util: () => 12 });
  addRunningJob(fake, NOW, 'idle-cpu', { instanceType: 'ml.m5.xlarge', util: () => 10 });
  addRunningJob(fake, NOW, 'idle-trn', { instanceType: 'ml.trn1.32xlarge', utilMetric: 'NeuronCoreUtilization', util: () => 1 });
  addRunningJob(fake, NOW, 'stalled', {
    ...busy, tags: OBJECTIVE_TAGS,
    algorithm: { 'validation:loss': [2, 1.5, 1.2, 1.1, 1.0, 1.0, 1.01, 1.0, 1.02, 1.0, 1.0, 1.003, 1.0, 1.01, 1.0] },
  });
  addRunningJob(fake, NOW, 'overfitting', {
    ...busy, tags: OBJECTIVE_TAGS,
    algorithm: {
      'validation:loss': [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.42, 0.40, 0.41, 0.43, 0.46, 0.5, 0.55],
      'train:loss': [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.26, 0.22, 0.19, 0.16],
    },
  });
  // Kept: each for a different reason.
  addRunningJob(fake, NOW, 'trn-no-metric', { instanceType: 'ml.trn1.2xlarge', util: () => 0 }); // only CPUUtilization exists
  addRunningJob(fake, NOW, 'half-busy', { hosts: 2, util: (h) => (h === 1 ? 0 : 90) });
  addRunningJob(fake, NOW, 'improving', {
    ...busy, tags: OBJECTIVE_TAGS,
    algorithm: { 'validation:loss': [2, 1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7], 'train:loss': [2, 1.7, 1.4, 1.2, 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3] },
  });
  addRunningJob(fake, NOW, 'threshold-override', { instanceType: 'ml.g5.12xlarge', util: () => 12, tags: { ...GUARDED, [GuardTags.IDLE_THRESHOLD]: '2' } });
  addRunningJob(fake, NOW, 'young-for-window', { util: () => 0, trainingMinutes: 45, tags: { ...GUARDED, [GuardTags.WINDOW_MINUTES]: '60' } });
  addRunningJob(fake, NOW, 'idle-check-off', { util: () => 0, tags: { ...GUARDED, [GuardTags.CHECKS]: 'stall,overfit' } });
  addRunningJob(fake, NOW, 'downloading', { util: () => 0, secondaryStatus: 'Downloading' });
  addRunningJob(fake, NOW, 'just-started', { util: () => 0, trainingMinutes: 10 });
  addRunningJob(fake, NOW, 'opted-out', { util: () => 0, tags: { [GuardTags.GUARD]: 'disabled' } });
  addRunningJob(fake, NOW, 'completed', { util: () => 0, status: 'Completed' });
  addRunningJob(fake, NOW, 'already-stopping', { util: () => 0, status: 'Stopping', secondaryStatus: 'Stopping' });
  // The Search index still says InProgress; DescribeTrainingJob says Stopping.
  const stale = addRunningJob(fake, NOW, 'stale-index', { util: () => 0, status: 'Stopping', secondaryStatus: 'Stopping' });
  stale.searchStatus = 'InProgress';
  stale.searchSecondaryStatus = 'Training';
}

function deps(env: NodeJS.ProcessEnv = {}, maxAttempts = 3, remainingTimeMs?: () => number) {
  return {
    ...clientsFor(fake, maxAttempts), config: configFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'guard-fn', ...env }), now: () => NOW,
    ...(remainingTimeMs ? { remainingTimeMs } : {}),
  };
}

const sweep = async (env: NodeJS.ProcessEnv = {}, maxAttempts = 3, remainingTimeMs?: () => number): Promise<SweepSummary> =>
  (await guard(SCHEDULED, deps(env, maxAttempts, remainingTimeMs))) as SweepSummary;

/** The summary line the sweep logs. */
const summaryLine = (): Record<string, any> | undefined => lines.find((l) => /^sweep complete/.test(l.message));

const watchedBySearch = (): number => [...fake.jobs.values()]
  .filter((j) => (j.searchStatus ?? j.status) === 'InProgress' && j.tags[GuardTags.GUARD] === 'enabled').length;

/** Job names that appear in any GetMetricData query. */
function jobsQueried(): Set<string> {
  const names = new Set<string>();
  for (const c of fake.calls.filter((x) => x.operation === 'GetMetricData')) {
    for (const q of c.body.MetricDataQueries) names.add(q.MetricStat.Metric.Dimensions[0].Value.split('/')[0]);
  }
  return names;
}

test('stops exactly the idle, stalled and overfitting jobs among 1,064 guarded jobs across 11 pages, with one EMF line each', async () => {
  seedFleet(1000, 150, 50);
  const watched = watchedBySearch();
  const summary = await sweep();

  expect([...fake.stops].sort()).toEqual(EXPECTED_STOPS);
  expect([...summary.stopped].sort()).toEqual(EXPECTED_STOPS);
  expect(summary).toMatchObject({ discoveryComplete: true, errors: 0, dryRun: false, deferred: [] });
  expect(summaryLine()).toMatchObject({ level: 'INFO', stopped: EXPECTED_STOPS.length, errors: 0, deferred: 0 });

  // Pagination is complete: every guarded running job was seen and its metrics read, no unguarded job was.
  expect(watched).toBe(1064);
  expect(summary.jobsWatched).toBe(watched);
  expect(fake.count('Search')).toBe(Math.ceil(watched / 100));
  const queried = jobsQueried();
  for (const j of fake.jobs.values()) {
    if (j.name.startsWith('healthy')) expect(queried.has(j.name)).toBe(true);
    if (j.name.startsWith('unguarded') || j.name === 'opted-out' || j.name === 'completed') expect(queried.has(j.name)).toBe(false);
  }
  // Jobs the idle check cannot judge yet cost no query.
  for (const name of ['downloading', 'just-started', 'young-for-window', 'idle-check-off']) expect(queried.has(name)).toBe(false);
  expect(fake.calls.every((c) => c.service !== 'cloudwatch' || c.body.MetricDataQueries.length <= 500)).toBe(true);
  expect(fake.count('ListTags') + fake.count('ListTrainingJobs')).toBe(0);
  // No read before a stop: one StopTrainingJob per job to stop. The stale-index job (Search says InProgress, it is
  // Stopping) costs one StopTrainingJob that the service refuses; it is neither stopped again nor recorded.
  expect(fake.count('DescribeTrainingJob')).toBe(0);
  expect(fake.count('StopTrainingJob')).toBe(EXPECTED_STOPS.length + 1);
  expect(summary.results.find((r) => r.job === 'stale-index')).toMatchObject({ outcome: 'already-stopping', reason: 'idle' });
  expect(summary.apiCalls).toEqual({ discovery: fake.count('Search'), getMetricData: fake.count('GetMetricData'), stopTrainingJob: 6 });
  // Every read (re-checks included) stays under the 2 + N/50 budget.
  const reads = fake.calls.filter((c) => c.operation !== 'StopTrainingJob').length;
  expect(reads).toBeLessThanOrEqual(2 + watched / 50);

  // ONE structured line per stop, which is also an EMF document.
  const stopLines = lines.filter((l) => l.action === 'stopped');
  expect(stopLines.map((l) => l.job).sort()).toEqual(EXPECTED_STOPS);
  const gpu = stopLines.find((l) => l.job === 'idle-gpu')!;
  expect(gpu).toMatchObject({
    rule: 'SML-GUARD', Reason: 'idle', FunctionName: 'guard-fn', instanceType: 'ml.g5.12xlarge', JobsStopped: 1,
    InstanceHoursSaved: 4, AcceleratorHoursSaved: 16,
    figures: { metric: 'GPUUtilization', peakPercent: 3, perDeviceDivisor: 4, thresholdPercent: 5, windowMinutes: 30 },
    _aws: { CloudWatchMetrics: [{ Namespace: 'cdk-sustainable-ml/TrainingJobGuard', Dimensions: [['FunctionName'], ['FunctionName', 'Reason']] }] },
  });
  expect(stopLines.find((l) => l.job === 'idle-trn')).toMatchObject({ figures: { metric: 'NeuronCoreUtilization' }, AcceleratorHoursSaved: 64 });
  expect(stopLines.find((l) => l.job === 'stalled')).toMatchObject({ Reason: 'stalled', figures: { bestBefore: 1, bestRecent: 1, stallPoints: 10 } });
  expect(stopLines.find((l) => l.job === 'overfitting')).toMatchObject({ Reason: 'overfitting', figures: { validationLatest: 0.55, validationBest: 0.4 } });
  for (const l of stopLines) {
    const names = l._aws.CloudWatchMetrics[0].Metrics.map((m: any) => m.Name);
    for (const n of names) expect(typeof l[n]).toBe('number');
    expect(() => JSON.parse(JSON.stringify(l))).not.toThrow();
  }
});

test('retries throttling and 5xx answers on every operation and still stops the same jobs', async () => {
  seedFleet(60);
  fake.faults = [
    { operation: 'Search', times: 2, status: 400, code: 'ThrottlingException' },
    { operation: 'GetMetricData', times: 1, status: 503, code: 'ServiceUnavailable' },
    { operation: 'GetMetricData', times: 1, status: 400, code: 'Throttling' },
    { operation: 'StopTrainingJob', times: 1, status: 400, code: 'ThrottlingException', match: (body) => body.TrainingJobName === 'idle-cpu' },
    { operation: 'StopTrainingJob', times: 2, status: 500, code: 'InternalFailure', match: (body) => body.TrainingJobName === 'idle-gpu' },
  ];
  const summary = await sweep({}, 4);
  expect([...fake.stops].sort()).toEqual(EXPECTED_STOPS);
  expect([...summary.stopped].sort()).toEqual(EXPECTED_STOPS);
  expect(summary.errors).toBe(0);
  for (const op of ['Search', 'GetMetricData', 'StopTrainingJob']) {
    expect(fake.calls.some((c) => c.operation === op && c.attempt > 1)).toBe(true);
  }
  expect(fake.count('Search')).toBe(fake.count('Search', true) + 2);
  expect(fake.count('StopTrainingJob')).toBe(fake.count('StopTrainingJob', true) + 3);
  // A retried stop that ends in success needs no read.
  expect(fake.count('DescribeTrainingJob')).toBe(0);
  expect(lines.filter((l) => l.action === 'stopped')).toHaveLength(EXPECTED_STOPS.length);
});

test('dry run stops nothing and reports what it would stop', async () => {
  seedFleet(20);
  const summary = await sweep({ [ENV.DRY_RUN]: 'true' });
  expect(fake.count('StopTrainingJob')).toBe(0);
  expect(fake.stops).toEqual([]);
  // A dry run makes no call to the job, so it trusts the Search index: the stale-index job is reported too.
  const wouldStop = [...EXPECTED_STOPS, 'stale-index'].sort();
  expect([...summary.wouldStop].sort()).toEqual(wouldStop);
  const would = lines.filter((l) => l.action === 'would-stop');
  expect(would.map((l) => l.job).sort()).toEqual(wouldStop);
  expect(would[0]).toMatchObject({ dryRun: true, JobsWouldStop: 1 });
  expect(would[0].JobsStopped).toBeUndefined();
  expect(lines.some((l) => l.action === 'stopped')).toBe(false);
});

test('an error on one job does not stop the sweep', async () => {
  seedFleet(20);
  fake.faults = [{ operation: 'StopTrainingJob', status: 500, code: 'InternalFailure', match: (b) => b.TrainingJobName === 'idle-gpu' }];
  const summary = await sweep({}, 2);
  expect([...fake.stops].sort()).toEqual(EXPECTED_STOPS.filter((j) => j !== 'idle-gpu'));
  expect(summary.results.find((r) => r.job === 'idle-gpu')).toMatchObject({ outcome: 'error', reason: 'idle' });
  expect(summary.errors).toBe(1);
  expect(lines.some((l) => l.level === 'ERROR' && l.job === 'idle-gpu')).toBe(true);
  // The 5xx might have taken effect: one DescribeTrainingJob says it did not (InProgress), so no stop is recorded.
  expect(fake.count('DescribeTrainingJob')).toBe(1);
  expect(lines.some((l) => l.action === 'stopped' && l.job === 'idle-gpu')).toBe(false);
});

test('a GetMetricData batch that keeps failing only skips the jobs in that batch', async () => {
  seedFleet(600); // 600 healthy series sort first: the first batch of 500 holds healthy jobs only
  fake.faults = [{
    operation: 'GetMetricData', status: 500, code: 'InternalFailure',
    match: (b) => b.MetricDataQueries.some((q: any) => q.MetricStat.Metric.Dimensions[0].Value === 'healthy-0007/algo-1'),
  }];
  const summary = await sweep({}, 2);
  expect([...fake.stops].sort()).toEqual(EXPECTED_STOPS);
  const failed = fake.calls.find((c) => c.operation === 'GetMetricData' && c.status === 500)!;
  expect(failed.body.MetricDataQueries).toHaveLength(500);
  const inBatch = new Set<string>(failed.body.MetricDataQueries.map((q: any) => q.MetricStat.Metric.Dimensions[0].Value.split('/')[0]));
  expect([...summary.results.filter((r) => r.outcome === 'error').map((r) => r.job)].sort()).toEqual([...inBatch].sort());
  expect(summary.errors).toBe(inBatch.size);
  expect(summary.results.filter((r) => r.outcome === 'ok').length).toBeGreaterThan(100);
});

test('a Search page that keeps failing ends discovery but not the invocation', async () => {
  seedFleet(150);
  fake.faults = [{ operation: 'Search', status: 500, code: 'InternalFailure', match: (b) => b.NextToken !== undefined }];
  const summary = await sweep({}, 2);
  expect(summary).toMatchObject({ discoveryComplete: false, jobsWatched: 100, errors: 1 });
});

test('never stops or records a job twice: a second sweep over a stale index is refused by the service', async () => {
  seedFleet(30);
  await sweep();
  expect(fake.stops.sort()).toEqual(EXPECTED_STOPS);
  for (const name of EXPECTED_STOPS) { // the index lags behind
    fake.jobs.get(name)!.searchStatus = 'InProgress';
    fake.jobs.get(name)!.searchSecondaryStatus = 'Training';
  }
  const stopsBefore = fake.count('StopTrainingJob');
  const second = await sweep();
  const refused = fake.calls.slice(-EXPECTED_STOPS.length - 1).filter((c) => c.operation === 'StopTrainingJob');
  expect(fake.count('StopTrainingJob') - stopsBefore).toBe(EXPECTED_STOPS.length + 1); // + stale-index, refused again
  expect(refused.every((c) => c.status === 400 && c.attempt === 1)).toBe(true);
  expect(fake.stops.sort()).toEqual(EXPECTED_STOPS);
  expect(second.stopped).toEqual([]);
  for (const name of EXPECTED_STOPS) expect(second.results.find((r) => r.job === name)?.outcome).toBe('already-stopping');
  expect(lines.filter((l) => l.action === 'stopped')).toHaveLength(EXPECTED_STOPS.length);
  expect(fake.count('DescribeTrainingJob')).toBe(0);
});

test('list discovery (ListTrainingJobs + ListTags per job) stops the same jobs at a much higher call count', async () => {
  seedFleet(60, 10);
  const inProgress = [...fake.jobs.values()].filter((j) => j.status === 'InProgress').length;
  const watched = watchedBySearch();
  const summary = await sweep({ [ENV.DISCOVERY]: 'list' });
  expect([...fake.stops].sort()).toEqual(EXPECTED_STOPS);
  expect(fake.count('Search')).toBe(0);
  expect(fake.count('ListTrainingJobs')).toBe(Math.ceil(inProgress / 100));
  expect(fake.count('ListTags')).toBe(inProgress);
  expect(summary.jobsWatched).toBe(watched - 1); // the stale-index job is not InProgress for ListTrainingJobs
  expect(fake.count('DescribeTrainingJob')).toBe(watched - 1); // discovery's, one per guarded job; none before stops
});

test('follows GetMetricData NextToken pages when data points exceed a response', async () => {
  seedFleet(40, 0, 10);
  fake.maxDatapointsPerCall = 300;
  const summary = await sweep();
  expect([...fake.stops].sort()).toEqual(EXPECTED_STOPS);
  const gmd = fake.calls.filter((c) => c.operation === 'GetMetricData');
  expect(gmd.length).toBeGreaterThan(5);
  expect(gmd.filter((c) => c.body.NextToken).length).toBe(gmd.length - 1);
  expect(summary.apiCalls.getMetricData).toBe(gmd.length);
});

test('the events-free checks can be turned off per deployment', async () => {
  seedFleet(10);
  const summary = await sweep({ [ENV.CHECKS]: 'stall,rules' });
  expect(fake.stops).toEqual(['stalled']);
  expect(summary.stopped).toEqual(['stalled']);
});
