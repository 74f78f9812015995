import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { refuse, warn } from '../private/messages';
import { deferred } from '../private/synth-value';

/**
 * Retention of every log group the library creates or bounds, unless the user chooses another (SML-LOGS: every
 * log group has bounded retention, SageMaker's own included). The one home of this default: SageMakerLogRetention,
 * TrainingWorkflow's log group and TrainingJobGuard's log group read it here.
 */
export const DEFAULT_LOG_RETENTION: logs.RetentionDays = logs.RetentionDays.ONE_MONTH;

/**
 * The one check of a retention the user chooses for a log group the library creates or bounds (SML-LOGS), used by
 * SageMakerLogRetention, TrainingWorkflow and TrainingJobGuard alike: never-expire (`RetentionDays.INFINITE`) is
 * refused; a deploy-time value is passed through with an info annotation. Returns the retention in effect.
 */
export function checkLogRetention(scope: IConstruct, prop: string, retention: logs.RetentionDays | undefined): logs.RetentionDays {
  if (retention === undefined) return DEFAULT_LOG_RETENTION;
  if (Token.isUnresolved(retention)) {
    deferred(scope, 'SML-LOGS', prop, 'whether it is bounded is not checked at synth: CloudWatch Logs accepts only its listed retention periods');
    return retention;
  }
  if (retention === logs.RetentionDays.INFINITE) {
    refuse('SML-LOGS', {
      prop,
      value: 'RetentionDays.INFINITE',
      problem: 'keeps the logs forever',
      fix: `choose a bounded retention such as RetentionDays.ONE_MONTH (the default), or leave ${prop} unset`,
    });
  }
  return retention;
}

/**
 * A log group the user brings (SML-LOGS): when it is an `AWS::Logs::LogGroup` of this app without a retention
 * (kept forever), warn; a group defined elsewhere cannot be read and is the user's to bound.
 */
export function checkOwnLogGroup(scope: IConstruct, prop: string, logGroup: logs.ILogGroup | undefined): void {
  const cfn = logGroup?.node.defaultChild;
  if (!(cfn instanceof logs.CfnLogGroup)) return;
  if (cfn.retentionInDays === undefined) {
    warn(scope, 'SML-LOGS', `${prop} '${logGroup!.node.path}' keeps its logs forever (no retention): give it a bounded retention such as RetentionDays.ONE_MONTH`);
  }
}
