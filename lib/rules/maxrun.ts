import { ApiShape, error, field, RuleFinding, SustainabilityRule, unknown } from './rule';

/** SML-MAXRUN: Every job has MaxRuntime (and MaxWait ≥ MaxRuntime with spot); no unbounded job. */
export const MAXRUN: SustainabilityRule = {
  id: 'SML-MAXRUN',
  title: 'Every job has MaxRuntime (and MaxWait ≥ MaxRuntime with spot); no unbounded job',
  wellArchitected: ['SUS02-BP03'],
  rationale: 'A hung or runaway job stops at a known bound instead of running for days.',
  fix: 'Set `maxRuntime` (≤ 28 days) and, with spot, `maxWait` ≥ `maxRuntime`.',
};

/**
 * Compliant when a CreateTrainingJob request (or a tuning job's training definition) is bounded:
 * `StoppingCondition.MaxRuntimeInSeconds` is set and, with spot, `MaxWaitTimeInSeconds` ≥ `MaxRuntimeInSeconds`.
 */
export function trainingJobIsBounded(request: ApiShape): RuleFinding[] {
  const sc = field(request, 'StoppingCondition');
  if (!sc.known) return [unknown(MAXRUN.id, 'StoppingCondition', 'whether the job is bounded is not checked at synth')];
  const runtime = field(sc.value, 'MaxRuntimeInSeconds');
  if (!runtime.known) return [unknown(MAXRUN.id, 'StoppingCondition.MaxRuntimeInSeconds', 'SageMaker checks the 1 second–28 days range when the job is created')];
  if (typeof runtime.value !== 'number') {
    return [error(MAXRUN.id, 'the job sets no StoppingCondition.MaxRuntimeInSeconds: nothing but the service default bounds a hung or runaway job')];
  }
  const spot = field(request, 'EnableManagedSpotTraining');
  if (spot.known && spot.value === true) {
    const wait = field(sc.value, 'MaxWaitTimeInSeconds');
    if (!wait.known) return [unknown(MAXRUN.id, 'StoppingCondition.MaxWaitTimeInSeconds', 'SageMaker checks MaxWaitTimeInSeconds ≥ MaxRuntimeInSeconds when the job is created')];
    if (typeof wait.value !== 'number' || wait.value < runtime.value) {
      return [error(MAXRUN.id, `spot is on and MaxWaitTimeInSeconds (${wait.value ?? 'none'}) is not at least MaxRuntimeInSeconds (${runtime.value}), as the API requires`)];
    }
  }
  return [];
}
