import { SustainabilityRule } from './rule';

/** SML-HPO-EARLYSTOP: Early stopping Auto (Off where the strategy demands it). */
export const HPO_EARLYSTOP: SustainabilityRule = {
  id: 'SML-HPO-EARLYSTOP',
  title: 'Early stopping Auto (Off where the strategy demands it)',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'Jobs that will not beat the median stop early.',
  fix: 'Leave `earlyStopping` on.',
};
