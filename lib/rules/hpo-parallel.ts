import { SustainabilityRule } from './rule';

/** SML-HPO-PARALLEL: One training job at a time; more warns. */
export const HPO_PARALLEL: SustainabilityRule = {
  id: 'SML-HPO-PARALLEL',
  title: 'One training job at a time; more warns',
  wellArchitected: ['MLSUS04-BP04', 'SUS02-BP06'],
  rationale: 'Each Bayesian round learns from the last; parallel jobs search blind and flatten nothing.',
  fix: 'Keep `maxParallelTrainingJobs` at 1.',
};
