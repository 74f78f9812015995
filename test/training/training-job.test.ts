import { App, CfnParameter, Duration, Lazy, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  DebuggerRule, GuardTags, HyperparameterRange, InitialModel, InputChannel, InputMode, MlArtifactsBucket, Objective,
  SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob, TrainingImage, TrainingInstance,
} from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidCreateTrainingJob } from '../support/requests';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');

function make(props: Partial<SustainableTrainingJobProps> = {}, stack: Stack = newTestStack()) {
  const job = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, ...props });
  const request = expectValidCreateTrainingJob(job, job.renderRequest());
  return { stack, job, request };
}

function warnings(stack: Stack, id: string) {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`^${id}:`));
}

describe('SustainableTrainingJob defaults (each asserted on the rendered request)', () => {
  const { stack, job, request } = make();

  test('minimal use renders a request valid against the official SageMaker model', () => {
    expect(request.TrainingJobName).toBe(`${job.jobNamePrefix}-example`);
    expect(request.AlgorithmSpecification.TrainingImage).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
  });

  test('SML-START-SMALL: one small current-generation CPU instance, 30 GiB volume', () => {
    expect(request.ResourceConfig).toEqual({ InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(job.instanceType.previousGeneration).toBe(false);
    expect(job.instanceType.acceleratorCount).toBe(0);
  });

  test('SML-SPOT: managed spot training on', () => {
    expect(request.EnableManagedSpotTraining).toBe(true);
  });

  test('SML-MAXRUN: MaxRuntime 8 h, MaxWait 2 × MaxRuntime, retries for interruptions', () => {
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 8 * 3600, MaxWaitTimeInSeconds: 16 * 3600 });
    expect(request.RetryStrategy).toEqual({ MaximumRetryAttempts: 2 });
  });

  test('SML-CKPT: checkpoints to the bucket checkpoints/<prefix>/<run>/ prefix', () => {
    const uri = JSON.stringify(request.CheckpointConfig.S3Uri);
    expect(uri).toContain(`/checkpoints/${job.jobNamePrefix}/${job.jobNamePrefix}-example/`);
    expect(request.CheckpointConfig.LocalPath).toBe('/opt/ml/checkpoints/');
  });

  test('SML-ARTIFACTS: models under models/, every scratch path under debug/, none under models/', () => {
    expect(JSON.stringify(request.OutputDataConfig.S3OutputPath)).toContain('/models/');
    expect(JSON.stringify(request.ProfilerConfig.S3OutputPath)).toContain('/debug/');
    expect(request.ProfilerConfig.DisableProfiler).toBe(true);
    expect(JSON.stringify(request.CheckpointConfig)).not.toContain('models/');
  });

  test('SML-GUARD: every job carries the guard tag', () => {
    expect(request.Tags).toEqual([{ Key: GuardTags.GUARD, Value: 'enabled' }]);
  });

  test('single-instance jobs run without network isolation or inter-container encryption overhead', () => {
    expect(request.EnableNetworkIsolation).toBe(false);
    expect(request.EnableInterContainerTrafficEncryption).toBe(false);
    expect(request.VpcConfig).toBeUndefined();
  });

  test('no sustainability warning for the defaults', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-'))).toEqual([]);
    expect(job.appliedRules).toEqual(expect.arrayContaining(['SML-START-SMALL', 'SML-SPOT', 'SML-CKPT', 'SML-MAXRUN', 'SML-ARTIFACTS', 'SML-GUARD']));
  });

  test('least-privilege role: bucket prefixes only, image pull on its repository only', () => {
    const t = Template.fromStack(stack);
    const policy = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('/models/*');
    expect(policy).toContain(`/checkpoints/${job.jobNamePrefix}/*`);
    expect(policy).not.toContain('"s3:*"');
    expect(policy).toContain('arn:aws:ecr:us-west-2:123456789012:repository/train');
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'sagemaker.amazonaws.com' } }] },
    });
  });

  test('a new artifacts bucket is created when none is given', () => {
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });
});

describe('SustainableTrainingJob options', () => {
  test('SML-REUSE: initialModel is mounted as the model channel; inputs default to FastFile', () => {
    const stack = newTestStack();
    const data = new s3.Bucket(stack, 'Data');
    const { request } = make({
      inputs: [InputChannel.fromBucket('train', data, 'churn/train/'), InputChannel.fromBucket('val', data, 'churn/val/', { inputMode: InputMode.FILE })],
      initialModel: InitialModel.fromS3Uri('s3://models/prior/output/model.tar.gz'),
    }, stack);
    expect(request.InputDataConfig.map((c: any) => [c.ChannelName, c.InputMode])).toEqual([['train', 'FastFile'], ['val', 'File'], ['model', 'File']]);
    expect(request.InputDataConfig[2].ContentType).toBe('application/x-sagemaker-model');
    expect(request.InputDataConfig[2].DataSource.S3DataSource.S3Uri).toBe('s3://models/prior/output/model.tar.gz');
  });

  test('SML-REUSE: InitialModel.fromTrainingJob points at a prior run of a job definition', () => {
    const stack = newTestStack();
    const prior = new SustainableTrainingJob(stack, 'Prior', { image: IMAGE });
    const m = InitialModel.fromTrainingJob(prior, 'prior-job-1');
    expect(JSON.stringify(stack.resolve(m.s3Uri))).toContain('/models/prior-job-1/output/model.tar.gz');
  });

  test('SML-ACCEPT: the objective becomes a metric definition and guard tags', () => {
    const { request, job } = make({
      objective: Objective.minimize('validation:loss', 'val_loss=([0-9\\.]+)', { target: 0.2, trainingMetric: { name: 'train:loss', regex: 'loss=([0-9\\.]+)' } }),
    });
    expect(request.AlgorithmSpecification.MetricDefinitions).toEqual([
      { Name: 'validation:loss', Regex: 'val_loss=([0-9\\.]+)' },
      { Name: 'train:loss', Regex: 'loss=([0-9\\.]+)' },
    ]);
    expect(request.Tags).toEqual(expect.arrayContaining([
      { Key: GuardTags.OBJECTIVE_METRIC, Value: 'validation:loss' },
      { Key: GuardTags.OBJECTIVE_DIRECTION, Value: 'Minimize' },
      { Key: GuardTags.TRAIN_METRIC, Value: 'train:loss' },
    ]));
    expect(job.objective!.meets(0.19)).toBe(true);
    expect(job.objective!.meets(0.21)).toBe(false);
  });

  test('Trainium: multi-instance trn1 is valid and gets inter-container encryption', () => {
    const { request, stack } = make({
      instanceType: TrainingInstance.TRN1_32XLARGE,
      instanceCount: 2,
      image: TrainingImage.fromUri('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:2.9.0-neuronx-py312-sdk2.30.0-ubuntu24.04'),
    });
    expect(request.ResourceConfig.InstanceType).toBe('ml.trn1.32xlarge');
    expect(request.EnableInterContainerTrafficEncryption).toBe(true);
    expect(warnings(stack, 'SML-START-SMALL')).toHaveLength(1);
    expect(warnings(stack, 'SML-SILICON')).toHaveLength(0);
  });

  test.each(['ml.trn1.2xlarge', 'ml.trn1n.32xlarge', 'ml.trn2.48xlarge', 'ml.g5.xlarge', 'ml.p4d.24xlarge'])('%s renders a valid request', (name) => {
    const { request } = make({ instanceType: TrainingInstance.of(name) });
    expect(request.ResourceConfig.InstanceType).toBe(name);
  });

  test('metric names that cannot be tag values leave the objective tags off and warn (SML-GUARD)', () => {
    const { request, stack } = make({ objective: Objective.minimize('val loss (avg)', 'val_loss=([0-9\\.]+)') });
    expect(request.Tags).toEqual([{ Key: GuardTags.GUARD, Value: 'enabled' }]);
    expect(warnings(stack, 'SML-GUARD')[0].entry.data).toMatch(/'val loss \(avg\)' cannot be tag values/);
  });

  test('deploy-time values for limits are passed through, not refused', () => {
    const stack = newTestStack();
    const p = new CfnParameter(stack, 'Retries', { type: 'Number', default: 3 });
    const job = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, retryAttempts: p.valueAsNumber });
    expect(stack.resolve(job.renderRequest()).RetryStrategy.MaximumRetryAttempts).toEqual({ Ref: 'Retries' });
  });

  test('Trainium with a non-Neuron image warns (SML-SILICON)', () => {
    const { stack } = make({ instanceType: TrainingInstance.TRN1_2XLARGE });
    expect(warnings(stack, 'SML-SILICON')[0].entry.data).toMatch(/not a Neuron image/);
  });

  test('previous-generation types warn (SML-SILICON)', () => {
    const { stack } = make({ instanceType: TrainingInstance.of('ml.p3.2xlarge') });
    expect(warnings(stack, 'SML-SILICON')[0].entry.data).toMatch(/previous-generation/);
  });

  test('spot off warns (SML-SPOT), renders no MaxWait and no checkpoints', () => {
    const { stack, request } = make({ spot: false });
    expect(request.EnableManagedSpotTraining).toBe(false);
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 8 * 3600 });
    expect(request.CheckpointConfig).toBeUndefined();
    expect(warnings(stack, 'SML-SPOT')).toHaveLength(1);
  });

  test('checkpointing off with spot warns (SML-CKPT)', () => {
    const { stack, request } = make({ checkpointing: false });
    expect(request.CheckpointConfig).toBeUndefined();
    expect(warnings(stack, 'SML-CKPT')).toHaveLength(1);
  });

  test('guard off warns (SML-GUARD) and drops the tag', () => {
    const { stack, request } = make({ guard: false });
    expect(request.Tags).toBeUndefined();
    expect(warnings(stack, 'SML-GUARD')).toHaveLength(1);
  });

  test('bring your own role, bucket, key and VPC', () => {
    const stack = newTestStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const bucket = new s3.Bucket(stack, 'MyBucket');
    const key = new kms.Key(stack, 'Key');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const { request, job } = make({ role, bucket, encryptionKey: key, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, networkIsolation: true }, stack);
    expect(job.role).toBe(role);
    expect(request.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'Arn'] });
    expect(JSON.stringify(request.OutputDataConfig)).toContain('MyBucket');
    const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] };
    expect(request.OutputDataConfig.KmsKeyId).toEqual(keyArn);
    expect(request.ResourceConfig.VolumeKmsKeyId).toEqual(keyArn);
    expect(request.VpcConfig.Subnets).toHaveLength(2);
    expect(request.VpcConfig.SecurityGroupIds).toHaveLength(1);
    expect(request.EnableNetworkIsolation).toBe(true);
    expect(warnings(stack, 'SML-ARTIFACTS')).toHaveLength(1);
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('TrainingImage.fromEcrRepository grants pull on that repository', () => {
    const stack = newTestStack();
    const repo = new ecr.Repository(stack, 'Repo');
    make({ image: TrainingImage.fromEcrRepository(repo, 'v1') }, stack);
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('ecr:BatchGetImage');
    expect(policy).toContain('Repo');
  });

  test('TrainingImage.fromAsset stages an image asset without building it at synth', () => {
    const stack = newTestStack();
    const { request } = make({ image: TrainingImage.fromAsset(`${__dirname}/../fixtures/training-image`) }, stack);
    expect(JSON.stringify(request.AlgorithmSpecification.TrainingImage)).toContain('container-assets');
  });

  test('Training Compiler on a supported GPU family sets its hyperparameters and warns (SML-COMPILE)', () => {
    const { request, stack } = make({ instanceType: TrainingInstance.G5_XLARGE, trainingCompiler: true, spot: false });
    expect(request.HyperParameters).toEqual({ sagemaker_training_compiler_enabled: 'true', sagemaker_training_compiler_debug_mode: 'false' });
    expect(warnings(stack, 'SML-COMPILE')).toHaveLength(1);
  });

  test('Debugger rules: StopTraining action_json escaped exactly as SageMaker expects, rule image per region', () => {
    const stack = newTestStack({ env: { region: 'us-east-1', account: '111111111111' } });
    const { request } = make({
      spot: false,
      jobNamePrefix: 'my-job',
      debuggerRules: [DebuggerRule.builtIn('LossNotDecreasing', { stopTraining: true }), DebuggerRule.profiler('CPUBottleneck')],
    }, stack);
    const rule = request.DebugRuleConfigurations[0];
    expect(rule.RuleEvaluatorImage).toBe('503895931360.dkr.ecr.us-east-1.amazonaws.com/sagemaker-debugger-rules:latest');
    expect(rule.RuleParameters).toEqual({
      rule_to_invoke: 'LossNotDecreasing',
      action_json: '[{\\"name\\": \\"stoptraining\\", \\"training_job_prefix\\": \\"my-job-\\"}]',
    });
    // On the wire (JSON) every quote inside the value carries a backslash, itself escaped.
    expect(JSON.stringify(rule.RuleParameters.action_json)).toBe('"[{\\\\\\"name\\\\\\": \\\\\\"stoptraining\\\\\\", \\\\\\"training_job_prefix\\\\\\": \\\\\\"my-job-\\\\\\"}]"');
    expect(request.DebugHookConfig.CollectionConfigurations).toEqual([{ CollectionName: 'losses', CollectionParameters: { save_interval: '500' } }]);
    expect(JSON.stringify(request.DebugHookConfig.S3OutputPath)).toContain('/debug/');
    expect(request.ProfilerConfig.DisableProfiler).toBe(false);
    expect(request.ProfilerRuleConfigurations[0].RuleParameters.rule_to_invoke).toBe('CPUBottleneck');
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('sagemaker:StopTrainingJob');
    expect(policy).toContain('training-job/my-job-*');
  });

  test('Debugger rule images come from a CfnMapping in environment-agnostic stacks', () => {
    const { request, stack } = make({ spot: false, debuggerRules: [DebuggerRule.builtIn('Overfit')] });
    expect(JSON.stringify(request.DebugRuleConfigurations[0].RuleEvaluatorImage)).toContain('Fn::FindInMap');
    const mappings = Template.fromStack(stack).toJSON().Mappings;
    expect(mappings.SustainableMlDebuggerRuleImages['us-east-1'].account).toBe('503895931360');
  });
});

describe('a bring-your-own bucket warns SML-ARTIFACTS only when scratch data does not expire (its lifecycle rules are read)', () => {
  const artifactWarnings = (stack: Stack) => warnings(stack, 'SML-ARTIFACTS').map((w) => String(w.entry.data));
  const scratchRules = (days = 14): s3.LifecycleRule[] => ['checkpoints/', 'debug/', 'tmp/'].map((prefix) => ({ prefix, expiration: Duration.days(days) }));

  test('no warning for a bucket of the app that expires checkpoints/, debug/ and tmp/', () => {
    const stack = newTestStack();
    make({ bucket: new s3.Bucket(stack, 'Mine', { lifecycleRules: scratchRules() }) }, stack);
    expect(artifactWarnings(stack)).toEqual([]);
  });

  test('no warning for the bucket of an MlArtifactsBucket passed as bucket', () => {
    const stack = newTestStack();
    make({ bucket: new MlArtifactsBucket(stack, 'Artifacts').bucket }, stack);
    expect(artifactWarnings(stack)).toEqual([]);
  });

  test('rules added after the job are read too (the check runs when the app is complete)', () => {
    const stack = newTestStack();
    const bucket = new s3.Bucket(stack, 'Mine');
    make({ bucket }, stack);
    scratchRules().forEach((r) => bucket.addLifecycleRule(r));
    expect(artifactWarnings(stack)).toEqual([]);
  });

  test('a scratch prefix that does not expire warns, naming it', () => {
    const stack = newTestStack();
    make({ bucket: new s3.Bucket(stack, 'Mine', { lifecycleRules: scratchRules().slice(0, 2) }) }, stack);
    expect(artifactWarnings(stack)).toEqual([expect.stringMatching(/^SML-ARTIFACTS: bucket 'TestStack\/Mine' keeps tmp\/ forever: add lifecycle rules that expire it/)]);
  });

  test('rules that are disabled, filtered by tag or by size, or only abort uploads do not count', () => {
    const stack = newTestStack();
    make({
      bucket: new s3.Bucket(stack, 'Mine', {
        lifecycleRules: [
          { prefix: 'checkpoints/', expiration: Duration.days(7), enabled: false },
          { prefix: 'debug/', expiration: Duration.days(7), tagFilters: { scratch: 'yes' } },
          { prefix: 'tmp/', expiration: Duration.days(7), objectSizeGreaterThan: 1024 },
          { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ],
      }),
    }, stack);
    expect(artifactWarnings(stack)).toEqual([expect.stringMatching(/keeps checkpoints\/, debug\/, tmp\/ forever/)]);
  });

  test('a rule that expires the whole bucket covers the scratch prefixes but warns that it expires models/', () => {
    const stack = newTestStack();
    make({ bucket: new s3.Bucket(stack, 'Mine', { lifecycleRules: [{ expiration: Duration.days(90) }] }) }, stack);
    expect(artifactWarnings(stack)).toEqual([expect.stringMatching(/^SML-ARTIFACTS: bucket 'TestStack\/Mine' expires model artifacts \(a lifecycle rule on '' covers models\/\)/)]);
  });

  test('lifecycle rules with deploy-time values cannot be judged: an info note says so, no warning', () => {
    const stack = newTestStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;
    make({ bucket: new s3.Bucket(stack, 'Mine', { lifecycleRules: scratchRules().map((r) => ({ ...r, expiration: Duration.days(days) })) }) }, stack);
    expect(artifactWarnings(stack)).toEqual([]);
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('^SML-ARTIFACTS: bucket lifecycle rules is a token')).map((i) => String(i.entry.data)))
      .toEqual([expect.stringMatching(/whether they expire checkpoints\/, debug\/, tmp\/ and keep models\/ is not checked at synth/)]);
  });

  test('a bucket from outside the app cannot be read: it warns, saying so', () => {
    const stack = newTestStack();
    make({ bucket: s3.Bucket.fromBucketName(stack, 'Theirs', 'their-ml-bucket') }, stack);
    expect(artifactWarnings(stack)).toEqual([expect.stringMatching(/^SML-ARTIFACTS: bucket 'TestStack\/Theirs' is not defined in this app, so its lifecycle rules cannot be read: make its checkpoints\/, debug\/, tmp\/ prefixes expire/)]);
  });
});

describe('job-name prefixes are unique in an app (SML-MANAGED), as tuning prefixes are', () => {
  test('fails when two training jobs in one stack share a prefix; the refused job takes nothing', () => {
    const stack = newTestStack();
    new SustainableTrainingJob(stack, 'A', { image: IMAGE, jobNamePrefix: 'churn-xgb' });
    expect(() => new SustainableTrainingJob(stack, 'B', { image: IMAGE, jobNamePrefix: 'Churn-XGB' }))
      .toThrow(/^SML-MANAGED: jobNamePrefix 'Churn-XGB': is already the prefix of TestStack\/A in this app, so the two definitions' runs could not be told apart: each run's checkpoints.*Fix: give each training job its own jobNamePrefix/);
    expect(() => new SustainableTrainingJob(stack, 'C', { image: IMAGE, jobNamePrefix: 'churn-lgbm' })).not.toThrow();
  });

  test('fails when environment-agnostic stacks of one app share a training prefix (they may deploy to one account)', () => {
    const app = new App();
    new SustainableTrainingJob(new Stack(app, 'One'), 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb' });
    expect(() => new SustainableTrainingJob(new Stack(app, 'Two'), 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb' }))
      .toThrow(/^SML-MANAGED: jobNamePrefix 'churn-xgb': is already the prefix of One\/Job in this app/);
  });

  test('stacks in different accounts or regions keep their own prefixes', () => {
    const app = new App();
    for (const region of ['us-east-1', 'eu-west-1']) {
      new SustainableTrainingJob(new Stack(app, region, { env: { account: '123456789012', region } }), 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb' });
    }
    expect(app.node.findAll().filter((c) => c instanceof SustainableTrainingJob)).toHaveLength(2);
  });

  test('a training job and a tuning job may share a prefix (different kinds of job)', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: Objective.maximize('auc', 'auc=([0-9.]+)') });
    expect(() => new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)] })).not.toThrow();
  });
});

describe('SustainableTrainingJob refusals', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['MaxWait < MaxRuntime', () => make({ maxRuntime: Duration.hours(4), maxWait: Duration.hours(2) }), /^SML-MAXRUN: maxWait 2 hours: is shorter than maxRuntime/],
    ['MaxRuntime > 28 days', () => make({ maxRuntime: Duration.days(29) }), /^SML-MAXRUN: maxRuntime 29 days: must be between 1 second and 28 days/],
    ['MaxRuntime is 0', () => make({ maxRuntime: Duration.seconds(0) }), /^SML-MAXRUN: maxRuntime/],
    ['maxWait is set with spot off', () => make({ spot: false, maxWait: Duration.hours(10) }), /^SML-SPOT: maxWait 10 hours: only applies to managed spot training/],
    ['instance count is 0', () => make({ instanceCount: 0 }), /^SML-START-SMALL: instanceCount 0: must be a whole number of at least 1/],
    ['instance count is fractional', () => make({ instanceCount: 1.5 }), /^SML-START-SMALL: instanceCount 1.5/],
    ['the volume is 0 GiB', () => make({ volumeSize: Size.gibibytes(0) }), /^SML-START-SMALL: volumeSize/],
    ['the volume exceeds 16 TiB', () => make({ volumeSize: Size.tebibytes(20) }), /^SML-START-SMALL: volumeSize .*outside 1–16384/],
    ['retry attempts exceed 30', () => make({ retryAttempts: 31 }), /^SML-MAXRUN: retryAttempts 31: must be a whole number from 1 to 30/],
    ['retry attempts are 0', () => make({ retryAttempts: 0 }), /^SML-MAXRUN: retryAttempts 0/],
    ['the instance type is an inference type', () => TrainingInstance.of('ml.inf2.xlarge'), /^SML-SILICON: instanceType 'ml.inf2.xlarge': is not a SageMaker training instance type.*Fix: use one of ml\./],
    ['the instance type is HyperPod-only ml.trn2.3xlarge', () => TrainingInstance.of('ml.trn2.3xlarge'), /^SML-SILICON: instanceType 'ml.trn2.3xlarge'.*ml\.trn2\.48xlarge/],
    ['the checkpoint prefix expires before the job can finish', () => {
      const stack = newTestStack();
      const b = new MlArtifactsBucket(stack, 'B', { checkpointExpiration: Duration.days(1) });
      return make({ artifactsBucket: b, maxRuntime: Duration.days(2) }, stack);
    }, /^SML-CKPT: artifactsBucket.checkpointExpiration 1 day: expires checkpoints before the job can finish \(maxWait 4 days\)/],
    ['checkpoints with spot off go to a scratch prefix that expires before MaxRuntime', () => {
      const stack = newTestStack();
      const b = new MlArtifactsBucket(stack, 'B', { checkpointExpiration: Duration.days(2) });
      return make({ artifactsBucket: b, spot: false, checkpointing: true, maxRuntime: Duration.days(3) }, stack);
    }, /^SML-CKPT: .*\(maxRuntime 3 days\)/],
    ['both bucket and artifactsBucket are given', () => {
      const stack = newTestStack();
      return make({ artifactsBucket: new MlArtifactsBucket(stack, 'A'), bucket: new s3.Bucket(stack, 'B') }, stack);
    }, /^SML-ARTIFACTS: bucket .*cannot be given together with artifactsBucket/],
    ['Debugger StopTraining is combined with network isolation', () => make({ spot: false, networkIsolation: true, debuggerRules: [DebuggerRule.builtIn('Overfit', { stopTraining: true })] }), /^SML-GUARD: debuggerRules\[Overfit\]\.stopTraining true: built-in Debugger actions do not work with network isolation/],
    ['Debugger StopTraining runs in a VPC', () => {
      const stack = newTestStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      return make({ spot: false, vpc, debuggerRules: [DebuggerRule.builtIn('Overfit', { stopTraining: true })] }, stack);
    }, /^SML-GUARD: .*do not work with a VPC/],
    ['Debugger StopTraining is combined with spot', () => make({ debuggerRules: [DebuggerRule.builtIn('Overfit', { stopTraining: true })] }), /^SML-GUARD: .*do not work with managed spot training/],
    ['StopTraining is put on a profiler rule', () => DebuggerRule.profiler('CPUBottleneck', { stopTraining: true }), /^SML-GUARD: debuggerRules\[CPUBottleneck\]\.stopTraining true: built-in actions cannot be used with profiler rules/],
    ['a GPU profiler rule is put on a CPU instance', () => make({ debuggerRules: [DebuggerRule.profiler('LowGPUUtilization')] }), /^SML-SILICON: debuggerRules 'LowGPUUtilization': reads GPU metrics only/],
    ['a profiler rule is put on Trainium', () => make({ instanceType: TrainingInstance.TRN1_2XLARGE, debuggerRules: [DebuggerRule.profiler('CPUBottleneck')] }), /^SML-SILICON: debuggerRules 'CPUBottleneck': profiler rules read nothing on Trainium/],
    ['a Debugger rule name is unknown', () => DebuggerRule.builtIn('NotARule'), /^SML-GUARD: debuggerRules 'NotARule': is not a built-in Debugger rule/],
    ['two Debugger rules share a name', () => make({ spot: false, debuggerRules: [DebuggerRule.builtIn('Overfit'), DebuggerRule.builtIn('Overfit')] }), /^SML-GUARD: debuggerRules 'Overfit': two rule configurations have the same name/],
    ['Debugger rules are used in a region without Debugger', () => make({ spot: false, debuggerRules: [DebuggerRule.builtIn('Overfit')] }, newTestStack({ env: { region: 'eu-central-2' } })), /^SML-GUARD: debuggerRules 'eu-central-2': SageMaker Debugger is not supported in this region/],
    ['Training Compiler is enabled on Trainium', () => make({ instanceType: TrainingInstance.TRN1_2XLARGE, trainingCompiler: true }), /^SML-COMPILE: trainingCompiler true: is not supported on ml.trn1.2xlarge.*Neuron SDK/],
    ['Training Compiler is enabled on a CPU instance', () => make({ trainingCompiler: true }), /^SML-COMPILE: trainingCompiler true: is not supported on ml.m5.large/],
    ['an input channel is named model while initialModel is set', () => make({ inputs: [InputChannel.fromS3Uri('model', 's3://b/x/')], initialModel: InitialModel.fromS3Uri('s3://b/m.tar.gz') }), /^SML-REUSE: inputs 'model': is reserved for initialModel/],
    ['two input channels share a name', () => make({ inputs: [InputChannel.fromS3Uri('train', 's3://b/x/'), InputChannel.fromS3Uri('train', 's3://b/y/')] }), /^SML-REUSE: inputs 'train': channel name is used twice/],
    ['the objective regex has no capture group', () => Objective.maximize('acc', 'accuracy=[0-9.]+'), /^SML-ACCEPT: objective.regex 'accuracy=\[0-9.\]\+': must be a valid regular expression with a capture group/],
    ['the objective target is not a number', () => Objective.maximize('acc', 'acc=([0-9.]+)', { target: NaN }), /^SML-ACCEPT: objective.target NaN: is not a finite number/],
    ['a metric is defined twice', () => make({ objective: Objective.maximize('acc', 'acc=([0-9.]+)'), metricDefinitions: [{ name: 'acc', regex: 'a=(.*)' }] }), /^SML-ACCEPT: metricDefinitions 'acc': is defined twice/],
    ['a metricDefinitions regex has no capture group', () => make({ metricDefinitions: [{ name: 'train:loss', regex: 'loss=[0-9.]+' }] }), /^SML-ACCEPT: metricDefinitions\[train:loss\]\.regex 'loss=\[0-9\.\]\+': must be a valid regular expression with a capture group/],
    ['the job-name prefix is too long for a unique run suffix', () => make({ jobNamePrefix: 'a-very-long-job-name-prefix-x' }), /^SML-MANAGED: jobNamePrefix 'a-very-long-job-name-prefix-x': must be 1–26 letters/],
    ['the job-name prefix has an underscore', () => make({ jobNamePrefix: 'my_job' }), /^SML-MANAGED: jobNamePrefix 'my_job'/],
    ['the job-name prefix is a token', () => make({ jobNamePrefix: Lazy.string({ produce: () => 'late' }) }), /^SML-MANAGED: jobNamePrefix .*must be known at synth time/],
    ['security groups are given without a VPC', () => {
      const stack = newTestStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      return make({ securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc })] }, stack);
    }, /^SML-MANAGED: securityGroups 'given': needs a vpc/],
    ['the scratch expiration is not whole days', () => new MlArtifactsBucket(newTestStack(), 'B', { scratchExpiration: Duration.hours(36) }), /^SML-ARTIFACTS: scratchExpiration 1 day 12 hours: S3 lifecycle rules count whole days/],
  ];

  test.each(cases)('fails when %s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  test.each(cases)('the refusal when %s names a fix and its Well-Architected practice', (_name, fn) => {
    expect(fn).toThrow(/Fix: .+\((MLSUS|SUS)\d\d-BP\d\d(, (MLSUS|SUS)\d\d-BP\d\d)*\)$/);
  });
});
