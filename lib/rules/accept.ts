import { SustainabilityRule } from './rule';

/** SML-ACCEPT: An objective with a target: tuning completes on reaching it; the gate fails a run that misses it. */
export const ACCEPT: SustainabilityRule = {
  id: 'SML-ACCEPT',
  title: 'An objective with a target: tuning completes on reaching it; the gate fails a run that misses it',
  wellArchitected: ['MLSUS04-BP01'],
  rationale: 'Training past the accuracy the business needs spends energy for no benefit.',
  fix: 'Set `objective` with `target` to the acceptable value of the metric.',
};
