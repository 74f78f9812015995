import { Annotations, CfnResource, CustomResourceProviderBase, IAspect, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { warn } from '../private/messages';
import { numberForHumans } from '../private/synth-value';
import { checkLogRetention, LOG_RETENTION_CONTEXT, LOG_RETENTION_PROVIDER_ID } from './log-defaults';


/** Properties of `BoundedLogRetention`. */
export interface BoundedLogRetentionProps {
  /**
   * Retention given to every log group that has none. `RetentionDays.INFINITE` is refused (SML-LOGS).
   * @default - the app's context `cdk-sustainable-ml:logRetention` when set, else logs.RetentionDays.ONE_MONTH (DEFAULT_LOG_RETENTION)
   */
  readonly retention?: logs.RetentionDays;
}

/**
 * An Aspect that bounds every log group of the app that would keep its logs forever (SML-LOGS), with a warning
 * (`cdk-sustainable-ml:SML-LOGS`) naming each one:
 *
 * - an `AWS::Logs::LogGroup` without `RetentionInDays` gets the retention;
 * - a Lambda function (`AWS::Lambda::Function`, L1 or L2) whose log group is not declared in the app (no
 *   `logGroup`, no `logRetention`, no group created by the `@aws-cdk/aws-lambda:useCdkManagedLogGroup` flag) gets
 *   an `AWS::Logs::LogGroup` named `/aws/lambda/<function name>` with the retention, as that flag creates it. Without
 *   it, Lambda creates that group itself on the first invocation, with no expiry.
 *
 * Groups that already have a retention, and log groups defined outside the app, are left as they are. The
 * LogRetention provider function of aws-cdk-lib bounds its own group (1 day) and is left alone.
 *
 * `Aspects.of(app).add(new BoundedLogRetention())`.
 */
export class BoundedLogRetention implements IAspect {
  /**
   * The context key that gives the retention, in days, of every log group the library creates or bounds
   * (`cdk-sustainable-ml:logRetention`), this Aspect included.
   */
  public static readonly CONTEXT_KEY: string = LOG_RETENTION_CONTEXT;

  private readonly retention?: logs.RetentionDays;

  constructor(props: BoundedLogRetentionProps = {}) {
    this.retention = props.retention;
  }

  public visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup) {
      if (node.retentionInDays !== undefined) return;
      const retention = checkLogRetention(node, 'retention', this.retention);
      node.retentionInDays = retention;
      warn(node, 'SML-LOGS', `log group '${node.node.path}' had no retention (kept its logs forever): BoundedLogRetention gave it ${numberForHumans(retention, ' days')}; set \`retention\` on it to choose`);
      return;
    }
    if (!isLambdaFunction(node)) return;
    if (node.node.scope?.node.id === LOG_RETENTION_PROVIDER_ID) return;
    if (hasDeclaredLogGroup(node)) return;
    const retention = checkLogRetention(node, 'retention', this.retention);
    const owner = node.node.scope!;
    new logs.LogGroup(owner, `${node.node.id}BoundedLogGroup`, {
      logGroupName: `/aws/lambda/${functionName(node)}`,
      retention,
    });
    if (owner instanceof CustomResourceProviderBase) {
      // aws-cdk-lib's own provider functions (e.g. the VPC's default-security-group restriction) take no log group:
      // nothing for the user to choose, so a note rather than a warning.
      Annotations.of(node).addInfo(`SML-LOGS: aws-cdk-lib's provider function '${node.node.path}' had no log group of this app: BoundedLogRetention added one with ${numberForHumans(retention, ' days')} (the provider takes no log group to choose)`);
      return;
    }
    warn(node, 'SML-LOGS', `Lambda function '${(owner instanceof lambda.Function ? owner : node).node.path}' had no log group of this app (Lambda would create /aws/lambda/<name> with no expiry): BoundedLogRetention added one with ${numberForHumans(retention, ' days')}; give the function \`logGroup\` to choose`);
  }
}

/** The function's name: the one given, or its Ref (Lambda names a function without one after its physical id). */
function functionName(fn: CfnResource): string {
  // An L2 Function's FunctionName is a token that resolves to undefined when no name is given.
  const given = fn instanceof lambda.CfnFunction ? fn.functionName : undefined;
  return given !== undefined && Stack.of(fn).resolve(given) !== undefined ? given : fn.ref;
}

function isLambdaFunction(node: IConstruct): node is CfnResource {
  return node instanceof CfnResource && node.cfnResourceType === 'AWS::Lambda::Function';
}

/**
 * True when the function's logs go to a group declared in the app: `LoggingConfig.LogGroup` set, or a LogGroup /
 * LogRetention whose name is `/aws/lambda/<this function>` (aws-cdk-lib's `logRetention` and managed log group).
 */
function hasDeclaredLogGroup(fn: CfnResource): boolean {
  const stack = Stack.of(fn);
  const loggingConfig = fn instanceof lambda.CfnFunction ? fn.loggingConfig : stack.resolve((fn as any)._cfnProperties?.LoggingConfig);
  const config = stack.resolve(loggingConfig);
  if (config && (config.logGroup !== undefined || config.LogGroup !== undefined)) return true;
  const expected = JSON.stringify(stack.resolve(`/aws/lambda/${functionName(fn)}`));
  for (const c of stack.node.findAll()) {
    let name: unknown;
    if (c instanceof logs.CfnLogGroup) name = c.logGroupName;
    else if (c instanceof CfnResource && c.cfnResourceType === 'Custom::LogRetention') name = (c as any)._cfnProperties?.LogGroupName;
    else continue;
    if (name !== undefined && JSON.stringify(stack.resolve(name)) === expected) return true;
  }
  return false;
}
