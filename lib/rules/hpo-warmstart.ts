import { SustainabilityRule } from './rule';

/** SML-HPO-WARMSTART: Warm start from parent tuning jobs (≤ 5), type validated. */
export const HPO_WARMSTART: SustainabilityRule = {
  id: 'SML-HPO-WARMSTART',
  title: 'Warm start from parent tuning jobs (≤ 5), type validated',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'A new search that starts from what earlier searches learned needs fewer jobs.',
  fix: 'Pass `warmStart` with at most 5 parents and a Bayesian or Random strategy.',
};
