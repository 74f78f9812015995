import { firstDuplicate } from './private/duplicates';
import { API_TERMS, ApiShape, field, refusal, RuleFinding, SustainabilityRule, Terms } from './rule';

/** SML-ACCEPT: An objective with a target: tuning completes on reaching it; the gate fails a run that misses it. */
export const ACCEPT: SustainabilityRule = {
  id: 'SML-ACCEPT',
  title: 'An objective with a target: tuning completes on reaching it; the gate fails a run that misses it',
  wellArchitected: ['MLSUS04-BP01'],
  rationale: 'Training past the accuracy the business needs spends energy for no benefit.',
  fix: 'Set `objective` with `target` to the acceptable value of the metric.',
};

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

const METRICS = 'AlgorithmSpecification.MetricDefinitions';

/**
 * Compliant when each metric of a CreateTrainingJob request's `AlgorithmSpecification.MetricDefinitions` is defined
 * once (the objective among them), so the objective the job is judged by is read from one expression.
 */
export function trainingJobDefinesMetricsOnce(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const metrics = field(request?.AlgorithmSpecification, 'MetricDefinitions');
  if (!metrics.known || !Array.isArray(metrics.value)) return [];
  const dup = firstDuplicate(metrics.value.map((m: ApiShape) => m?.Name));
  return dup === undefined ? [] : [refusal(ACCEPT.id, t, METRICS, dup, 'is defined twice (once may be the objective)', 'define each metric once')];
}
