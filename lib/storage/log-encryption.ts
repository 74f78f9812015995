import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { refuse } from '../private/messages';

/**
 * The customer managed KMS key of a log group the library creates (an organisation's choice, e.g. AWS Control Tower
 * CT.CLOUDWATCH.PR.3), or undefined. The key must be symmetric. Refused together with a log group the user brings
 * (`logGroupProp`), whose encryption is the user's.
 *
 * The key policy gets the statement CloudWatch Logs documents ("Encrypt log data in CloudWatch Logs using AWS Key
 * Management Service", step 2 and "AWS KMS keys and encryption context",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html): the regional service principal
 * `logs.<region>.amazonaws.com` may `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*` and
 * `kms:Describe*` on the key, only for this log group: `ArnEquals` on `kms:EncryptionContext:aws:logs:arn` with
 * the group's ARN when its name is given, else `ArnLike` with the log groups of this account and region (naming a
 * generated name would make the key depend on the group that depends on it). An imported key's policy is not
 * changed by CDK: add that statement to it yourself.
 */
export function logGroupKey(scope: IConstruct, keyProp: string, key: kms.IKey | undefined, logGroupProp: string, logGroupGiven: boolean, logGroupName?: string): kms.IKey | undefined {
  if (key === undefined) return undefined;
  if (logGroupGiven) {
    refuse('SML-LOGS', {
      prop: keyProp,
      value: key.node.path,
      problem: `encrypts the log group the construct creates, and ${logGroupProp} is given (its encryption is yours)`,
      fix: `set the key on your log group (logs.LogGroup \`encryptionKey\`), or remove ${logGroupProp}`,
    });
  }
  const stack = Stack.of(scope);
  const arn = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: logGroupName !== undefined
      ? { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': arn(logGroupName) } }
      : { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': arn('*') } },
  }), true);
  return key;
}
