import { SustainabilityRule } from './rule';

/** SML-IDLE-NOTEBOOK: Notebook instances stop when idle. */
export const IDLE_NOTEBOOK: SustainabilityRule = {
  id: 'SML-IDLE-NOTEBOOK',
  title: 'Notebook instances stop when idle',
  wellArchitected: ['MLSUS03-BP01', 'SUS02-BP03'],
  rationale: 'An idle notebook instance draws power around the clock.',
  fix: 'Attach NotebookIdleShutdown (SustainableNotebookInstance does it by default).',
};
