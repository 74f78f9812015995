import { SustainabilityRule } from './rule';

/** SML-IDLE-STUDIO: Studio apps shut down when idle. */
export const IDLE_STUDIO: SustainabilityRule = {
  id: 'SML-IDLE-STUDIO',
  title: 'Studio apps shut down when idle',
  wellArchitected: ['MLSUS03-BP01', 'SUS02-BP05'],
  rationale: 'JupyterLab and Code Editor spaces left running keep their instances up.',
  fix: 'Apply StudioIdleShutdown to the domain, user profiles and spaces.',
};
