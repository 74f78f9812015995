import { API_TERMS, ApiShape, field, refusal, RuleFinding, shown, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-HPO-PARALLEL: One training job at a time; more warns. */
export const HPO_PARALLEL: SustainabilityRule = {
  id: 'SML-HPO-PARALLEL',
  title: 'One training job at a time; more warns',
  wellArchitected: ['MLSUS04-BP04', 'SUS02-BP06'],
  rationale: 'Each Bayesian round learns from the last; parallel jobs search blind and flatten nothing.',
  fix: 'Keep `maxParallelTrainingJobs` at 1.',
};

const PARALLEL = 'HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs';
const JOBS = 'HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs';

/**
 * Compliant when a CreateHyperParameterTuningJob request runs one training job at a time
 * (`ResourceLimits.MaxParallelTrainingJobs` 1). More is a warning; outside 1–100 (the API limit) or more than
 * `MaxNumberOfTrainingJobs` an error.
 */
export function tuningJobRunsOneAtATime(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const config = request?.HyperParameterTuningJobConfig;
  const p = field(config?.ResourceLimits, 'MaxParallelTrainingJobs');
  if (!p.known) {
    return [unknown(HPO_PARALLEL.id, t.name(PARALLEL), 'SageMaker checks the 1–100 range when the tuning job is created, and no warning can say whether jobs run in parallel')];
  }
  if (p.value === undefined) return [];
  if (!Number.isInteger(p.value) || p.value < 1 || p.value > 100) {
    return [refusal(HPO_PARALLEL.id, t, PARALLEL, p.value, 'must be a whole number from 1 to 100 (the API limit)', 'keep the default of 1')];
  }
  const jobs = field(config?.ResourceLimits, 'MaxNumberOfTrainingJobs');
  if (jobs.known && typeof jobs.value === 'number' && p.value > jobs.value) {
    return [refusal(HPO_PARALLEL.id, t, PARALLEL, p.value, `is more than ${t.name(JOBS)} (${shown(t, JOBS, jobs.value)}), so some of the capacity could never be used`, 'keep the default of 1')];
  }
  if (p.value <= 1) return [];
  const why = config?.Strategy === 'Bayesian'
    ? 'each Bayesian round learns from the jobs that finished before it, and parallel jobs are chosen without that knowledge, so the search needs more jobs for the same result'
    : 'parallel jobs finish together, so early stopping and the completion criteria stop fewer of them';
  return [warning(HPO_PARALLEL.id, `${t.name(PARALLEL)} ${p.value}: ${why}`)];
}
