import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { AwsSolutionsChecks } from 'cdk-nag';
import { previousGenerationFamilies } from '../../lib/data';
import { NotebookIdleShutdown } from '../../lib/idle/notebook-idle-shutdown';
import { SustainableNotebookInstance, SustainableNotebookInstanceProps } from '../../lib/idle/notebook-instance';
import { TrainingInstance } from '../../lib/training/instance';
import { apiModel } from '../support/api-model';
import { newTestStack } from '../support/app';

/** The notebook instance types of the official model (the fixture, not the library's copy). */
const NOTEBOOK_TYPES: string[] = apiModel('sagemaker').shapes.InstanceType.enum!;

function setup(props: Partial<SustainableNotebookInstanceProps> = {}, appOptions: { validate?: boolean } = {}) {
  const stack = newTestStack({}, appOptions);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const notebook = new SustainableNotebookInstance(stack, 'Notebook', { vpc, ...props });
  return { stack, vpc, notebook };
}

function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*')).map((w) => String(w.entry.data));
}

describe('SustainableNotebookInstance defaults', () => {
  const { stack, notebook } = setup();
  const template = Template.fromStack(stack);
  const nbLogicalId = stack.resolve((notebook.node.defaultChild as sagemaker.CfnNotebookInstance).logicalId);

  test('the notebook instance is the Resource child', () => {
    expect(notebook.node.defaultChild).toBeInstanceOf(sagemaker.CfnNotebookInstance);
    expect(notebook.node.defaultChild!.node.id).toBe('Resource');
    template.resourceCountIs('AWS::SageMaker::NotebookInstance', 1);
  });

  test('instance type is ml.t3.medium (SML-START-SMALL)', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { InstanceType: 'ml.t3.medium' });
  });

  test('volume is 5 GiB', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { VolumeSizeInGB: 5 });
  });

  test('volume is encrypted with a new KMS key with rotation (AwsSolutions-SM2)', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookKey'), 'Arn'] },
    });
  });

  test('direct internet access is Disabled (AwsSolutions-SM3)', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { DirectInternetAccess: 'Disabled' });
  });

  test('root access is Disabled', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { RootAccess: 'Disabled' });
  });

  test('placed in a private subnet of the VPC with a new security group (AwsSolutions-SM1)', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      SubnetId: { Ref: Match.stringLikeRegexp('^VpcprivateSubnet1') },
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookSecurityGroup'), 'GroupId'] }],
    });
  });

  test('the new security group has no inbound rules', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'SageMaker notebook instance (no inbound traffic)',
      SecurityGroupIngress: Match.absent(),
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('IMDSv2 only', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
    });
  });

  test('idle shutdown is attached (SML-IDLE-NOTEBOOK) with the 1-hour threshold', () => {
    template.resourceCountIs('AWS::SageMaker::NotebookInstanceLifecycleConfig', 1);
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      LifecycleConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookIdleShutdown'), 'NotebookInstanceLifecycleConfigName'] },
    });
    expect(notebook.idleShutdown).toBeInstanceOf(NotebookIdleShutdown);
    expect(notebook.idleShutdown!.idleThreshold.toHours()).toBe(1);
  });

  test('no platform identifier or name is forced', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      PlatformIdentifier: Match.absent(),
      NotebookInstanceName: Match.absent(),
    });
  });

  test('a new role assumed by SageMaker, without managed policies', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookRole'), 'Arn'] },
    });
  });

  test('the role can stop only this instance (the checker calls nothing else)', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^NotebookRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'StopOnlyThisInstance',
          Effect: 'Allow',
          Action: 'sagemaker:StopNotebookInstance',
          Resource: { Ref: nbLogicalId },
        }]),
      },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const sagemakerStatements = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('sagemaker:')));
    expect(sagemakerStatements).toHaveLength(1);
  });

  test('the role can use the volume key and write this instance\'s logs', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'VolumeKey', Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] }),
          Match.objectLike({ Sid: 'VolumeKeyGrantForSageMaker', Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
          Match.objectLike({ Sid: 'InstanceLogStreams', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
        ]),
      },
    });
  });

  test('the instance ARN and name are exposed', () => {
    expect(stack.resolve(notebook.notebookInstanceArn)).toEqual({ Ref: nbLogicalId });
    expect(stack.resolve(notebook.notebookInstanceName)).toEqual({ 'Fn::GetAtt': [nbLogicalId, 'NotebookInstanceName'] });
  });

  test('no warnings with the defaults', () => {
    expect(warnings(stack)).toEqual([]);
  });

  test('passes cdk-nag AwsSolutions (SM1, SM2, SM3 included) with only reasoned acknowledgements', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const ours = report.violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.startsWith('TestStack/Notebook')));
    expect(ours).toEqual([]);
    // the acknowledgements on our resources all carry a reason
    const acks = notebook.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(acks).toHaveLength(2);
    for (const ack of acks) {
      for (const [id, reason] of Object.entries(ack.data as Record<string, unknown>)) {
        expect(id).toMatch(/^(Annotation::)?AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:logs:/);
        expect(JSON.stringify(reason)).toMatch(/\/aws\/sagemaker\/NotebookInstances/);
      }
    }
  });

  test('control: a bare CfnNotebookInstance fails SM1, SM2 and SM3', () => {
    const bare = newTestStack();
    new sagemaker.CfnNotebookInstance(bare, 'Bare', { instanceType: 'ml.t3.medium', roleArn: 'arn:aws:iam::123456789012:role/x' });
    const names = new AwsSolutionsChecks().validateScope(bare).violations.map((v) => v.ruleName);
    expect(names).toEqual(expect.arrayContaining(['AwsSolutions-SM1', 'AwsSolutions-SM2', 'AwsSolutions-SM3']));
  });
});

describe('SustainableNotebookInstance options', () => {
  test('passes CloudFormation template validation', () => {
    const saved = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'true';
    try {
      const { stack } = setup({}, { validate: true });
      expect(() => Template.fromStack(stack)).not.toThrow();
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*(Notebook|Lifecycle).*'))).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.CDK_VALIDATION; else process.env.CDK_VALIDATION = saved;
    }
  });

  test('bring your own key, role, security group, subnets and name', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'a', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, { name: 'b', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const sg = new ec2.SecurityGroup(stack, 'MySg', { vpc });
    const nb = new SustainableNotebookInstance(stack, 'Notebook', {
      vpc, encryptionKey: key, role, securityGroups: [sg], vpcSubnets: { subnetGroupName: 'b' }, notebookInstanceName: 'team-a-notebook',
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::IAM::Role', 2); // ours and the VPC's restrict-default-SG handler
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      KmsKeyId: { 'Fn::GetAtt': [stack.resolve(key.node.defaultChild && (key.node.defaultChild as any).logicalId), 'Arn'] },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyRole'), 'Arn'] },
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^MySg'), 'GroupId'] }],
      SubnetId: { Ref: Match.stringLikeRegexp('^VpcbSubnet1') },
      NotebookInstanceName: 'team-a-notebook',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^MyRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'StopOnlyThisInstance' })]) },
    });
    expect(nb.role).toBe(role);
    expect(nb.encryptionKey).toBe(key);
    expect(nb.connections.securityGroups).toEqual([sg]);
  });

  test('an imported role gets the stop policy attached', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/notebook-role');
    new SustainableNotebookInstance(stack, 'Notebook', { vpc, role });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { RoleArn: 'arn:aws:iam::123456789012:role/notebook-role' });
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: ['notebook-role'] });
  });

  test('a passed NotebookIdleShutdown is shared instead of creating one', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const idleShutdown = new NotebookIdleShutdown(stack, 'Shared', { idleThreshold: Duration.minutes(30) });
    const a = new SustainableNotebookInstance(stack, 'A', { vpc, idleShutdown });
    new SustainableNotebookInstance(stack, 'B', { vpc, idleShutdown });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::NotebookInstanceLifecycleConfig', 1);
    template.allResourcesProperties('AWS::SageMaker::NotebookInstance', {
      LifecycleConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Shared'), 'NotebookInstanceLifecycleConfigName'] },
    });
    expect(a.idleShutdown).toBe(idleShutdown);
  });

  test('idleThreshold configures the created idle shutdown', () => {
    const { notebook } = setup({ idleThreshold: Duration.hours(3) });
    expect(notebook.idleShutdown!.idleThreshold.toHours()).toBe(3);
    expect(notebook.idleShutdown!.onStartScript).toContain('THRESHOLD_SECONDS="${SML_IDLE_THRESHOLD_SECONDS:-10800}"');
  });

  test('volumeSize and platformIdentifier are passed through', () => {
    const { stack } = setup({ volumeSize: Size.gibibytes(20), platformIdentifier: 'notebook-al2-v3' });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::NotebookInstance', { VolumeSizeInGB: 20, PlatformIdentifier: 'notebook-al2-v3' });
  });

  test('warns (SML-IDLE-NOTEBOOK) when direct internet access is turned on', () => {
    const { stack } = setup({ directInternetAccess: true });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::NotebookInstance', { DirectInternetAccess: 'Enabled' });
    expect(warnings(stack)).toEqual([expect.stringMatching(/^SML-IDLE-NOTEBOOK: directInternetAccess is true.*\[ack: cdk-sustainable-ml:SML-IDLE-NOTEBOOK\]$/)]);
  });

  test('warns (SML-IDLE-NOTEBOOK) when root access is turned on', () => {
    const { stack } = setup({ rootAccess: true });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::NotebookInstance', { RootAccess: 'Enabled' });
    expect(warnings(stack)).toEqual([expect.stringMatching(/^SML-IDLE-NOTEBOOK: rootAccess is true: notebook users can remove the idle checker/)]);
  });

  test('warns (SML-IDLE-NOTEBOOK) when idle shutdown is turned off, and attaches none', () => {
    const { stack, notebook } = setup({ stopWhenIdle: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::NotebookInstanceLifecycleConfig', 0);
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { LifecycleConfigName: Match.absent() });
    expect(notebook.idleShutdown).toBeUndefined();
    expect(warnings(stack)).toEqual([expect.stringMatching(/^SML-IDLE-NOTEBOOK: stopWhenIdle is false/)]);
  });

  test('warns (SML-SILICON) for a previous-generation instance type', () => {
    const { stack } = setup({ instanceType: 'ml.m4.xlarge' });
    expect(warnings(stack)).toEqual([expect.stringMatching(/^SML-SILICON: instanceType 'ml.m4.xlarge' is a previous-generation type/)]);
  });

  test('previous generation means the library\'s table (lib/data), the same one TrainingInstance reads', () => {
    const silicon = (instanceType: string): string[] => warnings(setup({ instanceType }).stack).filter((w) => w.startsWith('SML-SILICON'));
    const families = previousGenerationFamilies();
    expect(families.length).toBeGreaterThan(0);
    for (const family of families) {
      // the smallest notebook type of the family (the API's notebook InstanceType enum lists no ml.p3.xlarge)
      const type = NOTEBOOK_TYPES.find((t) => t.split('.')[1] === family)!;
      expect(silicon(type)).toEqual([expect.stringMatching(new RegExp(`^SML-SILICON: instanceType '${type.replace(/\./g, '\\.')}' is a previous-generation type`))]);
    }
    for (const current of ['ml.t3.medium', 'ml.m5.xlarge', 'ml.m7i.large', 'ml.g5.xlarge']) {
      expect(families).not.toContain(current.split('.')[1]);
      expect(silicon(current)).toEqual([]);
    }
    // the notebook's warning agrees with the training-instance metadata for every family both know
    expect(TrainingInstance.of('ml.p3.2xlarge').previousGeneration).toBe(true);
    expect(silicon('ml.p3.2xlarge')).toHaveLength(1);
  });

  test('warns (SML-START-SMALL) for an accelerated or large instance type', () => {
    expect(warnings(setup({ instanceType: 'ml.g5.xlarge' }).stack)).toEqual([expect.stringMatching(/^SML-START-SMALL: instanceType 'ml.g5.xlarge' is large or accelerated/)]);
    expect(warnings(setup({ instanceType: 'ml.m5.4xlarge' }).stack)).toEqual([expect.stringMatching(/^SML-START-SMALL: instanceType 'ml.m5.4xlarge'/)]);
    expect(warnings(setup({ instanceType: 'ml.m7i.xlarge' }).stack)).toEqual([]);
  });

  describe('refusals', () => {
    test.each([
      ['fails when the instance type is not a SageMaker type', { instanceType: 't3.medium' }, /SML-START-SMALL: instanceType 't3.medium': is not a SageMaker notebook instance type .*Fix: use one of ml\.t3\.medium,/],
      ['fails when the instance type is misspelt, with near matches first', { instanceType: 'ml.t3.meduim' }, /SML-START-SMALL: instanceType 'ml.t3.meduim': is not a SageMaker notebook instance type \(the API's InstanceType enum has \d+, e\.g\. ml\.t3\.medium\)\. Fix: use one of ml\.t3\.medium, ml\.t3\.large,/],
      ['fails when the instance type is not listed for notebooks (ml.trn2 trains, but no notebook runs on it)', { instanceType: 'ml.trn2.48xlarge' }, /SML-START-SMALL: instanceType 'ml.trn2.48xlarge': is not a SageMaker notebook instance type/],
      ['fails when the volume is smaller than 5 GiB', { volumeSize: Size.gibibytes(4) }, /SML-START-SMALL: volumeSize 4 GiB: must be whole GiB between 5 and 16,384/],
      ['fails when the volume is not whole GiB', { volumeSize: Size.mebibytes(5 * 1024 + 512) }, /SML-START-SMALL: volumeSize/],
      ['fails when the notebook instance name is invalid', { notebookInstanceName: 'my_notebook' }, /SML-IDLE-NOTEBOOK: notebookInstanceName 'my_notebook'/],
      ['fails when idleThreshold is given with idleShutdown', { idleThreshold: Duration.hours(2), idleShutdown: 'shared' }, /SML-IDLE-NOTEBOOK: idleThreshold 2 hours: is set together with idleShutdown/],
      ['fails when stopWhenIdle is false but idleThreshold is given', { stopWhenIdle: false, idleThreshold: Duration.hours(2) }, /SML-IDLE-NOTEBOOK: stopWhenIdle false: contradicts/],
      ['fails when stopWhenIdle is false but idleShutdown is given', { stopWhenIdle: false, idleShutdown: 'shared' }, /SML-IDLE-NOTEBOOK: stopWhenIdle false: contradicts/],
      ['fails when idleThreshold is out of range', { idleThreshold: Duration.minutes(1) }, /SML-IDLE-NOTEBOOK: idleThreshold 1 minute/],
    ])('%s', (_name, props, message) => {
      const stack = newTestStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const resolved: any = { ...props };
      if (resolved.idleShutdown === 'shared') resolved.idleShutdown = new NotebookIdleShutdown(stack, 'Shared');
      expect(() => new SustainableNotebookInstance(stack, 'Notebook', { vpc, ...resolved })).toThrow(message);
    });

    test('fails when the subnet selection is empty', () => {
      const stack = newTestStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-123', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] });
      expect(() => new SustainableNotebookInstance(stack, 'Notebook', { vpc, vpcSubnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-other'])] } }))
        .toThrow(/SML-IDLE-NOTEBOOK: vpcSubnets .*selects no subnet/);
    });
  });
});
