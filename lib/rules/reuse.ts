import { SustainabilityRule } from './rule';

/** SML-REUSE: Start from an existing model (`initialModel` channel) and warm-start tuning. */
export const REUSE: SustainabilityRule = {
  id: 'SML-REUSE',
  title: 'Start from an existing model (`initialModel` channel) and warm-start tuning',
  wellArchitected: ['MLSUS02-BP01'],
  rationale: 'Transfer learning and incremental training reach the target with a fraction of the compute of training from scratch.',
  fix: 'Set `initialModel` to a model artifact or a prior job, or warm-start the tuning job from its parents.',
};
