import { ApiShape, field, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

/** SML-CKPT: Checkpoints to the bucket's checkpoint prefix whenever spot is on. */
export const CKPT: SustainabilityRule = {
  id: 'SML-CKPT',
  title: "Checkpoints to the bucket's checkpoint prefix whenever spot is on",
  wellArchitected: ['SUS04-BP05'],
  rationale: 'An interrupted job resumes from its last checkpoint instead of starting over.',
  fix: 'Leave checkpointing on, or point `checkpointS3Uri` at a prefix that outlives the job.',
};

/** Compliant when a spot training job checkpoints (`CheckpointConfig.S3Uri`); not applicable without spot. */
export function trainingJobCheckpointsWithSpot(request: ApiShape): RuleFinding[] {
  const spot = field(request, 'EnableManagedSpotTraining');
  if (!spot.known || spot.value !== true) return [];
  const ckpt = field(request, 'CheckpointConfig');
  if (!ckpt.known) return [unknown(CKPT.id, 'CheckpointConfig', 'whether the spot job checkpoints is not checked at synth')];
  const uri = field(ckpt.value, 'S3Uri'); // a JSONPath (`S3Uri.$`) is set too, only at run time
  return !uri.known || uri.value ? [] : [warning(CKPT.id, 'checkpointing is off with spot on: an interrupted job starts over from the beginning')];
}
