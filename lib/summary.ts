import { IConstruct } from 'constructs';
import { rule } from './rules';
import { SustainableTrainingJob } from './training/training-job';

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

/** The summary as text lines for the terminal. */
export function formatSummary(scope: IConstruct): string {
  const jobs = summarizeTrainingJobs(scope);
  const lines = [`cdk-sustainable-ml: ${jobs.length} training job definition(s)`];
  for (const j of jobs) {
    lines.push(`- ${j.path} (${j.jobNamePrefix}-*)`);
    lines.push(`    instance ${j.instances}, spot ${j.spot ? 'on' : 'OFF'}, max runtime ${j.maxRuntimeHours} h${j.maxWaitHours !== undefined ? `, max wait ${j.maxWaitHours} h` : ''}`);
    lines.push(`    rules: ${j.rules.map((id) => `${id} (${rule(id).wellArchitected.join('/')})`).join(', ')}`);
  }
  return lines.join('\n');
}
