import { IConstruct } from 'constructs';
import { rule } from './rules';
import { SustainableTrainingJob } from './training/training-job';
import { SustainableTuningJob } from './tuning/tuning-job';

/** One training job in the sustainability summary. */
export interface TrainingJobSummary {
  /** Construct path. */
  readonly path: string;
  /** Job-name prefix. */
  readonly jobNamePrefix: string;
  /** Instance type and count, e.g. `1 × ml.m5.large`. */
  readonly instances: string;
  /** Managed spot on. */
  readonly spot: boolean;
  /** Max runtime in hours. */
  readonly maxRuntimeHours: number;
  /** Max wait in hours (spot only). */
  readonly maxWaitHours?: number;
  /** Rule ids applied. */
  readonly rules: string[];
}

/** Every SustainableTrainingJob in the tree under `scope`, summarised. */
export function summarizeTrainingJobs(scope: IConstruct): TrainingJobSummary[] {
  return scope.node.findAll()
    .filter((c): c is SustainableTrainingJob => c instanceof SustainableTrainingJob)
    .map((j) => ({
      path: j.node.path,
      jobNamePrefix: j.jobNamePrefix,
      instances: `${j.instanceCount} × ${j.instanceType.name}`,
      spot: j.spot,
      maxRuntimeHours: j.maxRuntime.toHours({ integral: false }),
      maxWaitHours: j.maxWait?.toHours({ integral: false }),
      rules: [...j.appliedRules],
    }));
}

/** One tuning job in the sustainability summary. */
export interface TuningJobSummary {
  /** Construct path. */
  readonly path: string;
  /** Search strategy. */
  readonly strategy: string;
  /** Most training jobs one run can launch. */
  readonly maxTrainingJobs: number;
  /** Training jobs at a time. */
  readonly maxParallelTrainingJobs: number;
  /** Worst-case instance-hours of one run: jobs × instances × max runtime per job. */
  readonly worstCaseInstanceHours: number;
  /** Rule ids applied. */
  readonly rules: string[];
}

/** Every SustainableTuningJob in the tree under `scope`, summarised. */
export function summarizeTuningJobs(scope: IConstruct): TuningJobSummary[] {
  return scope.node.findAll()
    .filter((c): c is SustainableTuningJob => c instanceof SustainableTuningJob)
    .map((t) => ({
      path: t.node.path,
      strategy: t.strategy.name,
      maxTrainingJobs: t.maxTrainingJobs,
      maxParallelTrainingJobs: t.maxParallelTrainingJobs,
      worstCaseInstanceHours: t.maxTrainingJobs * t.trainingJob.instanceCount * t.trainingJob.maxRuntime.toHours({ integral: false }),
      rules: [...t.appliedRules],
    }));
}

/** The summary as text lines for the terminal. */
export function formatSummary(scope: IConstruct): string {
  const jobs = summarizeTrainingJobs(scope);
  const lines = [`cdk-sustainable-ml: ${jobs.length} training job definition(s)`];
  for (const j of jobs) {
    lines.push(`- ${j.path} (${j.jobNamePrefix}-*)`);
    lines.push(`    instance ${j.instances}, spot ${j.spot ? 'on' : 'OFF'}, max runtime ${j.maxRuntimeHours} h${j.maxWaitHours !== undefined ? `, max wait ${j.maxWaitHours} h` : ''}`);
    lines.push(`    rules: ${j.rules.map((id) => `${id} (${rule(id).wellArchitected.join('/')})`).join(', ')}`);
  }
  const tunings = summarizeTuningJobs(scope);
  if (tunings.length > 0) lines.push(`cdk-sustainable-ml: ${tunings.length} tuning job definition(s)`);
  for (const t of tunings) {
    lines.push(`- ${t.path}`);
    lines.push(`    ${t.strategy}, at most ${t.maxTrainingJobs} training jobs, ${t.maxParallelTrainingJobs} at a time; worst case ${t.worstCaseInstanceHours} instance-hours per run`);
    lines.push(`    rules: ${t.rules.map((id) => `${id} (${rule(id).wellArchitected.join('/')})`).join(', ')}`);
  }
  return lines.join('\n');
}

/** The sustainability summary of an app, for the public API (jsii-friendly). */
export class SustainabilitySummary {
  /** Every SustainableTrainingJob under `scope`. */
  public static trainingJobs(scope: IConstruct): TrainingJobSummary[] {
    return summarizeTrainingJobs(scope);
  }

  /** Every SustainableTuningJob under `scope`. */
  public static tuningJobs(scope: IConstruct): TuningJobSummary[] {
    return summarizeTuningJobs(scope);
  }

  /** The summary as text for the terminal. */
  public static format(scope: IConstruct): string {
    return formatSummary(scope);
  }

  private constructor() {}
}
