import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Retention of every log group the library creates or bounds, unless the user chooses another (SML-LOGS: every
 * log group has bounded retention, SageMaker's own included). The one home of this default: SageMakerLogRetention,
 * TrainingWorkflow's log group and TrainingJobGuard's log group read it here.
 */
export const DEFAULT_LOG_RETENTION: logs.RetentionDays = logs.RetentionDays.ONE_MONTH;
