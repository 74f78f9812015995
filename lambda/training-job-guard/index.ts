/**
 * TrainingJobGuard handler (SML-GUARD). Two triggers:
 * - an EventBridge schedule: sweep the running guarded training jobs (sweep.ts);
 * - "SageMaker Training Job State Change" events with Debugger/Profiler rule findings (events.ts).
 *
 * The SDK clients come from the Lambda runtime (the bundle keeps `@aws-sdk/*` external). Endpoint, region,
 * credentials and retries follow the SDK's own environment (`AWS_ENDPOINT_URL`, `AWS_REGION`,
 * `AWS_MAX_ATTEMPTS`, …), which is also how the tests point the handler at a loopback server.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { configFromEnv } from './config';
import { EventResult, handleStateChange, isStateChange } from './events';
import { Deps, runSweep, SweepSummary } from './sweep';

export { setLogSink } from './log';
export type { Deps, SweepSummary, EventResult };

let clients: { sagemaker: SageMakerClient; cloudwatch: CloudWatchClient } | undefined;

/** Route one invocation with the given dependencies (tests inject clients with tiny retry delays). */
export async function guard(event: unknown, deps: Deps): Promise<SweepSummary | EventResult> {
  if (isStateChange(event)) return handleStateChange(event, deps);
  return runSweep(deps);
}

/** The Lambda entry point. */
export async function handler(event: unknown): Promise<SweepSummary | EventResult> {
  clients ??= { sagemaker: new SageMakerClient({}), cloudwatch: new CloudWatchClient({}) };
  return guard(event, { ...clients, config: configFromEnv(process.env), now: () => new Date() });
}
