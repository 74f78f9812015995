import { SustainabilityRule } from './rule';

/** SML-LOGS: Every log group has bounded retention, SageMaker's own included. */
export const LOGS: SustainabilityRule = {
  id: 'SML-LOGS',
  title: "Every log group has bounded retention, SageMaker's own included",
  wellArchitected: ['MLSUS04-BP03'],
  rationale: 'CloudWatch keeps logs forever unless retention is set.',
  fix: 'Set a retention period; use SageMakerLogRetention for the log groups SageMaker creates.',
};
