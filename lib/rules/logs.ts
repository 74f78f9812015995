import { field, ApiShape, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

/** SML-LOGS: Every log group has bounded retention, SageMaker's own included. */
export const LOGS: SustainabilityRule = {
  id: 'SML-LOGS',
  title: "Every log group has bounded retention, SageMaker's own included",
  wellArchitected: ['MLSUS04-BP03'],
  rationale: 'CloudWatch keeps logs forever unless retention is set.',
  fix: 'Set a retention period; use SageMakerLogRetention for the log groups SageMaker creates.',
};

/** Compliant when an `AWS::Logs::LogGroup` has a retention (`RetentionInDays`); without one CloudWatch keeps the logs forever. */
export function logGroupIsBounded(logGroup: ApiShape, name: string): RuleFinding[] {
  const r = field(logGroup, 'RetentionInDays');
  if (!r.known) return [unknown(LOGS.id, 'RetentionInDays', 'whether it is bounded is not checked at synth: CloudWatch Logs accepts only its listed retention periods')];
  return r.value !== undefined ? [] : [warning(LOGS.id, `${name} keeps its logs forever (no retention): give it a bounded retention such as RetentionDays.ONE_MONTH`)];
}

/**
 * Compliant when a Lambda function's logs go to a bounded group: its `LoggingConfig.LogGroup` is a group of the app
 * (that group is checked by itself), or its default group `/aws/lambda/<name>` has a retention in the app
 * (`hasBoundedDefaultGroup`, from a LogGroup or a LogRetention of that name).
 */
export function lambdaLogsAreBounded(fn: ApiShape, hasBoundedDefaultGroup: boolean, ownGroupInApp: boolean | undefined): RuleFinding[] {
  if (fn?.LoggingConfig?.LogGroup !== undefined) {
    if (ownGroupInApp) return [];
    return [unknown(LOGS.id, 'LoggingConfig.LogGroup', 'names a log group defined outside this app: its retention is not checked at synth')];
  }
  return hasBoundedDefaultGroup ? [] : [warning(LOGS.id, 'the Lambda function logs to /aws/lambda/<name>, which CloudWatch keeps forever: give it a log group with a bounded retention (logGroup prop) or a LogRetention')];
}
