import { SustainabilityRule } from './rule';

/** SML-BASELINE: An optional cheap baseline runs first; the expensive job runs only when the baseline misses the target. */
export const BASELINE: SustainabilityRule = {
  id: 'SML-BASELINE',
  title: 'An optional cheap baseline runs first; the expensive job runs only when the baseline misses the target',
  wellArchitected: ['MLSUS04-BP02'],
  rationale: 'A simple model often meets the target; when it does not, the report shows the gain against the extra resources.',
  fix: 'Pass `baseline` (a small SustainableTrainingJob) to the workflow or pipeline.',
};
