import { SustainabilityRule } from './rule';

/** SML-HPO-STRATEGY: Bayesian search; Random warns; Grid refused unless explicitly allowed. */
export const HPO_STRATEGY: SustainabilityRule = {
  id: 'SML-HPO-STRATEGY',
  title: 'Bayesian search; Random warns; Grid refused unless explicitly allowed',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'Bayesian search learns from every finished job; grid search tries every combination.',
  fix: 'Use the Bayesian (default) or Hyperband strategy.',
};
