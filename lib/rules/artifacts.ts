import { SustainabilityRule } from './rule';

/** SML-ARTIFACTS: Scratch data (checkpoints, debugger/profiler output, temporary data) expires; model artifacts never. */
export const ARTIFACTS: SustainabilityRule = {
  id: 'SML-ARTIFACTS',
  title: 'Scratch data (checkpoints, debugger/profiler output, temporary data) expires; model artifacts never',
  wellArchitected: ['MLSUS04-BP03', 'SUS04-BP03'],
  rationale: 'Scratch data kept forever is stored (and replicated) for no one; models are the product.',
  fix: 'Use MlArtifactsBucket and write scratch output only under its scratch prefixes.',
};
