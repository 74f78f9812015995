import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { checkLogRetention, checkOwnLogGroup } from '../../storage/log-defaults';
import { logGroupKey } from '../../storage/log-encryption';
import { derivedLogGroupName } from '../../storage/log-group-name';

/** Where a state machine of the library logs its executions (SML-LOGS). */
export interface ExecutionLogProps {
  readonly logGroup?: logs.ILogGroup;
  readonly logRetention?: logs.RetentionDays;
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The execution log group of a state machine (SML-LOGS): the one given (warned when it is this app's and keeps its
 * logs forever), or a new group under /aws/vendedlogs/states/ with bounded retention (never-expire refused), named
 * from the stack, the construct id and its address, encrypted with `logEncryptionKey` when given.
 */
export function executionLogGroup(scope: Construct, props: ExecutionLogProps): logs.ILogGroup {
  const retention = checkLogRetention(scope, 'logRetention', props.logRetention);
  checkOwnLogGroup(scope, 'logGroup', props.logGroup);
  const logGroupName = derivedLogGroupName('/aws/vendedlogs/states/', [Stack.of(scope).stackName, scope.node.id, scope.node.addr.slice(0, 8)]);
  const encryptionKey = logGroupKey(scope, 'logEncryptionKey', props.logEncryptionKey, 'logGroup', props.logGroup !== undefined, logGroupName);
  return props.logGroup ?? new logs.LogGroup(scope, 'Logs', {
    logGroupName,
    retention,
    encryptionKey,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** Execution logging at ALL level without execution data (cdk-nag AwsSolutions-SF1). */
export function executionLogging(logGroup: logs.ILogGroup): sfn.LogOptions {
  return { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false };
}
