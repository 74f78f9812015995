/**
 * The end of a guarded job (SML-MEASURE): the "SageMaker Training Job State Change" event of an ended job → the
 * handler reads the job's utilisation with GetMetricData → one JSON line with the figures, the right-sizing
 * recommendation and the EMF metrics. In-process handler, real SDK v3 clients, loopback fake that validates every
 * request against the official models.
 */
import { GUARD_DEFAULTS } from '../../lib/guard/guard-env';
import { RIGHT_SIZING_DIMENSION_SETS, RIGHT_SIZING_METRICS } from '../../lib/guard/right-sizing';
import { configFromEnv, ENV } from '../../lambda/training-job-guard/config';
import { forgetReportedJobs, JobEndResult, readPeriodSeconds } from '../../lambda/training-job-guard/job-end';
import { guard } from '../../lambda/training-job-guard/index';
import { clientsFor, FakeAws, TRAINING_JOBS_NAMESPACE } from '../support/fake-aws';
import { guardHarness } from '../support/guard-harness';
import { addEndedJob, jobEndEvent, steady } from '../support/job-end';

const END = new Date('2026-11-26T12:00:00Z');
const NOW = new Date(END.getTime() + 90_000); // the event arrives a minute and a half after the end

const harness = guardHarness();
let fake: FakeAws;
let lines: Record<string, any>[];
beforeEach(() => {
  ({ fake, lines } = harness);
  forgetReportedJobs();
});

async function send(event: unknown, env: NodeJS.ProcessEnv = {}, maxAttempts = 3): Promise<JobEndResult> {
  return (await guard(event, {
    ...clientsFor(fake, maxAttempts), config: configFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'guard-fn', ...env }), now: () => NOW,
  })) as JobEndResult;
}

const reports = (): Record<string, any>[] => lines.filter((l) => l.action === 'job-ended');

/** The line is a valid EMF document: every listed metric is a number at the root, every dimension a string. */
function expectEmf(line: Record<string, any>): string[] {
  const directive = line._aws.CloudWatchMetrics;
  expect(directive).toHaveLength(1);
  expect(directive[0].Namespace).toBe(GUARD_DEFAULTS.metricNamespace);
  expect(directive[0].Dimensions).toEqual([['FunctionName'], ['FunctionName', 'InstanceType'], ['FunctionName', 'AcceleratorKind']]);
  expect(directive[0].Dimensions).toEqual(RIGHT_SIZING_DIMENSION_SETS);
  for (const set of directive[0].Dimensions) for (const d of set) expect(typeof line[d]).toBe('string');
  const names: string[] = directive[0].Metrics.map((m: { Name: string }) => m.Name);
  for (const n of names) expect(typeof line[n]).toBe('number');
  expect(Number.isInteger(line._aws.Timestamp)).toBe(true);
  expect(JSON.stringify(line)).not.toMatch(/"Dimensions":[^\]]*"job"/); // never a per-job dimension
  return names;
}

test('CPU job: 12 % of 16 vCPUs on ml.m5.4xlarge over 3 h → one GetMetricData, one line: figures, recommendation, EMF', async () => {
  // SageMaker's CPUUtilization is the sum over vCPUs: 192 % = 12 % of 16 vCPUs, one minute at 288 % = 18 %.
  const event = addEndedJob(fake, END, 'cpu-job', {
    instanceType: 'ml.m5.4xlarge', hours: 3,
    metrics: { CPUUtilization: steady(192, 288), MemoryUtilization: steady(10, 15), DiskUtilization: steady(5) },
  });
  const result = await send(event);
  expect(result).toEqual({
    kind: 'job-end', job: 'cpu-job', outcome: 'reported', verdict: 'downsize', recommendedType: 'ml.m5.xlarge', getMetricDataCalls: 1,
  });
  // No SageMaker call: the event carries the times, the resources and the tags.
  expect(fake.calls.map((c) => c.operation)).toEqual(['GetMetricData']);
  const request = fake.calls[0].body;
  expect(request.MetricDataQueries).toHaveLength(6);
  expect(request.MetricDataQueries.map((q: any) => `${q.MetricStat.Metric.MetricName}/${q.MetricStat.Stat}/${q.MetricStat.Period}`)).toEqual([
    'CPUUtilization/Average/60', 'CPUUtilization/Maximum/60', 'MemoryUtilization/Average/60', 'MemoryUtilization/Maximum/60',
    'DiskUtilization/Average/60', 'DiskUtilization/Maximum/60',
  ]);
  expect(request.MetricDataQueries[0].MetricStat.Metric).toEqual({
    Namespace: TRAINING_JOBS_NAMESPACE, MetricName: 'CPUUtilization', Dimensions: [{ Name: 'Host', Value: 'cpu-job/algo-1' }],
  });
  // TrainingStartTime .. TrainingEndTime (+ the last minute), to the minute.
  expect([request.StartTime * 1000, request.EndTime * 1000]).toEqual([END.getTime() - 3 * 3_600_000, END.getTime() + 60_000]);

  const [line] = reports();
  expect(reports()).toHaveLength(1);
  expect(line.message).toBe('right-sizing cpu-job: 12 % of 16 vCPUs on ml.m5.4xlarge over 3 h: ml.m5.xlarge would do '
    + '(peaks: CPU 18 % of 16 vCPUs, memory 15 % of 64 GiB; 20 % headroom)');
  expect(expectEmf(line)).toEqual([
    'JobsEnded', 'JobCPUUtilizationAverage', 'JobCPUUtilizationPeak', 'JobMemoryUtilizationAverage', 'JobMemoryUtilizationPeak',
    'JobDiskUtilizationAverage', 'JobDiskUtilizationPeak', 'JobsOverProvisioned', 'OverProvisionedInstanceHours',
  ]);
  expect(line).toMatchObject({
    level: 'INFO', rule: 'SML-MEASURE', FunctionName: 'guard-fn', InstanceType: 'ml.m5.4xlarge', AcceleratorKind: 'none',
    job: 'cpu-job', status: 'Completed', hosts: 1, hours: 3, readPeriodSeconds: 60,
    // (192 x 179 + 288) / 180 / 16 = 12.033 %; 288 / 16 = 18 %.
    JobCPUUtilizationAverage: 12.033, JobCPUUtilizationPeak: 18, JobMemoryUtilizationAverage: 10.028, JobMemoryUtilizationPeak: 15,
    JobDiskUtilizationAverage: 5, JobDiskUtilizationPeak: 5, JobsEnded: 1, JobsOverProvisioned: 1, OverProvisionedInstanceHours: 3,
    recommendation: { verdict: 'downsize', recommendedType: 'ml.m5.xlarge', headroomPercent: 20, needs: { vcpus: 3.46, memoryGiB: 11.52 } },
    utilization: { cpu: { averagePercent: 12.033, peakPercent: 18, points: 180 } },
  });
});

test('multi-host GPU job: the mean of the hosts\' means and the highest host\'s peak, per GPU; 4 GPUs at 14 % → ml.g5.2xlarge', async () => {
  // GPUUtilization is summed over the 4 GPUs: hosts 1-3 at 60 % (15 % a GPU), host 4 at 40 %; peaks 80 % (20 % a GPU).
  const event = addEndedJob(fake, END, 'gpu-job', {
    instanceType: 'ml.g5.12xlarge', hosts: 4, hours: 2,
    metrics: {
      GPUUtilization: (h, m) => steady(h === 4 ? 40 : 60, h === 2 ? 80 : 60)(h, m),
      GPUMemoryUtilization: steady(48, 80),
      CPUUtilization: steady(240, 480), // 5 % of 48 vCPUs, peak 10 %
      MemoryUtilization: steady(8, 10),
      DiskUtilization: steady(12),
    },
  });
  const result = await send(event);
  expect(result).toMatchObject({ outcome: 'reported', verdict: 'downsize', recommendedType: 'ml.g5.2xlarge', getMetricDataCalls: 1 });
  expect(fake.calls[0].body.MetricDataQueries).toHaveLength(4 * 5 * 2);
  const [line] = reports();
  // Host means: 60, (60 x 119 + 80) / 120 = 60.167, 60, (40 x 119 + 60) / 120 = 40.167; their mean 55.083 over
  // 4 GPUs = 13.771 %; peak: host 2's 80 / 4 GPUs = 20 %.
  expect(line).toMatchObject({
    AcceleratorKind: 'nvidia-gpu', hosts: 4, JobGPUUtilizationAverage: 13.771, JobGPUUtilizationPeak: 20,
    JobGPUMemoryUtilizationPeak: 20, JobCPUUtilizationPeak: 10, OverProvisionedInstanceHours: 8,
  });
  expect(line.message).toMatch(/^right-sizing gpu-job: 14 % of 4 GPUs on ml\.g5\.12xlarge over 2 h: ml\.g5\.2xlarge would do/);
  expect(expectEmf(line)).toEqual(expect.arrayContaining(['JobGPUUtilizationAverage', 'JobGPUMemoryUtilizationPeak', 'JobsOverProvisioned']));
});

test('Trainium: CPU, memory and disk are published, the recommendation is unknown (no Neuron metric), no over-provisioned figure', async () => {
  const event = addEndedJob(fake, END, 'trn-job', {
    instanceType: 'ml.trn1.32xlarge', hours: 3, status: 'Stopped',
    metrics: { CPUUtilization: steady(640), MemoryUtilization: steady(20), DiskUtilization: steady(3) },
  });
  expect(await send(event)).toMatchObject({ outcome: 'reported', verdict: 'unknown' });
  expect(fake.calls[0].body.MetricDataQueries.map((q: any) => q.MetricStat.Metric.MetricName)).not.toContain('GPUUtilization');
  const [line] = reports();
  expect(line).toMatchObject({ status: 'Stopped', AcceleratorKind: 'trainium', JobCPUUtilizationAverage: 5, recommendation: { verdict: 'unknown' } });
  expect(line.message).toMatch(/no recommendation, SageMaker publishes no Neuron \(Trainium\) utilisation metric/);
  const names = expectEmf(line);
  expect(names).not.toContain(RIGHT_SIZING_METRICS.JOBS_OVER_PROVISIONED);
  expect(names).not.toContain(RIGHT_SIZING_METRICS.GPU_AVERAGE);
});

test('missing metrics: the job is counted, no utilisation figure and no recommendation', async () => {
  const event = addEndedJob(fake, END, 'quiet-job', { instanceType: 'ml.m5.xlarge', hours: 1, status: 'Failed' });
  expect(await send(event)).toMatchObject({ outcome: 'reported', verdict: 'unknown', getMetricDataCalls: 1 });
  const [line] = reports();
  expect(expectEmf(line)).toEqual(['JobsEnded']);
  expect(line.utilization).toEqual({});
  expect(line.message).toMatch(/no recommendation, no CPUUtilization, MemoryUtilization data/);
});

test('a host without data leaves that resource out rather than understating its peak', async () => {
  const event = addEndedJob(fake, END, 'half-data', {
    instanceType: 'ml.m5.4xlarge', hosts: 2, hours: 1,
    metrics: { CPUUtilization: steady(100), MemoryUtilization: steady(10) },
  });
  fake.putMetric('DiskUtilization', { Name: 'Host', Value: 'half-data/algo-1' }, [[END.getTime() - 600_000, 50]]);
  await send(event);
  const [line] = reports();
  expect(Object.keys(line.utilization)).toEqual(['cpu', 'memory']);
});

test('throttled GetMetricData is retried by the SDK and the job reported once', async () => {
  const event = addEndedJob(fake, END, 'throttled', {
    instanceType: 'ml.m5.4xlarge', hours: 3, metrics: { CPUUtilization: steady(192, 288), MemoryUtilization: steady(10, 15) },
  });
  fake.faults = [{ operation: 'GetMetricData', times: 2, status: 400, code: 'Throttling' }];
  expect(await send(event)).toMatchObject({ outcome: 'reported', recommendedType: 'ml.m5.xlarge', getMetricDataCalls: 1 });
  expect(fake.calls.map((c) => [c.operation, c.attempt, c.status])).toEqual([
    ['GetMetricData', 1, 400], ['GetMetricData', 2, 400], ['GetMetricData', 3, 200],
  ]);
  expect(reports()).toHaveLength(1);
});

test('GetMetricData failing after the SDK\'s retries fails the invocation with nothing written, so Lambda\'s retry reports it once', async () => {
  const event = addEndedJob(fake, END, 'unlucky', {
    instanceType: 'ml.m5.4xlarge', hours: 3, metrics: { CPUUtilization: steady(192, 288), MemoryUtilization: steady(10, 15) },
  });
  fake.faults = [{ operation: 'GetMetricData', status: 503, code: 'ServiceUnavailable' }];
  await expect(send(event, {}, 2)).rejects.toThrow(/right-sizing unlucky: ServiceUnavailable.*2 attempts/);
  expect(reports()).toHaveLength(0);
  expect(lines.filter((l) => l.level === 'ERROR')).toMatchObject([{ job: 'unlucky', rule: 'SML-MEASURE' }]);
  // Lambda's asynchronous retry, once the service answers again.
  fake.faults = [];
  expect(await send(event)).toMatchObject({ outcome: 'reported', recommendedType: 'ml.m5.xlarge' });
  expect(reports()).toHaveLength(1);
});

test('a repeated end event reaching the same function instance is reported once', async () => {
  const event = addEndedJob(fake, END, 'twice', { instanceType: 'ml.m5.xlarge', hours: 1, metrics: { CPUUtilization: steady(100) } });
  expect((await send(event)).outcome).toBe('reported');
  expect(await send(event)).toEqual({ kind: 'job-end', job: 'twice', outcome: 'duplicate' });
  expect(fake.count('GetMetricData')).toBe(1);
  expect(reports()).toHaveLength(1);
});

test('an event without Tags reads them with Search by name (ListTags in list mode); an unguarded job is not read', async () => {
  addEndedJob(fake, END, 'tagless', { instanceType: 'ml.m5.xlarge', hours: 1, metrics: { CPUUtilization: steady(100) } });
  const event = jobEndEvent(fake, 'tagless', { instanceType: 'ml.m5.xlarge', start: new Date(END.getTime() - 3_600_000), end: END, tags: null });
  expect((await send(event)).outcome).toBe('reported');
  expect(fake.calls.map((c) => c.operation)).toEqual(['Search', 'GetMetricData']);

  addEndedJob(fake, END, 'other-team', { instanceType: 'ml.m5.xlarge', hours: 1, tags: { team: 'x' } });
  const other = jobEndEvent(fake, 'other-team', { instanceType: 'ml.m5.xlarge', start: new Date(END.getTime() - 3_600_000), end: END, tags: null });
  expect(await send(other, { [ENV.DISCOVERY]: 'list' })).toEqual({ kind: 'job-end', job: 'other-team', outcome: 'ignored', why: 'job not guarded' });
  expect(fake.calls.map((c) => c.operation)).toEqual(['Search', 'GetMetricData', 'ListTags']);
});

test.each([
  ['never started training (no TrainingStartTime)', null, 'never started training'],
  ['ran less than a minute', new Date(END.getTime() - 30_000), 'ran less than a minute'],
])('a job that %s is not read', async (_why, start, why) => {
  fake.addJob({ name: 'short', status: 'Failed', tags: { 'sustainable-ml:guard': 'enabled' }, creationTime: END });
  const event = jobEndEvent(fake, 'short', { instanceType: 'ml.m5.xlarge', start, end: END, status: 'Failed' });
  expect(await send(event)).toEqual({ kind: 'job-end', job: 'short', outcome: 'ignored', why });
  expect(fake.calls).toEqual([]);
});

test('a 20-day run is read at a 5-minute period (1-minute data is kept 15 days), still in one call', async () => {
  const event = addEndedJob(fake, END, 'long-job', {
    instanceType: 'ml.m5.4xlarge', hours: 20 * 24, metrics: { CPUUtilization: steady(192, 288, 5000), MemoryUtilization: steady(10, 15) },
  });
  const result = await send(event);
  expect(result).toMatchObject({ outcome: 'reported', recommendedType: 'ml.m5.xlarge', getMetricDataCalls: 1 });
  expect(fake.calls[0].body.MetricDataQueries[0].MetricStat.Period).toBe(300);
  expect(reports()[0]).toMatchObject({ readPeriodSeconds: 300, JobCPUUtilizationPeak: 18, utilization: { cpu: { points: 5760 } } });
});

test('the read period keeps every query within one call\'s points, and the calls to the 500-query limit', () => {
  const start = new Date(END.getTime() - 3 * 3_600_000);
  expect(readPeriodSeconds(start, END, 6, NOW)).toBe(60);
  // 60 GPU hosts: 600 queries, 500 a call → 201 points a query; 3 h = 180 min fits at 60 s.
  expect(readPeriodSeconds(start, END, 600, NOW)).toBe(60);
  // 28 days at 500 queries: ceil(40,320 min / 201 points) = 201 min = 12,060 s, up to a multiple of 300 s (the run
  // started more than 15 days ago) = 12,300 s.
  const longStart = new Date(END.getTime() - 28 * 86_400_000);
  expect(readPeriodSeconds(longStart, END, 500, END)).toBe(12_300);
  // A start 70 days ago: hourly data only.
  expect(readPeriodSeconds(new Date(END.getTime() - 70 * 86_400_000), new Date(END.getTime() - 69 * 86_400_000), 6, END)).toBe(3600);
});

test('60 GPU hosts (600 queries) take two GetMetricData calls', async () => {
  const event = addEndedJob(fake, END, 'big-job', {
    instanceType: 'ml.g5.48xlarge', hosts: 60, hours: 1,
    metrics: { GPUUtilization: steady(400), GPUMemoryUtilization: steady(400), CPUUtilization: steady(1920), MemoryUtilization: steady(30) },
  });
  expect(await send(event)).toMatchObject({ outcome: 'reported', getMetricDataCalls: 2 });
  expect(fake.calls.map((c) => c.body.MetricDataQueries.length)).toEqual([500, 100]);
  // 50 % of 8 GPUs → 4 x 1.2 = 4.8 → 5 GPUs: no 5-7 GPU g5 size, so the 8-GPU type stays.
  expect(reports()[0]).toMatchObject({ JobGPUUtilizationAverage: 50, recommendation: { verdict: 'keep', needs: { accelerators: 5 } } });
});
