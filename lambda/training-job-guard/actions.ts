/**
 * Stopping a job, once. Before stopping, DescribeTrainingJob confirms the job is still InProgress and not already
 * Stopping (the Search index and events can be stale), so a job is never stopped twice; a ValidationException from
 * StopTrainingJob (the job left InProgress in between) counts as "already stopping", not as an error.
 */
import { DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { GuardConfig } from './config';
import { isRunning, WatchedJob } from './jobs';
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

export async function stopJob(ctx: StopContext, job: WatchedJob, reason: string, figures: Record<string, unknown>): Promise<StopOutcome> {
  if (ctx.handled.has(job.name)) return 'already-stopping';
  ctx.handled.add(job.name);
  const fresh = await ctx.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: job.name }));
  if (!isRunning({ status: fresh.TrainingJobStatus ?? 'Unknown', ...(fresh.SecondaryStatus ? { secondaryStatus: fresh.SecondaryStatus } : {}) })) {
    return 'already-stopping';
  }
  const record = {
    job: job.name,
    jobArn: job.arn || fresh.TrainingJobArn || '',
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
  try {
    await ctx.sm.send(new StopTrainingJobCommand({ TrainingJobName: job.name }));
  } catch (err) {
    if ((err as { name?: string }).name === 'ValidationException') return 'already-stopping';
    throw err;
  }
  logStop(ctx.config, { action: 'stopped', ...record }, ctx.now);
  return 'stopped';
}
