/**
 * Sweep time for many stops at realistic API latency, with throttling. The sweep runs with the handler's own clients
 * (`newClients()`: the SDK's default retry mode, back-off and the per-request timeout), pointed at the loopback fake
 * through AWS_ENDPOINT_URL, and a remaining-time function that counts down from the function's timeout like the
 * Lambda context's `getRemainingTimeInMillis()`. Every StopTrainingJob request is counted at the fake, throttled
 * answers included.
 *
 * The latency and the token bucket are simulation settings: SageMaker publishes no rate for StopTrainingJob.
 */
import { GUARD_DEFAULTS } from '../lib/guard/guard-env';
import { configFromEnv, ENV } from '../lambda/training-job-guard/config';
import { guard, newClients, setLogSink } from '../lambda/training-job-guard/index';
import type { SweepSummary } from '../lambda/training-job-guard/sweep';
import { addRunningJob, FakeAws, REGION, Throttle } from '../test/support/fake-aws';

export interface StopTime {
  readonly n: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  readonly throttle: Throttle;
  readonly stopped: number;
  readonly deferred: number;
  readonly errors: number;
  /** StopTrainingJob requests at the fake (every attempt). */
  readonly stopRequests: number;
  readonly throttled: number;
  readonly describeRequests: number;
  readonly sweepMs: number;
  readonly timeoutMs: number;
  /** Log lines with action 'stopped' (must equal `stopped`). */
  readonly stopLines: number;
}

const NOW = new Date('2026-11-26T12:00:30Z');
const SDK_ENV = {
  AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export async function timeStops(n: number, concurrency: number, latencyMs: number, throttle: Throttle): Promise<StopTime> {
  const fake = await FakeAws.start();
  const saved = { ...process.env };
  let stopLines = 0;
  try {
    for (let i = 0; i < n; i++) addRunningJob(fake, NOW, `idle-${String(i).padStart(4, '0')}`, { util: () => 0 });
    Object.assign(process.env, SDK_ENV, { AWS_ENDPOINT_URL: fake.url });
    delete process.env.AWS_SESSION_TOKEN;
    fake.latencyMs = latencyMs;
    fake.throttle = throttle;
    setLogSink((l) => { if (l.action === 'stopped') stopLines++; });
    const timeoutMs = GUARD_DEFAULTS.timeoutSeconds * 1000;
    const t0 = performance.now();
    const summary = (await guard({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, {
      ...newClients(),
      config: configFromEnv({ [ENV.STOP_CONCURRENCY]: String(concurrency), AWS_LAMBDA_FUNCTION_NAME: 'bench' }),
      now: () => NOW,
      remainingTimeMs: () => timeoutMs - (performance.now() - t0),
    })) as SweepSummary;
    const sweepMs = performance.now() - t0;
    if (fake.problems.length) throw new Error(`invalid requests:\n${fake.problems.join('\n')}`);
    const stops = fake.calls.filter((c) => c.operation === 'StopTrainingJob');
    if (fake.stops.length !== summary.stopped.length || stopLines !== summary.stopped.length) {
      throw new Error(`stops not recorded exactly once: ${fake.stops.length} at the fake, ${summary.stopped.length} in the summary, ${stopLines} lines`);
    }
    return {
      n, concurrency, latencyMs, throttle, stopped: summary.stopped.length, deferred: summary.deferred.length, errors: summary.errors,
      stopRequests: stops.length, throttled: stops.filter((c) => c.error === 'ThrottlingException').length,
      describeRequests: fake.count('DescribeTrainingJob'), sweepMs, timeoutMs, stopLines,
    };
  } finally {
    setLogSink(undefined);
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await fake.close();
  }
}
