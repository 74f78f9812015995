import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from '../../storage/log-defaults';
import { derivedLogGroupName } from '../../storage/log-group-name';

/** Where a state machine of the library logs its executions (SML-LOGS). */
export interface ExecutionLogProps {
  readonly logGroup?: logs.ILogGroup;
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The execution log group of a state machine (SML-LOGS): the one given, or a new group under
 * /aws/vendedlogs/states/ with bounded retention, named from the stack, the construct id and its address.
 */
export function executionLogGroup(scope: Construct, props: ExecutionLogProps): logs.ILogGroup {
  return props.logGroup ?? new logs.LogGroup(scope, 'Logs', {
    logGroupName: derivedLogGroupName('/aws/vendedlogs/states/', [Stack.of(scope).stackName, scope.node.id, scope.node.addr.slice(0, 8)]),
    retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** Execution logging at ALL level without execution data (cdk-nag AwsSolutions-SF1). */
export function executionLogging(logGroup: logs.ILogGroup): sfn.LogOptions {
  return { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false };
}
