import { ApiShape, field, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

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

/**
 * Compliant when a CreateHyperParameterTuningJob request stops hopeless jobs early (`TrainingJobEarlyStoppingType`
 * `Auto`; the API default is `Off`); not applicable with Hyperband, which stops jobs by itself and requires `Off`.
 */
export function tuningJobStopsEarly(request: ApiShape): RuleFinding[] {
  const config = request?.HyperParameterTuningJobConfig;
  const strategy = field(config, 'Strategy');
  const type = field(config, 'TrainingJobEarlyStoppingType');
  if (!strategy.known || !type.known) return [unknown(HPO_EARLYSTOP.id, 'HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType', 'whether hopeless jobs stop early is not checked at synth')];
  if (strategy.value === 'Hyperband') return [];
  return type.value === 'Auto' ? [] : [warning(HPO_EARLYSTOP.id, EARLY_STOPPING_OFF_WARNING)];
}
