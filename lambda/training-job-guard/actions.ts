/**
 * Stopping a job, and recording each stop exactly once.
 *
 * No read before the stop: the sweep's status comes from the Search it just made (or the event), and the service
 * itself is the consistent check. StopTrainingJob refuses a job that is not InProgress with a ValidationException, so
 * a job that left InProgress in between (another stop, a stale index, a duplicate event) is never stopped twice and
 * costs one call, not two. (Re-reading the status through Search would read the same eventually consistent index
 * discovery just read; DescribeTrainingJob before every stop doubled the calls.)
 *
 * Exactly once, whatever the SDK's retries: an answer can be lost after the stop took effect (a 5xx, a timeout).
 * The SDK then retries, and the retry meets the job already Stopping: a ValidationException on attempt 2 or later
 * does NOT mean "someone else stopped it". A middleware sees every attempt: when one got a 5xx or no answer, a final
 * error is ambiguous and is settled with one DescribeTrainingJob: Stopping or Stopped means this call stopped the job,
 * and it is recorded (log line, EMF metrics, summary) once. Refusals, throttles and other 4xx change nothing, so a
 * chain of those needs no read. (Left ambiguous: a job that was already Stopping although Search still listed it
 * as InProgress, whose first stop attempt got a 5xx, is counted as stopped by this sweep.)
 */
import { DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { GuardConfig } from './config';
import type { WatchedJob } from './jobs';
import { logStop, Savings } from './log';

export type StopOutcome = 'stopped' | 'would-stop' | 'already-stopping';

/**
 * Estimated savings of stopping now, an upper bound: the job would otherwise have run at most until its
 * MaxRuntimeInSeconds. Instance-hours = remaining hours x instances; accelerator-hours (GPU-hours, or Trainium
 * device-hours) = instance-hours x accelerators per instance (1 when the type is unknown, 0 for CPU types).
 */
export function estimateSavings(job: WatchedJob, now: Date): Savings {
  const started = job.trainingStartTime?.getTime() ?? now.getTime();
  const elapsed = Math.max(0, (now.getTime() - started) / 1000);
  const remainingHours = Math.max(0, job.maxRuntimeSeconds - elapsed) / 3600;
  const instanceHours = remainingHours * job.hosts;
  const perInstance = job.spec.accelerator === 'none' ? 0 : job.spec.acceleratorCount ?? 1;
  return { remainingHours, instanceHours, acceleratorHours: instanceHours * perInstance };
}

export interface StopContext {
  readonly sm: SageMakerClient;
  readonly config: GuardConfig;
  readonly now: Date;
  /** Jobs already acted on in this invocation. */
  readonly handled: Set<string>;
}

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** The service refused the stop because the job is not (or no longer) InProgress, or does not exist. */
const isRefusal = (e: SdkError): boolean => e.name === 'ValidationException' || e.name === 'ResourceNotFound';

/** The request may have taken effect although no success came back: a 5xx, or no answer at all. */
const mayHaveTakenEffect = (e: SdkError): boolean => {
  const status = e.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
};

/** How the stop was settled, for the log line. */
export interface StopEvidence {
  /** Attempts the SDK made for StopTrainingJob. */
  readonly attempts: number;
  /** Set when the answer was ambiguous and DescribeTrainingJob settled it. */
  readonly confirmedStatus?: string;
}

/**
 * Send StopTrainingJob and decide whether THIS call stopped the job. Returns the evidence when it did, undefined when
 * the job was not stoppable (already stopping or ended); throws when the stop did not happen.
 */
export async function sendStop(sm: SageMakerClient, name: string): Promise<StopEvidence | undefined> {
  const command = new StopTrainingJobCommand({ TrainingJobName: name });
  // Every failed attempt (the SDK's retry loop runs this middleware once per attempt): did any of them possibly
  // stop the job before its answer was lost?
  let possiblyApplied = false;
  command.middlewareStack.add((next) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      if (!isRefusal(err as SdkError) && mayHaveTakenEffect(err as SdkError)) possiblyApplied = true;
      throw err;
    }
  }, { step: 'finalizeRequest', priority: 'low', name: 'guardStopAttempts' });
  try {
    const out = await sm.send(command);
    return { attempts: out.$metadata.attempts ?? 1 };
  } catch (err) {
    const e = err as SdkError;
    const attempts = e.$metadata?.attempts ?? 1;
    // Unambiguous unless an attempt got a 5xx or no answer: a refusal then means the job had already left
    // InProgress; a throttle or client error means nothing happened.
    if (!possiblyApplied) {
      if (isRefusal(e)) return undefined;
      throw err;
    }
    // An attempt may have stopped the job: read its status once (strongly consistent).
    const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    const status = d.TrainingJobStatus ?? 'Unknown';
    if (status === 'Stopping' || status === 'Stopped' || d.SecondaryStatus === 'Stopping') {
      return { attempts, confirmedStatus: status };
    }
    if (isRefusal(e)) return undefined; // it ended (Completed / Failed) on its own
    throw err;
  }
}

export async function stopJob(ctx: StopContext, job: WatchedJob, reason: string, figures: Record<string, unknown>): Promise<StopOutcome> {
  if (ctx.handled.has(job.name)) return 'already-stopping';
  ctx.handled.add(job.name);
  const record = {
    job: job.name,
    jobArn: job.arn,
    reason,
    ...(job.instanceType ? { instanceType: job.instanceType } : {}),
    hosts: job.hosts,
    figures,
    savings: estimateSavings(job, ctx.now),
  };
  if (ctx.config.dryRun) {
    logStop(ctx.config, { action: 'would-stop', ...record }, ctx.now);
    return 'would-stop';
  }
  const evidence = await sendStop(ctx.sm, job.name);
  if (!evidence) return 'already-stopping';
  logStop(ctx.config, { action: 'stopped', ...record, evidence }, ctx.now);
  return 'stopped';
}
