import { SustainabilityRule } from './rule';

/** SML-MEASURE: The footprint is estimated at synth and utilisation is on a dashboard. */
export const MEASURE: SustainabilityRule = {
  id: 'SML-MEASURE',
  title: 'The footprint is estimated at synth and utilisation is on a dashboard',
  wellArchitected: ['MLSUS06-BP01'],
  rationale: 'What is not measured is not improved.',
  fix: 'Read the synth-time footprint report and the TrainingEfficiencyDashboard.',
};
