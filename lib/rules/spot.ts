import { ApiShape, field, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

/** SML-SPOT: Managed spot training on. */
export const SPOT: SustainabilityRule = {
  id: 'SML-SPOT',
  title: 'Managed spot training on',
  wellArchitected: ['MLSUS05-BP01', 'SUS02-BP02'],
  rationale: 'Spot capacity uses spare capacity that is already powered; a relaxed deadline (MaxWait) makes it safe.',
  fix: 'Leave `spot` on; set `maxWait` to the deadline the team can accept.',
};

/** The training job definitions of a CreateHyperParameterTuningJob request (single or multi-definition). */
export function tuningDefinitions(request: ApiShape): ApiShape[] {
  const one = request?.TrainingJobDefinition;
  const many = Array.isArray(request?.TrainingJobDefinitions) ? request.TrainingJobDefinitions : [];
  return [...(one && typeof one === 'object' ? [one] : []), ...many.filter((d: unknown) => d && typeof d === 'object')];
}

/** Compliant when a CreateTrainingJob request (or a tuning job's training definition) runs on spot capacity: `EnableManagedSpotTraining: true`. */
export function trainingJobUsesSpot(request: ApiShape): RuleFinding[] {
  const spot = field(request, 'EnableManagedSpotTraining');
  if (!spot.known) return [unknown(SPOT.id, 'EnableManagedSpotTraining', 'whether the job runs on spare (spot) capacity is not checked at synth')];
  return spot.value === true ? [] : [warning(SPOT.id, 'spot is off: the job runs on on-demand capacity instead of spare capacity')];
}

