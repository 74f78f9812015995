import { SustainabilityRule } from './rule';

/** SML-CKPT: Checkpoints to the bucket's checkpoint prefix whenever spot is on. */
export const CKPT: SustainabilityRule = {
  id: 'SML-CKPT',
  title: "Checkpoints to the bucket's checkpoint prefix whenever spot is on",
  wellArchitected: ['SUS04-BP05'],
  rationale: 'An interrupted job resumes from its last checkpoint instead of starting over.',
  fix: 'Leave checkpointing on, or point `checkpointS3Uri` at a prefix that outlives the job.',
};
