import { ApiShape, error, field, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

/** SML-HPO-STRATEGY: Bayesian search; Random warns; Grid refused unless explicitly allowed. */
export const HPO_STRATEGY: SustainabilityRule = {
  id: 'SML-HPO-STRATEGY',
  title: 'Bayesian search; Random warns; Grid refused unless explicitly allowed',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'Bayesian search learns from every finished job; grid search tries every combination.',
  fix: 'Use the Bayesian (default) or Hyperband strategy.',
};

/** The words of the Random-strategy warning (the constructs publish the same). */
export const RANDOM_SEARCH_WARNING = 'random search learns nothing from finished jobs; Bayesian search reaches the same objective with fewer jobs';

/**
 * Compliant when a CreateHyperParameterTuningJob request searches with Bayesian or Hyperband; Random is a warning,
 * Grid an error (the constructs refuse it unless `allowGridSearch`).
 */
export function tuningJobStrategy(request: ApiShape): RuleFinding[] {
  const s = field(request?.HyperParameterTuningJobConfig, 'Strategy');
  if (!s.known) return [unknown(HPO_STRATEGY.id, 'HyperParameterTuningJobConfig.Strategy', 'the search strategy is not checked at synth')];
  if (s.value === 'Grid') return [error(HPO_STRATEGY.id, 'grid search trains every combination, however little each one teaches')];
  if (s.value === 'Random') return [warning(HPO_STRATEGY.id, RANDOM_SEARCH_WARNING)];
  return [];
}
