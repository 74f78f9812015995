import { Duration } from 'aws-cdk-lib';
import { API_TERMS, ApiShape, CheckContext, field, refusal, RuleFinding, shown, SustainabilityRule, Terms, unknown, warning } from './rule';

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

/** The pseudo-field of the checkpoint lifetime (a bucket lifecycle rule, not a request field). */
const EXPIRATION = 'CheckpointConfig.S3Uri:Expiration';

/**
 * Compliant when checkpoints outlive the job that writes them: the bucket's checkpoint expiration
 * (`context.checkpointExpiration`) is at least the longest the job may take, `MaxWaitTimeInSeconds` with spot and
 * `MaxRuntimeInSeconds` without. Not applicable without checkpoints or without a known expiration.
 */
export function checkpointsOutliveTheJob(request: ApiShape, t: Terms = API_TERMS, context: CheckContext = {}): RuleFinding[] {
  const lifetime = context.checkpointExpiration;
  const uri = field(request?.CheckpointConfig, 'S3Uri');
  if (lifetime === undefined || (uri.known && !uri.value)) return [];
  const spot = request?.EnableManagedSpotTraining === true;
  const longestField = spot ? 'StoppingCondition.MaxWaitTimeInSeconds' : 'StoppingCondition.MaxRuntimeInSeconds';
  const longest = field(request?.StoppingCondition, spot ? 'MaxWaitTimeInSeconds' : 'MaxRuntimeInSeconds');
  if (lifetime.isUnresolved() || !longest.known) {
    return [unknown(CKPT.id, lifetime.isUnresolved() ? t.name(EXPIRATION) : t.name(longestField),
      `whether checkpoints outlive the job (${t.name(longestField)}) is not checked: make checkpointExpiration longer than any run`)];
  }
  if (typeof longest.value !== 'number' || lifetime.toSeconds() >= longest.value) return [];
  return [refusal(CKPT.id, t, EXPIRATION, lifetime,
    `expires checkpoints before the job can finish (${t.name(longestField)} ${shown(t, longestField, longest.value)}), so a resumed job may find none`,
    `set checkpointExpiration to at least ${Math.ceil(Duration.seconds(longest.value).toDays({ integral: false }))} days, or shorten the job`)];
}
