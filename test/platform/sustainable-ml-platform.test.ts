/**
 * SustainableMlPlatform: each part it composes is present with its own defaults (bucket lifecycle, bounded SageMaker
 * log groups, the guard watching tagged jobs, the rule pack once per app, the dashboard, idle shutdown), each can be
 * brought or turned off (with a warning where a sustainable default is lost), contradictions are refused, and the
 * workflows it adds render valid requests and ASL and pass cdk-nag AwsSolutions and SustainableMlChecks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  BoundedLogRetention, GuardTags, HyperparameterRange, MlArtifactsBucket, Objective, SustainableMlChecks, SustainableMlPlatform, SustainableTrainingJob,
  SustainableTuningJob, TrainingImage, TrainingWorkflow,
} from '../../lib';
import { newTestApp } from '../support/app';
import { expectValidAsl, stateMachineDefinitions } from '../support/asl';
import { dashboardBody, dashboardExpressions } from '../support/dashboard';
import { expectValidCreateTrainingJob } from '../support/requests';
import { expectValidTuningRequest } from '../support/tuning';
import { PlatformExampleStack } from '../support/platform-app';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const EXAMPLE = fs.readFileSync(path.join(__dirname, '..', 'support', 'platform-app.ts'), 'utf8');

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const objective = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });

/** The validation plugins of an app (aws-cdk-lib keeps the list internal). */
const plugins = (app: App): unknown[] => (app as unknown as { _validationPlugins: unknown[] })._validationPlugins;
const packs = (app: App) => plugins(app).filter((p) => p instanceof SustainableMlChecks);

/** A platform with a training workflow (with a baseline) and a tuning workflow. */
function platformStack(app: App = newTestApp(), id = 'Platform', props: ConstructorParameters<typeof SustainableMlPlatform>[2] = {}) {
  const stack = new Stack(app, id);
  const platform = new SustainableMlPlatform(stack, 'Ml', props);
  const churn = platform.addTrainingWorkflow('Churn', {
    trainingJob: { image: IMAGE, jobNamePrefix: `${id.toLowerCase()}-churn`, objective },
    baseline: { image: IMAGE, jobNamePrefix: `${id.toLowerCase()}-base`, objective, maxRuntime: Duration.hours(1) },
  });
  const fraud = platform.addTrainingWorkflow('Fraud', {
    trainingJob: { image: IMAGE, jobNamePrefix: `${id.toLowerCase()}-fraud`, objective },
    tuning: { ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)], jobNamePrefix: `${id.toLowerCase()}-hpo` },
  });
  return { app, stack, platform, churn, fraud };
}

/** The unacknowledged findings of a pack on a stack: rule, resources and description. */
const openFindings = (stack: Stack, pack: AwsSolutionsChecks | SustainableMlChecks): string[] => pack.validateScope(stack).violations
  .map((v: any) => `${v.ruleName} ${v.violatingResources.map((r: any) => r.constructPath).join(', ')}: ${v.description}`);

const warnings = (stack: Stack, rule: string) => Annotations.fromStack(stack)
  .findWarning('*', Match.stringLikeRegexp(`^${rule}: `)).map((w) => String(w.entry.data));

describe('SustainableMlPlatform defaults', () => {
  const { app, stack, platform, churn, fraud } = platformStack();
  const t = Template.fromStack(stack);

  test('SML-ARTIFACTS: a new MlArtifactsBucket whose scratch prefixes expire and whose models/ never does', () => {
    expect(platform.artifactsBucket).toBeInstanceOf(MlArtifactsBucket);
    expect(platform.bucket).toBe(platform.artifactsBucket!.bucket);
    const [bucket] = Object.values(t.findResources('AWS::S3::Bucket')) as any[];
    const rules = bucket.Properties.LifecycleConfiguration.Rules;
    expect(rules.filter((r: any) => r.Prefix).map((r: any) => [r.Prefix, r.ExpirationInDays])).toEqual([['checkpoints/', 30], ['debug/', 30], ['tmp/', 30]]);
    expect(rules.some((r: any) => r.Prefix === 'models/' || (r.ExpirationInDays && !r.Prefix))).toBe(false);
    t.resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('SML-LOGS: the log groups SageMaker creates are bounded to one month, and so are the guard\'s and the workflows\'', () => {
    const retained = Object.values(t.findResources('Custom::LogRetention')).map((r: any) => [r.Properties.LogGroupName, r.Properties.RetentionInDays]);
    expect(retained).toEqual(expect.arrayContaining([['/aws/sagemaker/TrainingJobs', 30], ['/aws/sagemaker/studio', 30]]));
    expect(platform.sageMakerLogRetention!.logGroupNames).toHaveLength(5);
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup')).map((g: any) => g.Properties.RetentionInDays);
    expect(groups).toEqual([30, 30, 30]); // guard, Churn, Fraud
  });

  test('SML-GUARD: the guard Lambda runs on a schedule and may stop exactly the tagged jobs, and every job carries the tag', () => {
    expect(platform.guard!.function).toBeDefined();
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const stop = statements.find((s: any) => [s.Action].flat().includes('sagemaker:StopTrainingJob'));
    expect(stop.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${GuardTags.GUARD}`]: 'enabled' } });
    const jobs = stack.node.findAll().filter((c): c is SustainableTrainingJob => c instanceof SustainableTrainingJob);
    expect(jobs).toHaveLength(3);
    for (const job of jobs) expect(stack.resolve(job.renderRequest()).Tags).toContainEqual({ Key: GuardTags.GUARD, Value: 'enabled' });
  });

  test('SML-MEASURE: one dashboard charts the platform\'s guard and bucket', () => {
    expect(platform.dashboard).toBeDefined();
    const { widgets } = dashboardBody(stack);
    const expressions = dashboardExpressions(widgets).join('\n');
    expect(expressions).toContain(`FunctionName="<Ref ${stack.getLogicalId(platform.guard!.function.node.defaultChild as any)}>"`);
    expect(expressions).toContain(`BucketName="<Ref ${stack.getLogicalId(platform.bucket.node.defaultChild as any)}>"`);
  });

  test('SML-MEASURE: the dashboard charts the objective of the workflows added after it, once for the three jobs that share it', () => {
    const objectives = dashboardBody(stack).widgets.filter((w) => /^Objective/.test(w.properties.title ?? ''));
    expect(objectives.map((w) => w.properties.title)).toEqual(['Objective validation:auc (higher is better)']);
    expect(dashboardExpressions(objectives)).toEqual([`SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="validation:auc"', 'Average', 300)`]);
    expect(objectives[0].properties.annotations.horizontal.map((a: any) => [a.value, a.label])).toEqual([[0.85, 'target (SML-ACCEPT)']]);
  });

  test('the rule pack is added to the app', () => {
    expect(packs(app)).toEqual([platform.checks]);
  });

  test('addTrainingWorkflow: jobs on the platform\'s bucket, a baseline and a tuning job, all in the workflows', () => {
    expect(platform.workflows).toEqual([churn, fraud]);
    expect(churn.trainingJob.artifactsBucket).toBe(platform.artifactsBucket);
    expect(churn.baseline!.artifactsBucket).toBe(platform.artifactsBucket);
    expect(churn.tuningJob).toBeUndefined();
    expect(fraud.tuningJob).toBeInstanceOf(SustainableTuningJob);
    expect(fraud.tuningJob!.trainingJob.artifactsBucket).toBe(platform.artifactsBucket);
    expect(churn.node.id).toBe('Churn');
    expect(churn.trainingJob.node.id).toBe('ChurnJob');
    expect(churn.baseline!.node.id).toBe('ChurnBaseline');
    expect(fraud.tuningJob!.node.id).toBe('FraudTuning');
    const definitions = JSON.stringify(stateMachineDefinitions(stack));
    expect(definitions).toContain('arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync');
    expect(definitions).toContain('arn:aws:states:::sagemaker:createTrainingJob.sync');
  });

  test('every rendered request is valid against the official SageMaker model', () => {
    for (const job of stack.node.findAll().filter((c): c is SustainableTrainingJob => c instanceof SustainableTrainingJob)) {
      expectValidCreateTrainingJob(job, job.renderRequest());
    }
    expectValidTuningRequest(fraud.tuningJob!, fraud.tuningJob!.renderRequest());
  });

  test('every state machine is valid ASL', () => {
    const defs = Object.values(stateMachineDefinitions(stack));
    expect(defs).toHaveLength(2);
    for (const def of defs) expectValidAsl(def);
  });

  test('cdk-nag AwsSolutions and SustainableMlChecks find nothing unacknowledged', () => {
    expect(openFindings(stack, new AwsSolutionsChecks())).toEqual([]);
    expect(openFindings(stack, new SustainableMlChecks())).toEqual([]);
  });

  test('no warning: nothing is turned off', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-')).map((w) => String(w.entry.data))).toEqual([]);
  });
});

test('SML-MEASURE: each workflow\'s objective is charted with its target: the job\'s, the baseline\'s and the tuning job\'s', () => {
  const stack = new Stack(newTestApp(), 'Objectives');
  const platform = new SustainableMlPlatform(stack, 'Ml');
  platform.addTrainingWorkflow('Churn', {
    trainingJob: { image: IMAGE, objective },
    baseline: { image: IMAGE, objective: Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.7 }) },
  });
  platform.addTrainingWorkflow('Fraud', {
    trainingJob: { image: IMAGE, objective: Objective.minimize('validation:logloss', 'logloss=([0-9\\.]+)', { target: 0.3 }) },
    tuning: { ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)] },
  });
  platform.addTrainingWorkflow('Plain', { trainingJob: { image: IMAGE } }); // no objective: no graph
  const objectives = dashboardBody(stack).widgets.filter((w) => /^Objective/.test(w.properties.title ?? ''));
  expect(objectives.map((w) => [w.properties.title, w.properties.annotations.horizontal.map((a: any) => a.value)])).toEqual([
    ['Objective validation:auc (higher is better)', [0.85, 0.7]],
    ['Objective validation:logloss (lower is better)', [0.3]],
  ]);
  expect(dashboardExpressions(objectives)).toEqual(['validation:auc', 'validation:logloss']
    .map((m) => `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="${m}"', 'Average', 300)`));
});

test('synthesizes with built-in CloudFormation validation and its own rule pack on', () => {
  const { app } = platformStack(newTestApp({ validate: true }));
  expect(() => app.synth()).not.toThrow();
});

describe('the rule pack, once per app', () => {
  test('two platforms in one app add one pack', () => {
    const app = newTestApp();
    const first = platformStack(app, 'First').platform;
    const second = platformStack(app, 'Second').platform;
    expect(first.checks).toBeInstanceOf(SustainableMlChecks);
    expect(second.checks).toBeUndefined();
    expect(packs(app)).toEqual([first.checks]);
  });

  test('a pack the app already has is not added again', () => {
    const app = newTestApp();
    const own = new SustainableMlChecks();
    Validations.of(app).addPlugins(own);
    expect(platformStack(app).platform.checks).toBeUndefined();
    expect(packs(app)).toEqual([own]);
  });

  test('checks: false adds none', () => {
    const app = newTestApp();
    expect(platformStack(app, 'Platform', { checks: false }).platform.checks).toBeUndefined();
    expect(packs(app)).toEqual([]);
  });

  test('the pack it adds runs at synth: a log group without retention elsewhere in the stack fails synth with SML-LOGS', () => {
    const { app, stack } = platformStack(newTestApp(), 'Platform', { boundLogGroups: false });
    new logs.CfnLogGroup(stack, 'Forever');
    expect(() => app.synth()).toThrow(/SML-LOGS/);
  });

  test('SML-LOGS: it bounds the app\'s other log groups (BoundedLogRetention, once), so a VPC\'s provider function passes the pack', () => {
    const app = newTestApp();
    const { stack } = platformStack(app);
    const other = new Stack(app, 'Network');
    new ec2.Vpc(other, 'Vpc', { restrictDefaultSecurityGroup: true, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new logs.CfnLogGroup(stack, 'Forever');
    new SustainableMlPlatform(new Stack(app, 'Second'), 'Ml', { sageMakerLogRetention: false, guard: false, dashboard: false });
    expect(() => app.synth()).not.toThrow();
    expect(Template.fromStack(stack).findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } })).toHaveProperty(['Forever']);
    expect(Aspects.of(app).all.filter((a) => a instanceof BoundedLogRetention)).toHaveLength(1);
  });
});

test('a deploy-time logRetention is a deploy-time finding of the pack the platform adds, until acknowledged', () => {
  const app = newTestApp();
  const stack = new Stack(app, 'S');
  new SustainableMlPlatform(stack, 'Ml', { logRetention: new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber });
  expect(() => app.synth()).toThrow(/SML-LOGS: RetentionInDays is a deploy-time value/);
  Validations.of(stack).acknowledge({ id: 'SML::SML-LOGS[deploy-time]', reason: 'The retention parameter is constrained to the periods CloudWatch Logs accepts.' });
  expect(() => app.synth({ force: true })).not.toThrow();
});

describe('bring your own', () => {
  const app = newTestApp();
  const stack = new Stack(app, 'Byo');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'training', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH })) } },
  });
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  // The VPC's own custom-resource function logs to /aws/lambda/<name>: the pack the platform adds finds it (SML-LOGS)
  // unless the app bounds it.
  Aspects.of(stack).add(new BoundedLogRetention());
  const studioRole = new iam.Role(stack, 'StudioRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const domain = new sagemaker.CfnDomain(stack, 'Studio', {
    domainName: 'team', authMode: 'IAM', vpcId: vpc.vpcId, subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId),
    defaultUserSettings: { executionRole: studioRole.roleArn },
  });
  const platform = new SustainableMlPlatform(stack, 'Ml', {
    encryptionKey: key, vpc, studioDomain: domain, notebookIdleShutdown: true, logRetention: logs.RetentionDays.ONE_YEAR,
  });
  const flow = platform.addTrainingWorkflow('Churn', { trainingJob: { image: IMAGE, jobNamePrefix: 'byo-churn', objective } });
  const own = new s3.Bucket(stack, 'Own', { enforceSSL: true });
  for (const prefix of ['checkpoints/', 'debug/', 'tmp/']) own.addLifecycleRule({ prefix, expiration: Duration.days(7) });
  Validations.of(own).acknowledge({ id: 'AwsSolutions-S1', reason: 'A test bucket for a job that brings its own bucket; no access logs needed here.' });
  const ownJob = platform.addTrainingWorkflow('Own', { trainingJob: { image: IMAGE, jobNamePrefix: 'byo-own', bucket: own } }).trainingJob;
  const t = Template.fromStack(stack);

  test('the platform\'s key encrypts the bucket it creates and each job\'s volume and output; the jobs run in its VPC', () => {
    const [bucket] = Object.values(t.findResources('AWS::S3::Bucket', { Properties: { LifecycleConfiguration: Match.anyValue(), BucketEncryption: Match.anyValue() } })) as any[];
    expect(JSON.stringify(bucket.Properties.BucketEncryption)).toContain(stack.getLogicalId(key.node.defaultChild as any));
    const request = stack.resolve(flow.trainingJob.renderRequest());
    expect(request.OutputDataConfig.KmsKeyId).toEqual(stack.resolve(key.keyArn));
    expect(request.VpcConfig.Subnets).toEqual(stack.resolve(vpc.isolatedSubnets.map((s) => s.subnetId)));
  });

  test('a job that brings its own bucket keeps it', () => {
    expect(ownJob.artifactsBucket).toBeUndefined();
    expect(ownJob.outputBucket).toBe(own);
  });

  test('logRetention reaches SageMaker\'s groups, the guard\'s and the workflow\'s', () => {
    const retained = Object.values(t.findResources('Custom::LogRetention')).map((r: any) => r.Properties.RetentionInDays);
    expect(new Set(retained)).toEqual(new Set([365]));
    expect(stack.resolve((platform.guard!.logGroup.node.defaultChild as logs.CfnLogGroup).retentionInDays)).toBe(365);
    expect(stack.resolve((flow.logGroup.node.defaultChild as logs.CfnLogGroup).retentionInDays)).toBe(365);
  });

  test('SML-IDLE-STUDIO: the domain gets Studio\'s idle shutdown, 60 minutes', () => {
    t.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60 } } },
        CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60 } } },
      },
    });
    expect(platform.studioIdleShutdown!.idleTimeoutMinutes).toBe(60);
  });

  test('SML-IDLE-NOTEBOOK: a notebook lifecycle configuration that installs the idle checker', () => {
    t.resourceCountIs('AWS::SageMaker::NotebookInstanceLifecycleConfig', 1);
    expect(platform.notebookIdleShutdown!.onStartScript).toContain('sml-idle');
  });

  test('cdk-nag AwsSolutions and SustainableMlChecks find nothing unacknowledged', () => {
    expect(openFindings(stack, new AwsSolutionsChecks())).toEqual([]);
    expect(openFindings(stack, new SustainableMlChecks())).toEqual([]);
  });

  test('the requests are valid against the official SageMaker model', () => {
    for (const job of [flow.trainingJob, ownJob]) {
      const resolved = stack.resolve(job.renderRequest());
      if (resolved.VpcConfig) {
        resolved.VpcConfig.Subnets = resolved.VpcConfig.Subnets.map((_s: unknown, i: number) => `subnet-0123456789abcdef${i}`);
        resolved.VpcConfig.SecurityGroupIds = resolved.VpcConfig.SecurityGroupIds.map((_s: unknown, i: number) => `sg-0123456789abcdef${i}`);
      }
      expectValidCreateTrainingJob(job, resolved);
    }
  });
});

describe('turning parts off', () => {
  test('SML-GUARD: guard false creates no guard and warns', () => {
    const { stack, platform } = platformStack(newTestApp(), 'Platform', { guard: false });
    expect(platform.guard).toBeUndefined();
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' }, 0);
    expect(warnings(stack, 'SML-GUARD')).toEqual([expect.stringMatching(/^SML-GUARD: guard is false: no TrainingJobGuard/)]);
  });

  test('SML-LOGS: sageMakerLogRetention false bounds nothing of SageMaker\'s and warns', () => {
    const { stack, platform } = platformStack(newTestApp(), 'Platform', { sageMakerLogRetention: false });
    expect(platform.sageMakerLogRetention).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('Custom::LogRetention', 0);
    expect(warnings(stack, 'SML-LOGS')).toEqual([expect.stringMatching(/^SML-LOGS: sageMakerLogRetention is false/)]);
  });

  test('SML-LOGS: boundLogGroups false adds no BoundedLogRetention and warns', () => {
    const { app, stack } = platformStack(newTestApp(), 'Platform', { boundLogGroups: false });
    expect(Aspects.of(app).all.filter((a) => a instanceof BoundedLogRetention)).toHaveLength(0);
    expect(warnings(stack, 'SML-LOGS')).toEqual([expect.stringMatching(/^SML-LOGS: boundLogGroups is false/)]);
  });

  test('SML-MEASURE: dashboard false creates no dashboard and warns', () => {
    const { stack, platform } = platformStack(newTestApp(), 'Platform', { dashboard: false });
    expect(platform.dashboard).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(warnings(stack, 'SML-MEASURE')).toEqual([expect.stringMatching(/^SML-MEASURE: dashboard is false/)]);
  });

  test('the log retention default comes from the app\'s context key', () => {
    const { stack } = platformStack(newTestApp({ context: { 'cdk-sustainable-ml:logRetention': 365 } }));
    const retained = Object.values(Template.fromStack(stack).findResources('Custom::LogRetention')).map((r: any) => r.Properties.RetentionInDays);
    expect(new Set(retained)).toEqual(new Set([365]));
  });
});

describe('refusals', () => {
  const stack = () => new Stack(newTestApp(), 'S');

  test('fails when bucket and artifactsBucket are both given', () => {
    const s = stack();
    expect(() => new SustainableMlPlatform(s, 'Ml', { bucket: new s3.Bucket(s, 'B'), artifactsBucket: new MlArtifactsBucket(s, 'A') }))
      .toThrow(/^SML-ARTIFACTS: bucket 'S\/B': cannot be given together with artifactsBucket\. Fix: pass one of them/);
  });

  test('fails when vpcSubnets are given without a vpc', () => {
    expect(() => new SustainableMlPlatform(stack(), 'Ml', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow(/^SML-MANAGED: vpcSubnets .*needs a vpc\. Fix: pass vpc as well/);
  });

  test('fails when guardOptions are given with guard false', () => {
    expect(() => new SustainableMlPlatform(stack(), 'Ml', { guard: false, guardOptions: { dryRun: true } }))
      .toThrow(/^SML-GUARD: guardOptions .*guard is false\. Fix: remove guardOptions, or leave guard on/);
  });

  test('fails when studioIdleShutdown is given without a studioDomain', () => {
    expect(() => new SustainableMlPlatform(stack(), 'Ml', { studioIdleShutdown: {} }))
      .toThrow(/^SML-IDLE-STUDIO: studioIdleShutdown .*has no domain to apply to\. Fix: pass studioDomain/);
  });

  test('fails when logRetention keeps the logs forever (the one check of every retention)', () => {
    expect(() => new SustainableMlPlatform(stack(), 'Ml', { logRetention: logs.RetentionDays.INFINITE }))
      .toThrow(/^SML-LOGS: retention 'RetentionDays.INFINITE': keeps the logs forever/);
  });

  test('fails when addTrainingWorkflow gets no trainingJob (plain JavaScript)', () => {
    const platform = new SustainableMlPlatform(stack(), 'Ml', { checks: false });
    expect(() => platform.addTrainingWorkflow('Flow', {} as any)).toThrow(/^SML-MANAGED: trainingJob .*is required.*Fix: pass \{ trainingJob:/);
  });

  test('fails when two workflows share an id (the construct tree refuses it)', () => {
    const platform = new SustainableMlPlatform(stack(), 'Ml', { checks: false });
    platform.addTrainingWorkflow('Flow', { trainingJob: { image: IMAGE, jobNamePrefix: 'a' } });
    expect(() => platform.addTrainingWorkflow('Flow', { trainingJob: { image: IMAGE, jobNamePrefix: 'b' } })).toThrow(/There is already a Construct with name 'FlowJob'/);
  });

  test('a workflow option cannot replace the job the platform built', () => {
    const platform = new SustainableMlPlatform(stack(), 'Ml', { checks: false });
    const other = new SustainableTrainingJob(platform, 'Other', { image: IMAGE, jobNamePrefix: 'other' });
    const flow = platform.addTrainingWorkflow('Flow', { trainingJob: { image: IMAGE, jobNamePrefix: 'a' }, workflow: { trainingJob: other } as any });
    expect(flow).toBeInstanceOf(TrainingWorkflow);
    expect(flow.trainingJob).not.toBe(other);
    expect(flow.trainingJob.node.id).toBe('FlowJob');
  });
});

describe('the README example', () => {
  test('the README shows exactly this example', () => {
    const body = EXAMPLE.split('// README:begin platform\n')[1].split('    // README:end platform')[0];
    expect(README).toContain(body.split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n').trim());
  });

  test.each([
    ['environment-agnostic', undefined],
    ['concrete environment', { account: '111111111111', region: 'eu-west-1' }],
  ])('%s: synthesizes with its pack and built-in validation on; AwsSolutions finds nothing unacknowledged', (_n, env) => {
    const app = newTestApp({ validate: true });
    const stack = new PlatformExampleStack(app, 'Team', { env });
    expect(() => app.synth()).not.toThrow();
    expect(openFindings(stack, new AwsSolutionsChecks())).toEqual([]);
    for (const flow of stack.platform.workflows) {
      expectValidCreateTrainingJob(flow.trainingJob, flow.trainingJob.renderRequest());
      if (flow.tuningJob) expectValidTuningRequest(flow.tuningJob, flow.tuningJob.renderRequest());
    }
  });
});
