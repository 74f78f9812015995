import { SustainabilityRule } from './rule';

/** SML-HPO-SPACE: Few ranges (more than a handful warns; API max refused); log scaling for wide positive ranges. */
export const HPO_SPACE: SustainabilityRule = {
  id: 'SML-HPO-SPACE',
  title: 'Few ranges (more than a handful warns; API max refused); log scaling for wide positive ranges',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'Every extra dimension multiplies the search; log scaling searches wide ranges with fewer jobs.',
  fix: 'Tune only the hyperparameters that matter; use logarithmic scaling for ranges over orders of magnitude.',
};
