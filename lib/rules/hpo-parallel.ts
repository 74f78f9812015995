import { ApiShape, field, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

/** SML-HPO-PARALLEL: One training job at a time; more warns. */
export const HPO_PARALLEL: SustainabilityRule = {
  id: 'SML-HPO-PARALLEL',
  title: 'One training job at a time; more warns',
  wellArchitected: ['MLSUS04-BP04', 'SUS02-BP06'],
  rationale: 'Each Bayesian round learns from the last; parallel jobs search blind and flatten nothing.',
  fix: 'Keep `maxParallelTrainingJobs` at 1.',
};

/** Compliant when a CreateHyperParameterTuningJob request runs one training job at a time (`ResourceLimits.MaxParallelTrainingJobs` 1). */
export function tuningJobRunsOneAtATime(request: ApiShape): RuleFinding[] {
  const config = request?.HyperParameterTuningJobConfig;
  const p = field(config?.ResourceLimits, 'MaxParallelTrainingJobs');
  if (!p.known) {
    return [unknown(HPO_PARALLEL.id, 'maxParallelTrainingJobs', 'SageMaker checks the 1–100 range when the tuning job is created, and no warning can say whether jobs run in parallel')];
  }
  if (typeof p.value !== 'number' || p.value <= 1) return [];
  const why = config?.Strategy === 'Bayesian'
    ? 'each Bayesian round learns from the jobs that finished before it, and parallel jobs are chosen without that knowledge, so the search needs more jobs for the same result'
    : 'parallel jobs finish together, so early stopping and the completion criteria stop fewer of them';
  return [warning(HPO_PARALLEL.id, `maxParallelTrainingJobs ${p.value}: ${why}`)];
}
