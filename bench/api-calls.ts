/**
 * API calls of one sweep over N guarded running jobs, counted at the loopback fake (every HTTP request, so SDK
 * retries would show; none are injected here). Worst case for the metric reads: every job carries an objective
 * and a training metric (3 series per job). Half as many unguarded running jobs sit next to them, and 1 % of the
 * guarded jobs idle (so the stop path is counted too). Reads are every call but StopTrainingJob: discovery,
 * GetMetricData and any DescribeTrainingJob (a status re-check) alike.
 */
import { configFromEnv, ENV } from '../lambda/training-job-guard/config';
import { guard, setLogSink } from '../lambda/training-job-guard/index';
import type { SweepSummary } from '../lambda/training-job-guard/sweep';
import { addHealthyJobs, addRunningJob, clientsFor, FakeAws } from '../test/support/fake-aws';

export interface SweepCount {
  readonly n: number;
  readonly discovery: 'search' | 'list';
  readonly byOperation: Record<string, number>;
  /** Every call but StopTrainingJob (discovery, metric reads, status re-checks). */
  readonly reads: number;
  /** StopTrainingJob calls. */
  readonly stopCalls: number;
  readonly stopped: number;
  readonly wallMs: number;
}

const NOW = new Date('2026-11-26T12:00:30Z');

export async function countSweep(n: number, discovery: 'search' | 'list'): Promise<SweepCount> {
  const fake = await FakeAws.start();
  try {
    addHealthyJobs(fake, NOW, n - Math.floor(n / 100), 'guarded', true);
    for (let i = 0; i < Math.floor(n / 100); i++) addRunningJob(fake, NOW, `idle-${i}`, { util: () => 0 });
    for (let i = 0; i < Math.floor(n / 2); i++) addRunningJob(fake, NOW, `unguarded-${i}`, { tags: { team: 'other' } });
    setLogSink(() => undefined);
    const t0 = performance.now();
    const summary = (await guard({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, {
      ...clientsFor(fake),
      config: configFromEnv({ [ENV.DISCOVERY]: discovery, AWS_LAMBDA_FUNCTION_NAME: 'bench' }),
      now: () => NOW,
    })) as SweepSummary;
    const wallMs = performance.now() - t0;
    setLogSink(undefined);
    if (fake.problems.length) throw new Error(`invalid requests:\n${fake.problems.join('\n')}`);
    if (summary.jobsWatched !== n || summary.stopped.length !== Math.floor(n / 100)) {
      throw new Error(`unexpected sweep: watched ${summary.jobsWatched}/${n}, stopped ${summary.stopped.length}`);
    }
    const byOperation: Record<string, number> = {};
    for (const c of fake.calls) byOperation[c.operation] = (byOperation[c.operation] ?? 0) + 1;
    const stopCalls = byOperation.StopTrainingJob ?? 0;
    const total = fake.calls.length;
    return { n, discovery, byOperation, reads: total - stopCalls, stopCalls, stopped: summary.stopped.length, wallMs };
  } finally {
    await fake.close();
  }
}
