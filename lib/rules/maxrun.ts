import { API_TERMS, ApiShape, error, field, refusal, RuleFinding, shown, SustainabilityRule, Terms, unknown } from './rule';
import { tuningDefinitions } from './spot';

/** SML-MAXRUN: Every job has MaxRuntime (and MaxWait ≥ MaxRuntime with spot); no unbounded job. */
export const MAXRUN: SustainabilityRule = {
  id: 'SML-MAXRUN',
  title: 'Every job has MaxRuntime (and MaxWait ≥ MaxRuntime with spot); no unbounded job',
  wellArchitected: ['SUS02-BP03'],
  rationale: 'A hung or runaway job stops at a known bound instead of running for days.',
  fix: 'Set `maxRuntime` (≤ 28 days) and, with spot, `maxWait` ≥ `maxRuntime`.',
};

/** The longest MaxRuntimeInSeconds the CreateTrainingJob API accepts: 28 days. */
export const MAX_TRAINING_RUNTIME_SECONDS = 28 * 24 * 3600;

const RUNTIME = 'StoppingCondition.MaxRuntimeInSeconds';
const WAIT = 'StoppingCondition.MaxWaitTimeInSeconds';
const RETRIES = 'RetryStrategy.MaximumRetryAttempts';

/**
 * Compliant when a CreateTrainingJob request (or a tuning job's training definition) is bounded:
 * `StoppingCondition.MaxRuntimeInSeconds` is set, within 1 second–28 days; with spot, `MaxWaitTimeInSeconds` ≥
 * `MaxRuntimeInSeconds`; `RetryStrategy.MaximumRetryAttempts`, when set, a whole number from 1 to 30.
 */
export function trainingJobIsBounded(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const sc = field(request, 'StoppingCondition');
  if (!sc.known) return [unknown(MAXRUN.id, 'StoppingCondition', 'whether the job is bounded is not checked at synth')];
  return [...runtimeIsBounded(request, sc.value, t), ...retriesAreBounded(request, t)];
}

function runtimeIsBounded(request: ApiShape, stoppingCondition: ApiShape | undefined, t: Terms): RuleFinding[] {
  const runtime = field(stoppingCondition, 'MaxRuntimeInSeconds');
  if (!runtime.known) return [unknown(MAXRUN.id, t.name(RUNTIME), 'SageMaker checks the 1 second–28 days range when the job is created')];
  if (typeof runtime.value !== 'number') {
    return [error(MAXRUN.id, 'the job sets no StoppingCondition.MaxRuntimeInSeconds: nothing but the service default bounds a hung or runaway job')];
  }
  if (runtime.value < 1 || runtime.value > MAX_TRAINING_RUNTIME_SECONDS) {
    return [refusal(MAXRUN.id, t, RUNTIME, runtime.value, 'must be between 1 second and 28 days (the API limit)', 'bound the job by the longest run you expect, e.g. Duration.hours(8)')];
  }
  const spot = field(request, 'EnableManagedSpotTraining');
  if (!spot.known || spot.value !== true) return [];
  const wait = field(stoppingCondition, 'MaxWaitTimeInSeconds');
  if (!wait.known) return [unknown(MAXRUN.id, t.name(WAIT), 'SageMaker checks MaxWaitTimeInSeconds ≥ MaxRuntimeInSeconds when the job is created')];
  if (typeof wait.value !== 'number') {
    return [error(MAXRUN.id, `spot is on and MaxWaitTimeInSeconds (none) is not at least MaxRuntimeInSeconds (${runtime.value}), as the API requires`)];
  }
  if (wait.value < runtime.value) {
    const longest = shown(t, RUNTIME, runtime.value);
    return [refusal(MAXRUN.id, t, WAIT, wait.value,
      `is shorter than ${t.name(RUNTIME)} (${longest}); the API requires MaxWaitTimeInSeconds ≥ MaxRuntimeInSeconds`,
      `set ${t.name(WAIT)} to at least ${longest} (the default is 2 × maxRuntime)`)];
  }
  return [];
}

function retriesAreBounded(request: ApiShape, t: Terms): RuleFinding[] {
  const retries = field(request?.RetryStrategy, 'MaximumRetryAttempts');
  if (!retries.known) return [unknown(MAXRUN.id, t.name(RETRIES), 'SageMaker checks the 1–30 range when the job is created')];
  const n = retries.value;
  if (n === undefined || (Number.isInteger(n) && n >= 1 && n <= 30)) return [];
  return [refusal(MAXRUN.id, t, RETRIES, n, 'must be a whole number from 1 to 30 (the API range)', 'keep the default of 2')];
}

// --- CreateHyperParameterTuningJob ---------------------------------------------------------------------------------

/** The longest tuning run (sm-guide limits page: 30 days). */
export const MAX_TUNING_RUNTIME_SECONDS = 30 * 24 * 3600;

const TUNING_RUNTIME = 'HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds';
const JOB_RUNTIME = 'TrainingJobDefinition.StoppingCondition.MaxRuntimeInSeconds';

/**
 * Compliant when a CreateHyperParameterTuningJob request bounds the whole run
 * (`ResourceLimits.MaxRuntimeInSeconds`) between 120 seconds and 30 days, and no shorter than one training job's
 * `MaxRuntimeInSeconds` (else the search could end before its first job finishes). Not applicable when absent.
 */
export function tuningJobIsBounded(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const limits = field(request?.HyperParameterTuningJobConfig, 'ResourceLimits');
  const runtime = field(limits.value, 'MaxRuntimeInSeconds');
  if (!limits.known || !runtime.known) {
    return [unknown(MAXRUN.id, t.name(TUNING_RUNTIME), `SageMaker checks the 120 seconds–30 days range when the tuning job is created, and it is not compared with the training job's ${t.name(JOB_RUNTIME)}`)];
  }
  if (typeof runtime.value !== 'number') return [];
  if (runtime.value < 120 || runtime.value > MAX_TUNING_RUNTIME_SECONDS) {
    return [refusal(MAXRUN.id, t, TUNING_RUNTIME, runtime.value, 'a tuning run must be bounded between 120 seconds and 30 days',
      'leave maxRuntime unset (derived from the job count and the training job\'s limits) or choose a bound in that range')];
  }
  for (const d of tuningDefinitions(request)) {
    const job = field(d.StoppingCondition, 'MaxRuntimeInSeconds');
    if (job.known && typeof job.value === 'number' && runtime.value < job.value) {
      return [refusal(MAXRUN.id, t, TUNING_RUNTIME, runtime.value,
        `is shorter than one training job's ${t.name(JOB_RUNTIME)} (${shown(t, JOB_RUNTIME, job.value)}), so the search could end before its first job finishes`,
        'leave maxRuntime unset, or shorten the training job\'s maxRuntime')];
    }
  }
  return [];
}
