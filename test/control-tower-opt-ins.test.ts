import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MlArtifactsBucket, SustainableTrainingJob, TrainingImage, TrainingJobGuard, TrainingWorkflow } from '../lib';
import { newTestStack } from './support/app';

/** The opt-ins an organisation with AWS Control Tower's proactive controls chooses (README "Control Tower"). */
describe('TrainingJobGuard in a VPC (CT.LAMBDA.PR.3)', () => {
  let t: Template;
  beforeAll(() => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new TrainingJobGuard(stack, 'Guard', { vpc, vpcEndpoints: true });
    t = Template.fromStack(stack);
  });

  test('the guard function runs in the VPC\'s subnets with a security group', () => {
    const fns = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([k]) => k.startsWith('Guard'));
    expect(fns).toHaveLength(1);
    const vpcConfig = (fns[0][1] as any).Properties.VpcConfig;
    expect(vpcConfig.SubnetIds).toHaveLength(2);
    expect(vpcConfig.SecurityGroupIds).toHaveLength(1);
  });

  test('its role may manage the function\'s network interfaces (what Lambda documents), without a managed policy', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{
        Effect: 'Allow',
        Action: ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses'],
        Resource: '*',
      }] },
    });
    const guardRoles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([k]) => k.startsWith('GuardRole'));
    expect(guardRoles).toHaveLength(1);
    expect((guardRoles[0][1] as any).Properties.ManagedPolicyArns).toBeUndefined();
    // CreateFunction checks the role's EC2 permissions: the function waits for the policy.
    const [fnId, fn] = Object.entries(t.findResources('AWS::Lambda::Function')).find(([k]) => k.startsWith('Guard'))! as [string, any];
    expect(fnId).toBeDefined();
    expect(fn.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^GuardVpcAccess/)]));
  });

  test('vpcEndpoints: interface endpoints for the SageMaker API and CloudWatch monitoring, with private DNS', () => {
    const services = Object.values(t.findResources('AWS::EC2::VPCEndpoint')).map((e: any) => JSON.stringify(e.Properties.ServiceName));
    expect(services).toHaveLength(2);
    expect(services.some((s) => s.includes('.sagemaker.api'))).toBe(true);
    expect(services.some((s) => s.includes('.monitoring'))).toBe(true);
    t.allResourcesProperties('AWS::EC2::VPCEndpoint', { PrivateDnsEnabled: true, VpcEndpointType: 'Interface' });
  });

  test('by default the guard is in no VPC and creates no endpoint', () => {
    const stack = newTestStack();
    new TrainingJobGuard(stack, 'Guard');
    const plain = Template.fromStack(stack);
    plain.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    plain.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
  });

  test.each(['vpcSubnets', 'securityGroups', 'vpcEndpoints'])('fails when %s is given without vpc', (prop) => {
    const stack = newTestStack();
    const value = prop === 'vpcEndpoints' ? true : prop === 'vpcSubnets' ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : [];
    expect(() => new TrainingJobGuard(stack, 'Guard', { [prop]: value })).toThrow(new RegExp(`SML-GUARD: ${prop} .*: places the guard in a VPC, and vpc is not given. Fix: give vpc too`));
  });
});

describe('TrainingWorkflow tracingEnabled (CT.STEPFUNCTIONS.PR.2)', () => {
  const build = (tracingEnabled?: boolean) => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/x:1'), jobNamePrefix: 'xray' });
    new TrainingWorkflow(stack, 'Workflow', { trainingJob, tracingEnabled });
    return Template.fromStack(stack);
  };
  test('on: X-Ray tracing of executions', () => {
    build(true).hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true } });
  });
  test('off by default', () => {
    build().hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: Match.absent() });
  });
});

describe('MlArtifactsBucket objectLockEnabled and eventBridgeEnabled (CT.S3.PR.9, CT.S3.PR.4)', () => {
  test('on: Object Lock without default retention (scratch data still expires) and EventBridge on the bucket itself', () => {
    const stack = newTestStack();
    new MlArtifactsBucket(stack, 'Artifacts', { objectLockEnabled: true, eventBridgeEnabled: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: Match.absent(),
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    t.resourceCountIs('AWS::Lambda::Function', 0); // no BucketNotificationsHandler custom resource
    t.resourceCountIs('Custom::S3BucketNotifications', 0);
  });
  test('off by default', () => {
    const stack: Stack = newTestStack();
    new MlArtifactsBucket(stack, 'Artifacts');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { ObjectLockEnabled: Match.absent(), NotificationConfiguration: Match.absent() });
  });
});

describe('logEncryptionKey: log groups the library creates, encrypted with a customer managed key (CT.CLOUDWATCH.PR.3)', () => {
  const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/x:1');
  /** The statement CloudWatch Logs documents (encrypt-log-data-kms.html), for the log group(s) `arnCondition` names. */
  const logsStatement = (arnCondition: object) => Match.objectLike({
    Effect: 'Allow',
    Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
    Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
    Resource: '*',
    Condition: arnCondition,
  });
  const logGroupArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:${name}`]] });

  test('TrainingWorkflow: its execution log group is encrypted with the key, which CloudWatch Logs may use for that group only', () => {
    const stack = newTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'kms' });
    const workflow = new TrainingWorkflow(stack, 'Workflow', { trainingJob, logEncryptionKey: key });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    const name = stack.resolve((workflow.logGroup.node.defaultChild as logs.CfnLogGroup).logGroupName);
    expect(name).toMatch(/^\/aws\/vendedlogs\/states\//);
    t.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([logsStatement({ ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn(name) } })]) } });
  });

  test('TrainingJobGuard: its log group (named by CloudFormation) is encrypted; the key serves the log groups of this account and region', () => {
    const stack = newTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new TrainingJobGuard(stack, 'Guard', { logEncryptionKey: key });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([logsStatement({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn('*') } })]) } });
  });

  test('off by default: CloudWatch Logs\' own encryption', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'kms' });
    new TrainingWorkflow(stack, 'Workflow', { trainingJob });
    new TrainingJobGuard(stack, 'Guard');
    Template.fromStack(stack).allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.absent() });
  });

  test('an imported key is used as it is (its policy is yours)', () => {
    const stack = newTestStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new TrainingJobGuard(stack, 'Guard', { logEncryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: key.keyArn });
  });

  test.each([
    ['TrainingWorkflow', (stack: Stack, key: kms.IKey, logGroup: logs.ILogGroup) => new TrainingWorkflow(stack, 'Workflow', {
      trainingJob: new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'kms' }), logEncryptionKey: key, logGroup,
    })],
    ['TrainingJobGuard', (stack: Stack, key: kms.IKey, logGroup: logs.ILogGroup) => new TrainingJobGuard(stack, 'Guard', { logEncryptionKey: key, logGroup })],
  ])('fails when logEncryptionKey is given with logGroup (%s)', (_name, build) => {
    const stack = newTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const logGroup = new logs.LogGroup(stack, 'Mine', { retention: logs.RetentionDays.ONE_WEEK });
    expect(() => build(stack, key, logGroup)).toThrow(/^SML-LOGS: logEncryptionKey '[^']*Key': encrypts the log group the construct creates, and logGroup is given \(its encryption is yours\)\. Fix: set the key on your log group/);
  });
});
