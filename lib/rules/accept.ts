import { firstDuplicate } from './private/duplicates';
import { API_TERMS, ApiShape, CheckContext, field, isKnown, refusal, RuleFinding, SustainabilityRule, Terms, unknown, warning } from './rule';

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

/** What is wrong with a metric regex without a capture group, and the fix (the Objective factory says the same). */
export const METRIC_REGEX_PROBLEM = 'must be a valid regular expression with a capture group around the value, or SageMaker records nothing';
export const METRIC_REGEX_FIX = "write e.g. 'val_loss=([0-9\\.]+)'";

/**
 * The number of capture groups of a regular expression, or -1 when it is not a valid JavaScript regular expression
 * (SageMaker records the first group of each match; a metric regex without one records nothing).
 */
export function captureGroups(regex: string): number {
  try {
    return new RegExp(`${regex}|`).exec('')!.length - 1;
  } catch {
    return -1;
  }
}

/**
 * Compliant when every metric of `AlgorithmSpecification.MetricDefinitions` has a valid `Regex` with a capture group
 * around the value: without one SageMaker records nothing, so neither tuning, the acceptance gate nor the guard can
 * judge the job by it. A deploy-time regex is not judged.
 */
export function trainingJobMetricsCaptureAValue(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const metrics = field(request?.AlgorithmSpecification, 'MetricDefinitions');
  if (!metrics.known || !Array.isArray(metrics.value)) return [];
  return metrics.value.filter((m: ApiShape) => typeof m?.Regex === 'string' && isKnown(m.Regex) && captureGroups(m.Regex) < 1).slice(0, 1)
    .map((m: ApiShape) => refusal(ACCEPT.id, t, `${METRICS}[${m.Name}].Regex`, m.Regex, METRIC_REGEX_PROBLEM, METRIC_REGEX_FIX));
}

// --- CreateHyperParameterTuningJob ---------------------------------------------------------------------------------

/** SustainableTuningJob's default number of jobs without improvement after which the search completes (the API minimum). */
export const DEFAULT_MAX_JOBS_NOT_IMPROVING = 3;

const CRITERIA = 'HyperParameterTuningJobConfig.TuningJobCompletionCriteria';
const TARGET = `${CRITERIA}.TargetObjectiveMetricValue`;
const NOT_IMPROVING = `${CRITERIA}.BestObjectiveNotImproving`;
const NOT_IMPROVING_JOBS = `${NOT_IMPROVING}.MaxNumberOfTrainingJobsNotImproving`;
const CONVERGENCE = `${CRITERIA}.ConvergenceDetected.CompleteOnConvergence`;

/**
 * Compliant when a CreateHyperParameterTuningJob request completes as soon as the search is good enough or stops
 * improving: `TuningJobCompletionCriteria` with a `TargetObjectiveMetricValue` (else a warning; with
 * `context.objectiveTarget`, the objective has a target the request leaves out), `BestObjectiveNotImproving` (else a
 * warning; `MaxNumberOfTrainingJobsNotImproving` ≥ 3, the API minimum), and convergence detection not `Disabled`
 * (absent is not judged: the API documents no default).
 */
export function tuningJobCompletes(request: ApiShape, t: Terms = API_TERMS, context: CheckContext = {}): RuleFinding[] {
  const config = request?.HyperParameterTuningJobConfig;
  const criteria = field(config, 'TuningJobCompletionCriteria');
  if (!criteria.known) return [unknown(ACCEPT.id, t.name(CRITERIA), 'the completion criteria are not checked at synth')];
  const out: RuleFinding[] = [];
  const target = field(criteria.value, 'TargetObjectiveMetricValue');
  if (target.known && target.value === undefined) {
    if (context.objectiveTarget === undefined) {
      const metric = config?.HyperParameterTuningJobObjective?.MetricName;
      out.push(warning(ACCEPT.id, `the objective ${typeof metric === 'string' ? `'${metric}' ` : ''}has no target: the search cannot stop when the result is good enough, only when it stops improving or hits its limits`));
    } else {
      // 'set at deploy time': the words the footprint report and the constructs use for a deploy-time value
      const reached = isKnown(context.objectiveTarget) ? String(context.objectiveTarget) : 'set at deploy time';
      out.push(warning(ACCEPT.id, `${t.name(TARGET)} is off: the search goes on after a job reaches ${reached}`));
    }
  }
  const notImproving = field(criteria.value, 'BestObjectiveNotImproving');
  const jobs = field(notImproving.value, 'MaxNumberOfTrainingJobsNotImproving');
  if (!notImproving.known || !jobs.known) {
    out.push(unknown(ACCEPT.id, t.name(NOT_IMPROVING_JOBS), 'SageMaker checks that it is at least 3 when the tuning job is created'));
  } else if (notImproving.value === undefined) {
    out.push(warning(ACCEPT.id, `${t.name(NOT_IMPROVING)} is off: the search goes on while the best objective stands still`));
  } else if (jobs.value !== undefined && (!Number.isInteger(jobs.value) || jobs.value < 3)) {
    out.push(refusal(ACCEPT.id, t, NOT_IMPROVING_JOBS, jobs.value, 'must be a whole number of at least 3 (the API minimum)', `keep the default of ${DEFAULT_MAX_JOBS_NOT_IMPROVING}`));
  }
  const convergence = field(criteria.value?.ConvergenceDetected, 'CompleteOnConvergence');
  if (convergence.known && convergence.value === 'Disabled') {
    out.push(warning(ACCEPT.id, `${t.name(CONVERGENCE)} is off: the search goes on after SageMaker detects that it has converged`));
  }
  return out;
}
