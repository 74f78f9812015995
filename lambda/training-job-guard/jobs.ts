/**
 * The guard's view of one running training job, built from a Search record (TrainingJob) or a
 * DescribeTrainingJob response: both carry the same members.
 */
import type { ResourceConfig, SecondaryStatusTransition, StoppingCondition, Tag } from '@aws-sdk/client-sagemaker';
import { instanceSpec, InstanceSpec } from './instances';

/** SageMaker's default MaxRuntimeInSeconds when a job sets none (API reference: 86,400 s = 1 day). */
export const DEFAULT_MAX_RUNTIME_SECONDS = 86_400;

export interface WatchedJob {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly secondaryStatus?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The instance type whose metrics are judged (the most accelerated group of a heterogeneous cluster). */
  readonly instanceType?: string;
  readonly spec: InstanceSpec;
  /** Hosts `algo-1` … `algo-<hosts>`. */
  readonly hosts: number;
  /** Heterogeneous cluster: hosts of the other groups publish no accelerator metric and are not judged. */
  readonly heterogeneous: boolean;
  /** When the current `Training` secondary status began (downloads before it are not idle time). */
  readonly trainingPhaseStart?: Date;
  readonly trainingStartTime?: Date;
  readonly maxRuntimeSeconds: number;
}

/** The members of TrainingJob / DescribeTrainingJobResponse the guard reads. */
export interface TrainingJobLike {
  TrainingJobName?: string;
  TrainingJobArn?: string;
  TrainingJobStatus?: string;
  SecondaryStatus?: string;
  ResourceConfig?: ResourceConfig;
  StoppingCondition?: StoppingCondition;
  TrainingStartTime?: Date;
  SecondaryStatusTransitions?: SecondaryStatusTransition[];
  Tags?: Tag[];
}

/** Tag list → map. */
export function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

const RANK = { gpu: 2, neuron: 1, none: 0 } as const;

function resources(rc: ResourceConfig | undefined): { instanceType?: string; spec: InstanceSpec; hosts: number; heterogeneous: boolean } {
  if (rc?.InstanceType) {
    return { instanceType: rc.InstanceType, spec: instanceSpec(rc.InstanceType), hosts: rc.InstanceCount ?? 1, heterogeneous: false };
  }
  const groups = rc?.InstanceGroups ?? [];
  if (groups.length === 0) return { spec: { accelerator: 'none' }, hosts: 0, heterogeneous: false };
  let best = groups[0];
  for (const g of groups) {
    if (RANK[instanceSpec(g.InstanceType!).accelerator] > RANK[instanceSpec(best.InstanceType!).accelerator]) best = g;
  }
  return {
    instanceType: best.InstanceType,
    spec: instanceSpec(best.InstanceType!),
    hosts: groups.reduce((n, g) => n + (g.InstanceCount ?? 0), 0),
    heterogeneous: groups.length > 1,
  };
}

function trainingPhaseStart(job: TrainingJobLike): Date | undefined {
  const transitions = job.SecondaryStatusTransitions ?? [];
  for (let i = transitions.length - 1; i >= 0; i--) {
    if (transitions[i].Status === 'Training' && !transitions[i].EndTime) return transitions[i].StartTime;
  }
  return job.SecondaryStatus === 'Training' ? job.TrainingStartTime : undefined;
}

/** Build the guard's view of a job; `tags` overrides the record's own Tags (ListTags or event detail). */
export function watchedJob(job: TrainingJobLike, tags?: Record<string, string>): WatchedJob {
  const r = resources(job.ResourceConfig);
  const phase = trainingPhaseStart(job);
  return {
    name: job.TrainingJobName!,
    arn: job.TrainingJobArn ?? '',
    status: job.TrainingJobStatus ?? 'Unknown',
    ...(job.SecondaryStatus ? { secondaryStatus: job.SecondaryStatus } : {}),
    tags: tags ?? tagMap(job.Tags),
    ...(r.instanceType ? { instanceType: r.instanceType } : {}),
    spec: r.spec,
    hosts: r.hosts,
    heterogeneous: r.heterogeneous,
    ...(phase ? { trainingPhaseStart: phase } : {}),
    ...(job.TrainingStartTime ? { trainingStartTime: job.TrainingStartTime } : {}),
    maxRuntimeSeconds: job.StoppingCondition?.MaxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS,
  };
}

/** A job that may be stopped now: InProgress and not already Stopping. */
export function isRunning(job: { status: string; secondaryStatus?: string }): boolean {
  return job.status === 'InProgress' && job.secondaryStatus !== 'Stopping';
}
