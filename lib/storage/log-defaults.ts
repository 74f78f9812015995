import { publishFindings } from '../rules/apply';
import { logGroupIsBounded } from '../rules/logs';
import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { refuse } from '../private/messages';
import { deferred } from '../private/synth-value';

/**
 * Retention of every log group the library creates or bounds, unless the user or the app chooses another (SML-LOGS:
 * every log group has bounded retention, SageMaker's own included). The one home of this default:
 * SageMakerLogRetention, TrainingWorkflow's log group, TrainingJobGuard's log group and BoundedLogRetention read it
 * here, through `defaultLogRetention`, which lets the app override it with the context key `LOG_RETENTION_CONTEXT`.
 */
export const DEFAULT_LOG_RETENTION: logs.RetentionDays = logs.RetentionDays.ONE_MONTH;

/**
 * The app-level setting (CDK context key) that gives the retention, in days, of every log group the library creates
 * or bounds: `cdk.json` `"context": { "cdk-sustainable-ml:logRetention": 365 }`, `cdk synth -c
 * cdk-sustainable-ml:logRetention=365`, or `new App({ context: { ... } })`. For example an organisation whose AWS
 * Control Tower enforces CT.CLOUDWATCH.PR.2 (at least 365 days) sets 365 here, once.
 */
/**
 * The construct id aws-cdk-lib gives the one LogRetention provider function of a stack (logs.LogRetention). Its
 * handler sets a 1-day retention on its own log group, so that function's logs are bounded without a LogGroup.
 */
export const LOG_RETENTION_PROVIDER_ID = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';

export const LOG_RETENTION_CONTEXT = 'cdk-sustainable-ml:logRetention';

/** The retention periods CloudWatch Logs accepts (`PutRetentionPolicy`), never-expire excluded. */
const BOUNDED_RETENTIONS: number[] = Object.values(logs.RetentionDays)
  .filter((v): v is number => typeof v === 'number' && v !== logs.RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/**
 * The retention in effect where no prop chooses one: the context key `cdk-sustainable-ml:logRetention` when the app
 * sets it (a number of days, or its text from `-c`), otherwise `DEFAULT_LOG_RETENTION`. A value CloudWatch Logs
 * does not accept, or never-expire, is refused naming the key.
 */
export function defaultLogRetention(scope: IConstruct): logs.RetentionDays {
  const raw: unknown = scope.node.tryGetContext(LOG_RETENTION_CONTEXT);
  if (raw === undefined || raw === null) return DEFAULT_LOG_RETENTION;
  const days = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof days !== 'number' || !BOUNDED_RETENTIONS.includes(days)) {
    const never = days === logs.RetentionDays.INFINITE;
    refuse('SML-LOGS', {
      prop: `context '${LOG_RETENTION_CONTEXT}'`,
      value: raw,
      problem: never ? 'keeps the logs forever' : 'is not a retention period CloudWatch Logs accepts (a number of days from its list)',
      fix: `set it to one of ${BOUNDED_RETENTIONS.join(', ')} (days), or remove it for the default of ${DEFAULT_LOG_RETENTION} days`,
    });
  }
  return days as logs.RetentionDays;
}

/**
 * The one check of a retention the user chooses for a log group the library creates or bounds (SML-LOGS), used by
 * SageMakerLogRetention, TrainingWorkflow and TrainingJobGuard alike: never-expire (`RetentionDays.INFINITE`) is
 * refused; a deploy-time value is passed through with an info annotation. Returns the retention in effect: the one
 * given, or the app's (`defaultLogRetention`).
 */
export function checkLogRetention(scope: IConstruct, prop: string, retention: logs.RetentionDays | undefined): logs.RetentionDays {
  if (retention === undefined) return defaultLogRetention(scope);
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
  publishFindings(scope, logGroupIsBounded({ RetentionInDays: cfn.retentionInDays }, `${prop} '${logGroup!.node.path}'`), { RetentionInDays: `${prop}.retention` });
}
