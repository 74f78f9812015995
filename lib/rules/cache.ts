import { SustainabilityRule } from './rule';

/** SML-CACHE: Pipeline step caching on, so unchanged steps are not re-run. */
export const CACHE: SustainabilityRule = {
  id: 'SML-CACHE',
  title: 'Pipeline step caching on, so unchanged steps are not re-run',
  wellArchitected: ['MLSUS06-BP02'],
  rationale: 'Re-running an unchanged step repeats work whose result is already known.',
  fix: 'Leave `cacheSteps` on; set the expiry that matches how often the inputs change.',
};
