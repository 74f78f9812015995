import { SustainabilityRule } from './rule';

/** SML-GUARD: Jobs are watched: stop on idle accelerators, stalled objective, overfitting; Debugger rules where available. */
export const GUARD: SustainabilityRule = {
  id: 'SML-GUARD',
  title: 'Jobs are watched: stop on idle accelerators, stalled objective, overfitting; Debugger rules where available',
  wellArchitected: ['SUS05-BP04'],
  rationale: 'A job whose accelerators idle or whose objective stopped improving burns energy for nothing.',
  fix: 'Deploy TrainingJobGuard (or Debugger rules with StopTraining where the account has Debugger).',
};
