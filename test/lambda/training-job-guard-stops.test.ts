/**
 * How the sweep stops jobs: each stop recorded exactly once whatever the SDK's retries, bounded concurrency, and a
 * time budget from the invocation's remaining time. Real SDK v3 clients against the loopback fake; the time budget is
 * driven by a fake remaining-time function tied to the calls the fake has seen, never by the wall clock.
 */
import { configFromEnv, ENV } from '../../lambda/training-job-guard/config';
import { guard, newClients, REQUEST_TIMEOUT_MS } from '../../lambda/training-job-guard/index';
import type { SweepSummary } from '../../lambda/training-job-guard/sweep';
import { addHealthyJobs, addRunningJob, clientsFor, Fault, FakeAws } from '../support/fake-aws';
import { guardHarness } from '../support/guard-harness';

const NOW = new Date('2026-11-26T12:00:30Z');
const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

const harness = guardHarness();
let fake: FakeAws;
let lines: Record<string, any>[];
beforeEach(() => {
  ({ fake, lines } = harness);
});

async function sweep(o: { env?: NodeJS.ProcessEnv; maxAttempts?: number; remainingTimeMs?: () => number } = {}): Promise<SweepSummary> {
  return (await guard(SCHEDULED, {
    ...clientsFor(fake, o.maxAttempts ?? 3),
    config: configFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'guard-fn', ...o.env }),
    now: () => NOW,
    ...(o.remainingTimeMs ? { remainingTimeMs: o.remainingTimeMs } : {}),
  })) as SweepSummary;
}

/** `count` idle guarded jobs `<prefix>-<i>` (GPU at 0 % for an hour). */
function addIdleJobs(count: number, prefix = 'idle', instanceType = 'ml.g5.xlarge'): string[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${prefix}-${String(i).padStart(3, '0')}`;
    addRunningJob(fake, NOW, name, { instanceType, util: () => 0 });
    return name;
  });
}

const stopLines = (): Record<string, any>[] => lines.filter((l) => l.action === 'stopped');
const summaryLine = (): Record<string, any> => {
  const found = lines.filter((l) => /^sweep complete/.test(l.message));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('a stop is recorded exactly once, whatever the retries', () => {
  test('the audit\'s case: 20 of 185 stops answered 5xx after they took effect, then refused on retry; all 185 recorded once', async () => {
    addHealthyJobs(fake, NOW, 300);
    const idle = addIdleJobs(185);
    const lost = idle.filter((_, i) => i % 9 === 0).slice(0, 20);
    // Each of these stops takes effect, its answer is a 500; the SDK's retry then meets the job Stopping.
    fake.faults = lost.map((name): Fault => ({
      operation: 'StopTrainingJob', times: 1, status: 500, code: 'InternalFailure', afterEffect: true, match: (b) => b.TrainingJobName === name,
    }));

    const summary = await sweep();

    expect(fake.stops).toHaveLength(185);
    expect(new Set(fake.stops).size).toBe(185);
    // The service refused every retry of the 20: proof the ambiguity was real.
    const retries = fake.calls.filter((c) => c.operation === 'StopTrainingJob' && c.attempt === 2);
    expect(retries.map((c) => c.body.TrainingJobName).sort()).toEqual(lost);
    expect(retries.every((c) => c.status === 400)).toBe(true);

    // Summary, log lines and metrics agree: 185 each, every job once.
    expect([...summary.stopped].sort()).toEqual(idle);
    const recorded = stopLines();
    expect(recorded.map((l) => l.job).sort()).toEqual(idle);
    expect(recorded.reduce((n, l) => n + l.JobsStopped, 0)).toBe(185);
    expect(recorded.reduce((n, l) => n + l.InstanceHoursSaved, 0)).toBeCloseTo(185 * 4, 6);
    expect(summaryLine()).toMatchObject({ stopped: 185, errors: 0 });

    // Only the 20 ambiguous answers cost a read; it confirmed each stop.
    expect(fake.calls.filter((c) => c.operation === 'DescribeTrainingJob').map((c) => c.body.TrainingJobName).sort()).toEqual(lost);
    for (const name of lost) {
      expect(recorded.find((l) => l.job === name)!.evidence).toEqual({ attempts: 2, confirmedStatus: 'Stopping' });
    }
    expect(fake.count('StopTrainingJob')).toBe(185 + 20);
  });

  test('a stop whose every answer was lost (5xx on all attempts) is confirmed by one read and recorded', async () => {
    addIdleJobs(3);
    fake.faults = [{ operation: 'StopTrainingJob', times: 3, status: 503, code: 'ServiceUnavailable', afterEffect: true, match: (b) => b.TrainingJobName === 'idle-001' }];
    const summary = await sweep({ maxAttempts: 3 });
    expect([...summary.stopped].sort()).toEqual(['idle-000', 'idle-001', 'idle-002']);
    expect(summary.errors).toBe(0);
    expect(stopLines().find((l) => l.job === 'idle-001')!.evidence).toEqual({ attempts: 3, confirmedStatus: 'Stopping' });
    expect(fake.count('DescribeTrainingJob')).toBe(1);
  });

  test('a throttled first attempt followed by a refusal is not a stop of ours, and costs no read', async () => {
    addIdleJobs(2);
    const other = fake.jobs.get('idle-001')!; // someone else stopped it after the Search
    other.status = 'Stopping';
    other.secondaryStatus = 'Stopping';
    other.searchStatus = 'InProgress';
    other.searchSecondaryStatus = 'Training';
    fake.faults = [{ operation: 'StopTrainingJob', times: 1, status: 400, code: 'ThrottlingException', match: (b) => b.TrainingJobName === 'idle-001' }];
    const summary = await sweep();
    expect(summary.stopped).toEqual(['idle-000']);
    expect(summary.results.find((r) => r.job === 'idle-001')).toMatchObject({ outcome: 'already-stopping' });
    expect(fake.count('DescribeTrainingJob')).toBe(0);
    expect(stopLines().map((l) => l.job)).toEqual(['idle-000']);
  });
});

describe('bounded concurrency', () => {
  test.each([
    ['the default (10)', {}, 10],
    ['GUARD_STOP_CONCURRENCY=3', { [ENV.STOP_CONCURRENCY]: '3' }, 3],
  ])('stops run in parallel, never more than %s at once', async (_name, env, limit) => {
    addIdleJobs(40);
    fake.latencyMs = 20; // answers overlap only if requests do
    const summary = await sweep({ env });
    expect(summary.stopped).toHaveLength(40);
    const most = fake.maxInFlight.get('StopTrainingJob')!;
    expect(most).toBeLessThanOrEqual(limit);
    expect(most).toBeGreaterThan(1);
  });
});

describe('throttling', () => {
  test('a stop still throttled after the SDK\'s retries goes back to the queue (twice at most), then counts as an error', async () => {
    addIdleJobs(3);
    fake.faults = [
      { operation: 'StopTrainingJob', times: 2, status: 400, code: 'ThrottlingException', match: (b) => b.TrainingJobName === 'idle-000' },
      { operation: 'StopTrainingJob', times: 3, status: 400, code: 'ThrottlingException', match: (b) => b.TrainingJobName === 'idle-001' },
    ];
    const summary = await sweep({ maxAttempts: 1 }); // no SDK retry: every throttle reaches the sweep
    expect([...summary.stopped].sort()).toEqual(['idle-000', 'idle-002']);
    expect(summary.results.find((r) => r.job === 'idle-001')).toMatchObject({ outcome: 'error', error: expect.stringMatching(/^ThrottlingException/) });
    expect(fake.calls.filter((c) => c.body.TrainingJobName === 'idle-000').length).toBe(3);
    expect(fake.calls.filter((c) => c.body.TrainingJobName === 'idle-001').length).toBe(3);
    expect(fake.count('DescribeTrainingJob')).toBe(0); // a throttle changes nothing: no read
  });

  test('the handler\'s clients use the SDK\'s adaptive retry mode unless AWS_RETRY_MODE is set, and cut requests off', async () => {
    const adaptive: any = await (newClients({}).sagemaker.config as any).retryStrategy();
    const standard: any = await (newClients({ AWS_RETRY_MODE: 'standard' }).sagemaker.config as any).retryStrategy();
    expect([adaptive.mode, standard.mode]).toEqual(['adaptive', 'standard']);
    const handler: any = (newClients({}).cloudwatch.config as any).requestHandler;
    expect(await handler.configProvider).toMatchObject({ requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true });
  });
});

describe('time budget (Lambda remaining time)', () => {
  test('stops until the reserve is reached, most savings first, writes its summary, and the next sweep stops the rest', async () => {
    addHealthyJobs(fake, NOW, 50);
    const big = addIdleJobs(75, 'big', 'ml.g5.12xlarge'); // 4 GPUs: 4 x the accelerator-hours of a g5.xlarge
    const small = addIdleJobs(75, 'small', 'ml.g5.xlarge');
    // Each StopTrainingJob "costs" 1 s of a 120 s invocation; the default reserve is 15 s: 105 stops fit.
    const remaining = (): number => 120_000 - 1_000 * fake.count('StopTrainingJob');

    const first = await sweep({ remainingTimeMs: remaining });

    const started = fake.count('StopTrainingJob');
    expect(started).toBeGreaterThanOrEqual(105);
    expect(started).toBeLessThan(105 + 10); // at most the stops already in flight when the budget ran out
    expect(first.stopped.length + first.deferred.length).toBe(150);
    expect([...first.stopped].sort()).toEqual([...fake.stops].sort()); // every real stop is recorded
    for (const name of big) expect(first.stopped).toContain(name); // the most wasteful jobs first
    expect(first.deferred.every((name) => small.includes(name))).toBe(true);
    expect(first.results.filter((r) => r.outcome === 'deferred').every((r) => r.reason === 'idle')).toBe(true);
    expect(first.budget).toEqual({ remainingAtStartMs: 120_000, reserveMs: 15_000, exhaustedIn: 'stops' });
    expect(summaryLine()).toMatchObject({ level: 'WARN', stopped: first.stopped.length, deferred: first.deferred.length });

    lines.length = 0;
    const second = await sweep({ remainingTimeMs: () => 120_000 });
    expect([...second.stopped].sort()).toEqual([...first.deferred].sort());
    expect(second.deferred).toEqual([]);
    expect(fake.stops).toHaveLength(150);
    expect(summaryLine()).toMatchObject({ level: 'INFO', stopped: first.deferred.length, deferred: 0 });
  });

  test('with less than the reserve left at the start it makes no call and still writes its summary', async () => {
    addIdleJobs(5);
    const summary = await sweep({ remainingTimeMs: () => 10_000 });
    expect(fake.calls).toEqual([]);
    expect(summary).toMatchObject({ discoveryComplete: false, jobsWatched: 0, stopped: [], budget: { exhaustedIn: 'start', reserveMs: 15_000 } });
    expect(summaryLine()).toMatchObject({ level: 'WARN', discoveryComplete: false });
  });

  test('a budget that runs out during discovery ends it early and defers the jobs found to the next sweep', async () => {
    addHealthyJobs(fake, NOW, 340);
    addIdleJobs(10);
    const remaining = (): number => 100_000 - 30_000 * fake.count('Search'); // 3 pages fit
    const summary = await sweep({ remainingTimeMs: remaining });
    expect(fake.count('Search')).toBe(3);
    expect(fake.count('GetMetricData') + fake.count('StopTrainingJob')).toBe(0);
    expect(summary).toMatchObject({ discoveryComplete: false, jobsWatched: 300, stopped: [], budget: { exhaustedIn: 'discovery' } });
    expect(summary.deferred).toHaveLength(300);
    expect(summaryLine()).toMatchObject({ deferred: 300 });
  });

  test('the reserve is a setting (GUARD_RESERVE_SECONDS)', async () => {
    addIdleJobs(5);
    const summary = await sweep({ env: { [ENV.RESERVE_SECONDS]: '5' }, remainingTimeMs: () => 10_000 });
    expect(summary.stopped).toHaveLength(5);
    expect(summary.budget).toEqual({ remainingAtStartMs: 10_000, reserveMs: 5_000 });
  });
});
