/**
 * The key SustainableNotebookInstance creates limits kms:CreateGrant to AWS services (issue 7; AWS Control Tower
 * proactive control CT.KMS.PR.3, "Require an AWS KMS key policy to have a statement that limits creation of AWS KMS
 * grants to AWS services"). The predicate below transcribes the control's cfn-guard rule specification
 * (kms_create_grant_aws_service_check, AWS Control Tower Controls Reference, KMS controls).
 */
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SustainableNotebookInstance } from '../../lib';
import { newTestStack } from '../support/app';

/** CT.KMS.PR.3: some statement denies kms:CreateGrant to every principal on * unless an AWS service asks. */
function limitsGrantsToAwsServices(keyPolicy: any): boolean {
  const statements: any[] = keyPolicy?.Statement ?? [];
  return statements.some((st) => {
    if (['Effect', 'Action', 'Principal', 'Condition', 'Resource'].some((k) => st[k] === undefined)) return false;
    const principalAll = st.Principal === '*' || st.Principal?.AWS === '*';
    const cond = st.Condition;
    const bool = cond?.BoolIfExists;
    return st.Effect === 'Deny'
      && [st.Action].flat().every((a: string) => a === 'kms:CreateGrant')
      && principalAll
      && [st.Resource].flat().every((r: string) => r === '*')
      && Object.keys(cond).every((k) => k === 'BoolIfExists')
      && bool !== undefined && Object.keys(bool).every((k) => /^(kms:GrantIsForAWSResource|aws:PrincipalIsAWSService)$/i.test(k))
      && Object.entries(bool).some(([k, v]) => /^kms:GrantIsForAWSResource$/i.test(k) && v === 'false')
      && Object.entries(bool).some(([k, v]) => /^aws:PrincipalIsAWSService$/i.test(k) && v === 'false');
  });
}

function keyPolicies(stack: any): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key')).map((k: any) => k.Properties.KeyPolicy);
}

describe('SustainableNotebookInstance key policy (CT.KMS.PR.3)', () => {
  const stack = newTestStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: 'A test VPC: flow logs are not what this test is about.' });
  const notebook = new SustainableNotebookInstance(stack, 'Notebook', { vpc });

  test('the key it creates denies kms:CreateGrant unless an AWS service asks (the exact statement)', () => {
    const [policy] = keyPolicies(stack);
    expect(policy.Statement).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
    expect(limitsGrantsToAwsServices(policy)).toBe(true);
  });

  test('the role may still create grants for the volume, only for AWS resources', () => {
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((st: any) => [st.Action].flat().includes('kms:CreateGrant'))).toEqual([{
      Sid: 'VolumeKeyGrantForSageMaker',
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: { 'Fn::GetAtt': [stack.resolve((notebook.encryptionKey.node.defaultChild as kms.CfnKey).logicalId), 'Arn'] },
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }]);
  });

  test('still passes cdk-nag AwsSolutions', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations.map((v: any) => v.ruleName)).toEqual([]);
  });

  test('a key you bring is left as it is (its policy is yours)', () => {
    const s = newTestStack();
    const v = new ec2.Vpc(s, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const key = new kms.Key(s, 'Own', { enableKeyRotation: true });
    new SustainableNotebookInstance(s, 'Notebook', { vpc: v, encryptionKey: key });
    expect(keyPolicies(s).map(limitsGrantsToAwsServices)).toEqual([false]);
  });

  test('the check rejects a key policy without the statement (the default key policy)', () => {
    const s = newTestStack();
    new kms.Key(s, 'Plain');
    expect(keyPolicies(s).map(limitsGrantsToAwsServices)).toEqual([false]);
  });
});
