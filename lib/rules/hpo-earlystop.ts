import { API_TERMS, ApiShape, field, refusal, RuleFinding, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-HPO-EARLYSTOP: Early stopping Auto (Off where the strategy demands it). */
export const HPO_EARLYSTOP: SustainabilityRule = {
  id: 'SML-HPO-EARLYSTOP',
  title: 'Early stopping Auto (Off where the strategy demands it)',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'Jobs that will not beat the median stop early.',
  fix: 'Leave `earlyStopping` on.',
};

/** The words of the early-stopping-off warning (the constructs publish the same). */
export const EARLY_STOPPING_OFF_WARNING = 'earlyStopping is off: every training job runs to its end even when it cannot beat the jobs before it';

const TYPE = 'HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType';

/**
 * Compliant when a CreateHyperParameterTuningJob request stops hopeless jobs early (`TrainingJobEarlyStoppingType`
 * `Auto`; the API default is `Off`). Hyperband stops jobs by itself and the API requires `Off` with it, so `Auto`
 * there is an error.
 */
export function tuningJobStopsEarly(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const config = request?.HyperParameterTuningJobConfig;
  const strategy = field(config, 'Strategy');
  const type = field(config, 'TrainingJobEarlyStoppingType');
  if (!strategy.known || !type.known) return [unknown(HPO_EARLYSTOP.id, t.name(TYPE), 'whether hopeless jobs stop early is not checked at synth')];
  if (strategy.value === 'Hyperband') {
    return type.value !== 'Auto' ? [] : [refusal(HPO_EARLYSTOP.id, t, TYPE, type.value,
      'Hyperband stops jobs early by itself and the API requires TrainingJobEarlyStoppingType Off with it', 'remove earlyStopping (Hyperband is early stopping)')];
  }
  return type.value === 'Auto' ? [] : [warning(HPO_EARLYSTOP.id, EARLY_STOPPING_OFF_WARNING)];
}
