import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { allKnown, numberForHumans, SET_AT_DEPLOY_TIME } from './private/synth-value';
import { rule } from './rules';
import { SustainableTrainingJob } from './training/training-job';
import { SustainableTuningJob } from './tuning/tuning-job';

/** One training job in the sustainability summary. */
export interface TrainingJobSummary {
  /** Construct path. */
  readonly path: string;
  /** Job-name prefix. */
  readonly jobNamePrefix: string;
  /** Instance type and count, e.g. `1 × ml.m5.large` (`set at deploy time × ml.m5.large` for a deploy-time count). */
  readonly instances: string;
  /** Managed spot on. */
  readonly spot: boolean;
  /**
   * Max runtime in hours.
   * @default - undefined when it is set at deploy time (a token)
   */
  readonly maxRuntimeHours?: number;
  /**
   * Max wait in hours (spot only).
   * @default - undefined without spot, or when it is set at deploy time
   */
  readonly maxWaitHours?: number;
  /** Rule ids applied. */
  readonly rules: string[];
}

/** Hours of a Duration, or undefined when it is set at deploy time. */
function hours(d: Duration): number | undefined {
  return d.isUnresolved() ? undefined : d.toHours({ integral: false });
}

/** Every SustainableTrainingJob in the tree under `scope`, summarised. */
export function summarizeTrainingJobs(scope: IConstruct): TrainingJobSummary[] {
  return scope.node.findAll()
    .filter((c): c is SustainableTrainingJob => c instanceof SustainableTrainingJob)
    .map((j) => ({
      path: j.node.path,
      jobNamePrefix: j.jobNamePrefix,
      instances: `${numberForHumans(j.instanceCount)} × ${j.instanceType.name}`,
      spot: j.spot,
      maxRuntimeHours: hours(j.maxRuntime),
      maxWaitHours: j.maxWait ? hours(j.maxWait) : undefined,
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
  /**
   * Worst-case instance-hours of one run: jobs × instances × max runtime per job.
   * @default - undefined when one of them is set at deploy time
   */
  readonly worstCaseInstanceHours?: number;
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
      worstCaseInstanceHours: allKnown(t.maxTrainingJobs, t.trainingJob.instanceCount, t.trainingJob.maxRuntime)
        ? t.maxTrainingJobs * t.trainingJob.instanceCount * t.trainingJob.maxRuntime.toHours({ integral: false })
        : undefined,
      rules: [...t.appliedRules],
    }));
}

/** The summary as text lines for the terminal. */
export function formatSummary(scope: IConstruct): string {
  const jobs = summarizeTrainingJobs(scope);
  const lines = [`cdk-sustainable-ml: ${jobs.length} training job definition(s)`];
  for (const j of jobs) {
    lines.push(`- ${j.path} (${j.jobNamePrefix}-*)`);
    const wait = j.spot ? `, max wait ${j.maxWaitHours !== undefined ? `${j.maxWaitHours} h` : SET_AT_DEPLOY_TIME}` : '';
    lines.push(`    instance ${j.instances}, spot ${j.spot ? 'on' : 'OFF'}, max runtime ${j.maxRuntimeHours !== undefined ? `${j.maxRuntimeHours} h` : SET_AT_DEPLOY_TIME}${wait}`);
    lines.push(`    rules: ${j.rules.map((id) => `${id} (${rule(id).wellArchitected.join('/')})`).join(', ')}`);
  }
  const tunings = summarizeTuningJobs(scope);
  if (tunings.length > 0) lines.push(`cdk-sustainable-ml: ${tunings.length} tuning job definition(s)`);
  for (const t of tunings) {
    lines.push(`- ${t.path}`);
    const worst = t.worstCaseInstanceHours !== undefined ? `${t.worstCaseInstanceHours} instance-hours` : SET_AT_DEPLOY_TIME;
    lines.push(`    ${t.strategy}, at most ${numberForHumans(t.maxTrainingJobs)} training jobs, ${numberForHumans(t.maxParallelTrainingJobs)} at a time; worst case ${worst} per run`);
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
