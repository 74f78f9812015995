import { SustainabilityRule } from './rule';

/** SML-BUDGET: An optional carbon budget per workflow run fails synth when exceeded. */
export const BUDGET: SustainabilityRule = {
  id: 'SML-BUDGET',
  title: 'An optional carbon budget per workflow run fails synth when exceeded',
  wellArchitected: ['MLSUS01-BP01'],
  rationale: 'A budget turns the footprint estimate into a decision.',
  fix: 'Lower the worst case (instance, count, max runtime) or raise the budget deliberately.',
};
