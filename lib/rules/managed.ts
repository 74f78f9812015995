import { SustainabilityRule } from './rule';

/** SML-MANAGED: Training runs on managed, serverless orchestration; nothing stays up between runs. */
export const MANAGED: SustainabilityRule = {
  id: 'SML-MANAGED',
  title: 'Training runs on managed, serverless orchestration; nothing stays up between runs',
  wellArchitected: ['SUS05-BP03', 'SUS03-BP01'],
  rationale: 'Step Functions and SageMaker Pipelines consume nothing between runs.',
  fix: 'Run training through TrainingWorkflow or TrainingPipeline.',
};
