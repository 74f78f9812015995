/**
 * TrainingJobGuard handler (SML-GUARD, SML-MEASURE). Three triggers:
 * - an EventBridge schedule: sweep the running guarded training jobs (sweep.ts);
 * - "SageMaker Training Job State Change" events with Debugger/Profiler rule findings (events.ts);
 * - "SageMaker Training Job State Change" events of guarded jobs that ended: publish their utilisation and a
 *   right-sizing recommendation (job-end.ts).
 *
 * The SDK clients come from the Lambda runtime (the bundle keeps `@aws-sdk/*` external). Endpoint, region,
 * credentials and retries follow the SDK's own environment (`AWS_ENDPOINT_URL`, `AWS_REGION`,
 * `AWS_MAX_ATTEMPTS`, …), which is also how the tests point the handler at a loopback server. Each request is cut
 * off after REQUEST_TIMEOUT_MS (the SDK's default is no limit), so a hung connection cannot outlive the sweep's time
 * budget; the sweep's budget itself comes from the Lambda context's `getRemainingTimeInMillis()`.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { configFromEnv } from './config';
import { EventResult, handleStateChange, isStateChange } from './events';
import { handleJobEnd, isJobEnd, JobEndResult } from './job-end';
import { Deps, runSweep, SweepSummary } from './sweep';

export { setLogSink } from './log';
export type { Deps, SweepSummary, EventResult, JobEndResult };

let clients: { sagemaker: SageMakerClient; cloudwatch: CloudWatchClient } | undefined;

/** Per-request timeout (connection + answer) of the handler's clients. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The part of the Lambda context the guard reads. */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
}

/** Route one invocation with the given dependencies (tests inject clients with tiny retry delays). */
export async function guard(event: unknown, deps: Deps): Promise<SweepSummary | EventResult | JobEndResult> {
  if (isStateChange(event)) return isJobEnd(event) ? handleJobEnd(event, deps) : handleStateChange(event, deps);
  return runSweep(deps);
}

/**
 * The clients the handler uses: configured from the SDK's environment, with a per-request timeout, and the SDK's
 * `adaptive` retry mode unless AWS_RETRY_MODE says otherwise: on throttling it also slows the client's own send
 * rate, so parallel stops settle at the rate the service allows instead of exhausting their retries.
 */
export function newClients(env: NodeJS.ProcessEnv = process.env): { sagemaker: SageMakerClient; cloudwatch: CloudWatchClient } {
  const common = {
    requestHandler: { connectionTimeout: 3_000, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    ...(env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
  };
  return { sagemaker: new SageMakerClient(common), cloudwatch: new CloudWatchClient(common) };
}

/** The Lambda entry point. */
export async function handler(event: unknown, context?: InvocationContext): Promise<SweepSummary | EventResult | JobEndResult> {
  clients ??= newClients();
  const remaining = context?.getRemainingTimeInMillis?.bind(context);
  return guard(event, {
    ...clients, config: configFromEnv(process.env), now: () => new Date(), ...(remaining ? { remainingTimeMs: remaining } : {}),
  });
}
