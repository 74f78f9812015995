import { createHash } from 'crypto';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import {
  HyperparameterRange, InitialModel, InputChannel, MlArtifactsBucket, Objective, SustainableTrainingJob, SustainableTrainingJobProps,
  SustainableTuningJob, TrainingImage, TrainingInstance, TrainingPipeline, WarmStart, WarmStartType,
} from '../../lib';
import type { TrainingPipelineProps } from '../../lib';
import { newTestStack } from '../support/app';
import { concretize } from '../support/api-model';
import { parameterName } from '../../lib/orchestration/pipeline';
import { allSteps, expectValidPipelineDefinition, pipelineDefinitions } from '../support/pipelines';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const OBJECTIVE = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });

function setup(props: Partial<TrainingPipelineProps> = {}, jobProps: Partial<SustainableTrainingJobProps> = {}, stack: Stack = newTestStack(), tune = false) {
  const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
  const trainingJob = new SustainableTrainingJob(stack, 'Job', {
    image: IMAGE,
    jobNamePrefix: 'churn-xgb',
    artifactsBucket: artifacts,
    objective: OBJECTIVE,
    inputs: [
      InputChannel.fromBucket('train', artifacts.bucket, 'datasets/churn/train/'),
      InputChannel.fromBucket('validation', artifacts.bucket, 'datasets/churn/validation/'),
    ],
    initialModel: InitialModel.fromBucket(artifacts.bucket, 'models/churn-base/output/model.tar.gz'),
    ...jobProps,
  });
  const tuningJob = tune ? new SustainableTuningJob(stack, 'Tune', { trainingJob, jobNamePrefix: 'churn-hpo', ranges: [HyperparameterRange.continuous('eta', 0.001, 0.5)] }) : undefined;
  const pipe = new TrainingPipeline(stack, 'Pipe', tuningJob ? { tuningJob, ...props } : { trainingJob, ...props });
  const template = Template.fromStack(stack);
  const [definition] = Object.values(pipelineDefinitions(stack));
  return { stack, artifacts, trainingJob, tuningJob, pipe, template, definition };
}

const step = (def: any, name: string) => allSteps(def).find((s) => s.Name === name);

describe('TrainingPipeline with a training job', () => {
  const { definition, template, trainingJob, pipe, stack } = setup();
  const train = step(definition, 'Train');

  test('the definition is valid JSON with unique step names, every Get resolved, and a Training step request valid against the official model', () => {
    expect(expectValidPipelineDefinition(definition)).toBe(1);
  });

  test('renders an AWS::SageMaker::Pipeline with a PascalCase PipelineDefinitionBody and one step at a time', () => {
    template.hasResourceProperties('AWS::SageMaker::Pipeline', {
      PipelineDefinition: { PipelineDefinitionBody: Match.anyValue() },
      ParallelismConfiguration: { MaxParallelExecutionSteps: 1 },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipeRole'), 'Arn'] },
    });
    const props = Object.values(template.findResources('AWS::SageMaker::Pipeline'))[0].Properties;
    expect(Object.keys(props.PipelineDefinition)).toEqual(['PipelineDefinitionBody']);
    expect(pipe.pipeline.node.id).toBe('Resource');
  });

  test('the Training step\'s Arguments are the core\'s rendered request without the job name, with the per-run parameters in place', () => {
    const literal = concretize(stack.resolve(trainingJob.renderRequest())) as any;
    const { TrainingJobName: _n, CheckpointConfig: _c, InputDataConfig, ResourceConfig, ...rest } = literal;
    expect(train.Type).toBe('Training');
    expect('TrainingJobName' in train.Arguments).toBe(false);
    for (const [k, v] of Object.entries(rest)) expect(train.Arguments[k]).toEqual(v);
    expect(train.Arguments.ResourceConfig).toEqual({ ...ResourceConfig, InstanceType: { Get: 'Parameters.InstanceType' } });
    expect(train.Arguments.InputDataConfig.map((c: any) => c.DataSource.S3DataSource.S3Uri)).toEqual([
      { Get: 'Parameters.InputDataUri-train' }, { Get: 'Parameters.InputDataUri-validation' }, InputDataConfig[2].DataSource.S3DataSource.S3Uri,
    ]);
    expect(Object.keys(train.Arguments).sort()).toEqual(Object.keys(literal).filter((k) => k !== 'TrainingJobName').sort());
  });

  test('pipeline parameters for the input URIs and the instance type, defaulting to the definition\'s values', () => {
    expect(definition.Parameters).toEqual([
      { Name: 'InstanceType', Type: 'String', DefaultValue: 'ml.m5.large', EnumValues: ['ml.m5.large', ...TrainingInstance.M5_LARGE.smallerTypes().map((t) => t.name)] },
      { Name: 'InputDataUri-train', Type: 'String', DefaultValue: expect.stringMatching(/^s3:\/\/.+\/datasets\/churn\/train\/$/) },
      { Name: 'InputDataUri-validation', Type: 'String', DefaultValue: expect.stringMatching(/^s3:\/\/.+\/datasets\/churn\/validation\/$/) },
    ]);
  });

  test('SML-CKPT: the checkpoint path is per execution (Execution.PipelineExecutionId)', () => {
    expect(train.Arguments.CheckpointConfig.S3Uri).toEqual({
      'Std:Join': { On: '', Values: [expect.stringMatching(/^s3:\/\/.+\/checkpoints\/churn-xgb\/$/), { Get: 'Execution.PipelineExecutionId' }, '/'] },
    });
  });

  test('SML-CACHE: step caching on, expiring after 30 days', () => {
    expect(train.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
  });

  test('SML-ACCEPT: a Condition step on the objective, with a Fail step and its message', () => {
    expect(step(definition, 'MeetsTarget')).toEqual({
      Name: 'MeetsTarget',
      Type: 'Condition',
      Arguments: {
        Conditions: [{ Type: 'GreaterThanOrEqualTo', LeftValue: { Get: "Steps.Train.FinalMetricDataList['validation:auc'].Value" }, RightValue: 0.85 }],
        IfSteps: [],
        ElseSteps: [{
          Name: 'ObjectiveMissed',
          Type: 'Fail',
          Arguments: {
            ErrorMessage: {
              'Std:Join': {
                On: '',
                Values: ['SML-ACCEPT: validation:auc reached ', { Get: "Steps.Train.FinalMetricDataList['validation:auc'].Value" }, ' and the target is at least 0.85: the model is not accepted'],
              },
            },
          },
        }],
      },
    });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train', 'MeetsTarget']);
  });

  test('least-privilege pipeline role: Training-step jobs (pipelines-*) only, PassRole of the job role to SageMaker only', () => {
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] }, Description: Match.stringLikeRegexp('^SageMaker Pipelines role') });
    const policy = JSON.stringify(Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('PipeRole')));
    expect(policy).toContain('training-job/pipelines-*');
    expect(policy).toContain('iam:PassedToService');
    expect(policy).not.toContain('hyper-parameter-tuning-job');
    expect(policy).not.toMatch(/"sagemaker:\*"|"Resource":"\*"/);
  });

  test('a pipeline name that is a token goes into the ARN intact (not lowercased into a broken token)', () => {
    const s = newTestStack();
    const user = new iam.Role(s, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    const artifacts = new MlArtifactsBucket(s, 'Artifacts');
    const trainingJob = new SustainableTrainingJob(s, 'Job', { image: IMAGE, artifactsBucket: artifacts, objective: OBJECTIVE });
    new TrainingPipeline(s, 'Pipe', { trainingJob, pipelineName: Lazy.string({ produce: () => 'churn-nightly' }) }).grantStartPipelineExecution(user);
    const policy = JSON.stringify(Template.fromStack(s).findResources('AWS::IAM::Policy'));
    expect(policy).toContain(':pipeline/churn-nightly');
  });

  test('grantStartPipelineExecution grants StartPipelineExecution on this pipeline only', () => {
    const s = newTestStack();
    const user = new iam.Role(s, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    const artifacts = new MlArtifactsBucket(s, 'Artifacts');
    const trainingJob = new SustainableTrainingJob(s, 'Job', { image: IMAGE, artifactsBucket: artifacts, objective: OBJECTIVE });
    new TrainingPipeline(s, 'Pipe', { trainingJob, pipelineName: 'churn-training' }).grantStartPipelineExecution(user);
    const policy = JSON.stringify(Template.fromStack(s).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('sagemaker:StartPipelineExecution');
    expect(policy).toContain(':pipeline/churn-training');
  });

  test('no sustainability warning from the pipeline itself', () => {
    expect(Annotations.fromStack(stack).findWarning('/TestStack/Pipe', Match.stringLikeRegexp('^SML-'))).toEqual([]);
  });
});

describe('TrainingPipeline with a tuning job', () => {
  const { definition, template, stack, tuningJob } = setup({}, {}, newTestStack(), true);
  const tune = step(definition, 'Tune');

  test('a Tuning step whose Arguments are the tuning job\'s request without the name; valid against the official model', () => {
    expect(expectValidPipelineDefinition(definition)).toBe(1);
    expect(tune.Type).toBe('Tuning');
    expect('HyperParameterTuningJobName' in tune.Arguments).toBe(false);
    const literal = concretize(stack.resolve(tuningJob!.renderRequest())) as any;
    expect(tune.Arguments.HyperParameterTuningJobConfig).toEqual(literal.HyperParameterTuningJobConfig);
    expect(tune.Arguments.Tags).toEqual(literal.Tags);
    expect(tune.Arguments.TrainingJobDefinition.ResourceConfig.InstanceType).toEqual({ Get: 'Parameters.InstanceType' });
    expect(tune.Arguments.TrainingJobDefinition.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: 'Parameters.InputDataUri-train' });
    expect(tune.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
  });

  test('SML-ACCEPT: the Condition reads the best training job\'s objective', () => {
    expect(step(definition, 'MeetsTarget').Arguments.Conditions[0].LeftValue).toEqual({ Get: 'Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value' });
  });

  test('the role may create and watch tuning jobs (names assigned by Pipelines) and pass the job role', () => {
    const policy = JSON.stringify(Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('PipeRole')));
    expect(policy).toContain('sagemaker:CreateHyperParameterTuningJob');
    expect(policy).toContain('hyper-parameter-tuning-job/*');
    expect(policy).not.toContain('sagemaker:CreateTrainingJob');
  });

  test('named warm-start parents carry into the Tuning step', () => {
    const s = newTestStack();
    const artifacts = new MlArtifactsBucket(s, 'A');
    const trainingJob = new SustainableTrainingJob(s, 'Job', { image: IMAGE, artifactsBucket: artifacts, objective: OBJECTIVE });
    const tuningJob = new SustainableTuningJob(s, 'Tune', {
      trainingJob, ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)], warmStart: WarmStart.fromParentNames(['churn-hpo-2026-10'], WarmStartType.TRANSFER_LEARNING),
    });
    new TrainingPipeline(s, 'Pipe', { tuningJob });
    const [d] = Object.values(pipelineDefinitions(s));
    expectValidPipelineDefinition(d);
    expect(step(d, 'Tune').Arguments.WarmStartConfig).toEqual({ ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-hpo-2026-10' }], WarmStartType: 'TransferLearning' });
  });
});

describe('TrainingPipeline with a baseline', () => {
  function withBaseline(baselinePrefix: string) {
    const stack = newTestStack();
    const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
    const trainingJob = new SustainableTrainingJob(stack, 'Job', {
      image: IMAGE, jobNamePrefix: 'churn-xgb', artifactsBucket: artifacts, objective: OBJECTIVE, instanceType: undefined,
      inputs: [InputChannel.fromBucket('train', artifacts.bucket, 'datasets/churn/train/')],
    });
    const baseline = new SustainableTrainingJob(stack, 'Baseline', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/linear:1'), jobNamePrefix: 'churn-linear', artifactsBucket: artifacts,
      objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)'), maxRuntime: Duration.hours(1),
      inputs: [InputChannel.fromBucket('train', artifacts.bucket, baselinePrefix)],
    });
    new TrainingPipeline(stack, 'Pipe', { trainingJob, baseline });
    const [definition] = Object.values(pipelineDefinitions(stack));
    return definition;
  }

  test('the baseline step runs first; the expensive step and its gate run only in the Condition\'s else branch', () => {
    const definition = withBaseline('datasets/churn/train/');
    expect(expectValidPipelineDefinition(definition)).toBe(2);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Baseline', 'BaselineMeetsTarget']);
    const cond = definition.Steps[1];
    expect(cond.Arguments.Conditions).toEqual([{ Type: 'GreaterThanOrEqualTo', LeftValue: { Get: "Steps.Baseline.FinalMetricDataList['validation:auc'].Value" }, RightValue: 0.85 }]);
    expect(cond.Arguments.IfSteps).toEqual([]);
    expect(cond.Arguments.ElseSteps.map((s: any) => s.Name)).toEqual(['Train', 'MeetsTarget']);
    expect(definition.Steps[0].CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
  });

  test('the two jobs share an input parameter when their default URI is the same; each has its instance type', () => {
    const definition = withBaseline('datasets/churn/train/');
    expect(definition.Parameters.map((p: any) => p.Name)).toEqual(['InstanceType', 'InputDataUri-train', 'BaselineInstanceType']);
    expect(step(definition, 'Baseline').Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: 'Parameters.InputDataUri-train' });
  });

  test('a baseline reading other data gets its own input parameter', () => {
    const definition = withBaseline('datasets/churn/sample/');
    expect(definition.Parameters.map((p: any) => p.Name)).toEqual(['InstanceType', 'InputDataUri-train', 'BaselineInstanceType', 'BaselineInputDataUri-train']);
    expectValidPipelineDefinition(definition);
  });
});

describe('TrainingPipeline parameter names (^[A-Za-z0-9\\-_]{1,64}$)', () => {
  // Channel names may be 64 characters ([A-Za-z0-9.\-_]), so InputDataUri-<channel> may be 77 and
  // BaselineInputDataUri-<channel> 85.
  const long = (c: string) => `${'features-of-every-customer-of-the-last-two-years'}.${c}`.padEnd(64, 'x');

  function withLongChannels() {
    const stack = newTestStack();
    const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
    const trainingJob = new SustainableTrainingJob(stack, 'Job', {
      image: IMAGE, jobNamePrefix: 'churn-xgb', artifactsBucket: artifacts, objective: OBJECTIVE,
      inputs: [InputChannel.fromBucket(long('train'), artifacts.bucket, 'datasets/churn/train/'), InputChannel.fromBucket(long('valid'), artifacts.bucket, 'datasets/churn/valid/')],
    });
    const baseline = new SustainableTrainingJob(stack, 'Baseline', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/linear:1'), jobNamePrefix: 'churn-linear', artifactsBucket: artifacts,
      objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)'), maxRuntime: Duration.hours(1),
      inputs: [InputChannel.fromBucket(long('train'), artifacts.bucket, 'datasets/churn/sample/')],
    });
    new TrainingPipeline(stack, 'Pipe', { trainingJob, baseline });
    const [definition] = Object.values(pipelineDefinitions(stack));
    return definition;
  }

  test('names within 64 characters are kept as they are', () => {
    expect(parameterName('InputDataUri-train')).toBe('InputDataUri-train');
    const exactly64 = `InputDataUri-${'a'.repeat(51)}`;
    expect(parameterName(exactly64)).toBe(exactly64);
  });

  test('longer names keep 55 characters and end with 8 hex of their SHA-256: valid, distinct, the same at every synth', () => {
    const full = `InputDataUri-${long('train')}`;
    const a = parameterName(full);
    const b = parameterName(`InputDataUri-${long('valid')}`);
    expect(a).toBe(`${full.slice(0, 55)}-${createHash('sha256').update(full).digest('hex').slice(0, 8)}`);
    expect(a).toBe('InputDataUri-features-of-every-customer-of-the-last-two-d2809380');
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(parameterName(`InputDataUri-${long('train')}`)).toBe(a);
  });

  test('long channel names give valid, distinct parameters for the job and the baseline, each step reading its own', () => {
    const definition = withLongChannels();
    expect(expectValidPipelineDefinition(definition)).toBe(2); // checks every name against ^[A-Za-z0-9\-_]{1,64}$ and every Get
    const names = definition.Parameters.map((p: any) => p.Name);
    expect(names).toHaveLength(5);
    expect(new Set(names).size).toBe(5);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9\-_]{1,64}$/);
    expect(names).toEqual([
      'InstanceType',
      parameterName(`InputDataUri-${long('train').replace(/\./g, '-')}`),
      parameterName(`InputDataUri-${long('valid').replace(/\./g, '-')}`),
      'BaselineInstanceType',
      parameterName(`BaselineInputDataUri-${long('train').replace(/\./g, '-')}`),
    ]);
    expect(names[4]).toMatch(/^BaselineInputDataUri-features-of-every-customer-of-the--[0-9a-f]{8}$/);
    expect(step(definition, 'Baseline').Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: `Parameters.${names[4]}` });
    expect(step(definition, 'Train').Arguments.InputDataConfig.map((c: any) => c.DataSource.S3DataSource.S3Uri)).toEqual([{ Get: `Parameters.${names[1]}` }, { Get: `Parameters.${names[2]}` }]);
  });

  test('fails when an input channel name is a token (a parameter is named after it)', () => {
    const stack = newTestStack();
    const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
    const trainingJob = new SustainableTrainingJob(stack, 'Job', {
      image: IMAGE, artifactsBucket: artifacts, objective: OBJECTIVE,
      inputs: [InputChannel.fromBucket(Lazy.string({ produce: () => 'train' }), artifacts.bucket, 'datasets/churn/train/')],
    });
    expect(() => new TrainingPipeline(stack, 'Pipe', { trainingJob })).toThrow(/^SML-MANAGED: TestStack\/Job inputs\[\]\.name \(a deploy-time value\): must be known at synth time in a pipeline/);
  });
});

describe('TrainingPipeline options', () => {
  test('SML-CACHE: turning caching off warns and renders no CacheConfig', () => {
    const { definition, stack } = setup({ cacheSteps: false });
    expect(step(definition, 'Train').CacheConfig).toBeUndefined();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-CACHE: cacheSteps is off'))).toHaveLength(1);
  });

  test('the cache expiry is configurable', () => {
    const { definition } = setup({ cacheExpireAfter: Duration.hours(12) });
    expect(step(definition, 'Train').CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'PT12H' });
  });

  test('SML-ACCEPT: turning the gate off warns and leaves the Training step alone; without a target there is no gate', () => {
    const { definition, stack } = setup({ acceptanceGate: false });
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['Train']);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-ACCEPT: acceptanceGate is off'))).toHaveLength(1);
    const { definition: d2 } = setup({}, { objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)') });
    expect(d2.Steps.map((s: any) => s.Name)).toEqual(['Train']);
    expectValidPipelineDefinition(d2);
  });

  test('Minimize objectives use LessThanOrEqualTo', () => {
    const { definition } = setup({}, { objective: Objective.minimize('validation:rmse', 'rmse=([0-9\\.]+)', { target: 0.3 }) });
    expect(step(definition, 'MeetsTarget').Arguments.Conditions[0]).toMatchObject({ Type: 'LessThanOrEqualTo', RightValue: 0.3 });
  });

  test('the pipeline name and description are configurable', () => {
    const { template } = setup({ pipelineName: 'churn-training', description: 'Churn model' });
    template.hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineName: 'churn-training', PipelineDescription: 'Churn model' });
  });

  test('passes CloudFormation\'s built-in template validation, which rejects the camelCase form (the one test with it on)', () => {
    const saved = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'true';
    try {
      const stack = newTestStack({}, { validate: true });
      const { template } = setup({}, {}, stack);
      template.resourceCountIs('AWS::SageMaker::Pipeline', 1);
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Pipeline|Parallelism'))).toEqual([]);
      // Control: the same check rejects what a camelCase pipelineDefinition renders (CDK passes `any` through).
      const bad = newTestStack({}, { validate: true });
      new sagemaker.CfnPipeline(bad, 'Bad', { pipelineName: 'bad', roleArn: 'arn:aws:iam::123456789012:role/r', pipelineDefinition: { pipelineDefinitionBody: '{}' }, parallelismConfiguration: { maxParallelExecutionSteps: 1 } });
      expect(() => Template.fromStack(bad)).toThrow(/pipelineDefinitionBody|maxParallelExecutionSteps/);
    } finally {
      if (saved === undefined) delete process.env.CDK_VALIDATION; else process.env.CDK_VALIDATION = saved;
    }
  });
});

describe('TrainingPipeline instance-type choices (EnumValues; SML-START-SMALL, SML-SILICON)', () => {
  const enumOf = (def: any, name: string) => def.Parameters.find((p: any) => p.Name === name).EnumValues;
  const warningsOf = (stack: Stack, id: string) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`^${id}: allowedInstanceTypes`)).map((w) => String(w.entry.data));

  test('by default an execution may choose the job\'s type or a smaller current-generation type of its accelerator kind', () => {
    const { definition, stack } = setup({}, { instanceType: TrainingInstance.G5_XLARGE });
    expectValidPipelineDefinition(definition);
    expect(enumOf(definition, 'InstanceType')).toEqual(['ml.g5.xlarge', 'ml.g4dn.xlarge', 'ml.g6.xlarge']);
    expect(warningsOf(stack, 'SML-START-SMALL')).toEqual([]);
  });

  test('the default choices never include a larger, a previous-generation or another kind of type', () => {
    const { pipe } = setup({}, { instanceType: TrainingInstance.of('ml.m5.xlarge') });
    const own = TrainingInstance.of('ml.m5.xlarge');
    expect(pipe.allowedInstanceTypes[0].name).toBe('ml.m5.xlarge');
    expect(pipe.allowedInstanceTypes.length).toBeGreaterThan(1);
    for (const t of pipe.allowedInstanceTypes.slice(1)) {
      expect([t.name, t.vcpus <= own.vcpus && t.memoryGiB <= own.memoryGiB, t.previousGeneration, t.acceleratorKind]).toEqual([t.name, true, false, own.acceleratorKind]);
    }
    expect(pipe.allowedInstanceTypes.map((t) => t.name)).not.toContain('ml.m5.2xlarge');
    expect(pipe.allowedInstanceTypes.map((t) => t.name)).not.toContain('ml.g5.xlarge');
  });

  test('allowedInstanceTypes narrows the choice without a warning', () => {
    const { definition, stack } = setup({ allowedInstanceTypes: [TrainingInstance.M5_LARGE] });
    expect(enumOf(definition, 'InstanceType')).toEqual(['ml.m5.large']);
    expect(warningsOf(stack, 'SML-START-SMALL')).toEqual([]);
  });

  test('allowedInstanceTypes widens the choice, and a larger or previous-generation type warns', () => {
    const { definition, stack } = setup({ allowedInstanceTypes: [TrainingInstance.M5_LARGE, TrainingInstance.G5_XLARGE, TrainingInstance.of('ml.p3.2xlarge')] });
    expectValidPipelineDefinition(definition);
    expect(enumOf(definition, 'InstanceType')).toEqual(['ml.m5.large', 'ml.g5.xlarge', 'ml.p3.2xlarge']);
    expect(warningsOf(stack, 'SML-START-SMALL')).toEqual([expect.stringMatching(/lets an execution choose ml.g5.xlarge, ml.p3.2xlarge, larger than or of another kind than the job's ml.m5.large/)]);
    expect(warningsOf(stack, 'SML-SILICON')).toEqual([expect.stringMatching(/previous-generation ml.p3.2xlarge/)]);
  });

  test('the baseline\'s parameter allows the baseline\'s type and the smaller ones', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE, instanceType: TrainingInstance.G5_XLARGE });
    const baseline = new SustainableTrainingJob(stack, 'Baseline', { image: IMAGE, jobNamePrefix: 'churn-linear', objective: OBJECTIVE, maxRuntime: Duration.hours(1) });
    new TrainingPipeline(stack, 'Pipe', { trainingJob, baseline });
    const [definition] = Object.values(pipelineDefinitions(stack));
    expectValidPipelineDefinition(definition);
    expect(enumOf(definition, 'BaselineInstanceType')).toEqual(['ml.m5.large', ...TrainingInstance.M5_LARGE.smallerTypes().map((t) => t.name)]);
    expect(enumOf(definition, 'InstanceType')[0]).toBe('ml.g5.xlarge');
  });

  test('a tuning pipeline restricts the instance type of its training job definition the same way', () => {
    const { definition } = setup({}, {}, newTestStack(), true);
    expect(enumOf(definition, 'InstanceType')).toEqual(['ml.m5.large', ...TrainingInstance.M5_LARGE.smallerTypes().map((t) => t.name)]);
    expect(step(definition, 'Tune').Arguments.TrainingJobDefinition.ResourceConfig.InstanceType).toEqual({ Get: 'Parameters.InstanceType' });
  });

  test('fails when allowedInstanceTypes leaves out the job\'s own type (the parameter\'s default)', () => {
    expect(() => setup({ allowedInstanceTypes: [TrainingInstance.of('ml.m6i.large')] }))
      .toThrow(/^SML-START-SMALL: allowedInstanceTypes \["ml.m6i.large"\]: must include the training job's own type ml.m5.large, the InstanceType parameter's default. Fix: add TrainingInstance.of\('ml.m5.large'\)/);
  });

  test('fails when allowedInstanceTypes is empty', () => {
    expect(() => setup({ allowedInstanceTypes: [] })).toThrow(/^SML-START-SMALL: allowedInstanceTypes \[\]: must be a non-empty list of TrainingInstance/);
  });

  test('the definition check fails when a default is not one of its EnumValues', () => {
    const d = { Version: '2020-12-01', Parameters: [{ Name: 'P', Type: 'String', DefaultValue: 'ml.p5.48xlarge', EnumValues: ['ml.m5.large'] }], Steps: [{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }] };
    expect(() => expectValidPipelineDefinition(d)).toThrow(/parameter P: DefaultValue ml.p5.48xlarge is not one of its EnumValues/);
  });
});

describe('TrainingPipeline refusals', () => {
  test('fails when a warm-start parent must be looked up at run time', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, objective: OBJECTIVE });
    const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)], warmStart: WarmStart.fromPreviousRun() });
    expect(() => new TrainingPipeline(stack, 'Pipe', { tuningJob })).toThrow(/^SML-HPO-WARMSTART: tuningJob.warmStart \["previousRun\(\)"\]: a SageMaker pipeline has no step that can look up the latest completed tuning job/);
  });
  test('fails when cacheExpireAfter is given with caching off', () => {
    expect(() => setup({ cacheSteps: false, cacheExpireAfter: Duration.days(1) })).toThrow(/^SML-CACHE: cacheExpireAfter 1 day: only applies when cacheSteps is on/);
  });
  test('fails when the cache expires in less than a minute', () => {
    expect(() => setup({ cacheExpireAfter: Duration.seconds(30) })).toThrow(/^SML-CACHE: cacheExpireAfter 30 seconds: must be at least one minute/);
  });
  test('fails when the pipeline name is not valid', () => {
    expect(() => setup({ pipelineName: 'churn_training' })).toThrow(/^SML-MANAGED: pipelineName 'churn_training': must be 1–256 letters, digits and inner hyphens/);
  });
  test('fails when neither a training job nor a tuning job is given', () => {
    expect(() => new TrainingPipeline(newTestStack(), 'Pipe', {})).toThrow(/^SML-MANAGED: trainingJob \/ tuningJob 'neither'/);
  });
  test('fails when the baseline reports another objective', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, objective: OBJECTIVE });
    const baseline = new SustainableTrainingJob(stack, 'Baseline', { image: IMAGE, objective: Objective.maximize('validation:accuracy', 'acc=([0-9\\.]+)') });
    expect(() => new TrainingPipeline(stack, 'Pipe', { trainingJob, baseline })).toThrow(/^SML-BASELINE: baseline.objective 'validation:accuracy \(Maximize\)'/);
  });
});

describe('the pipeline definition checks themselves', () => {
  const ok = () => ({
    Version: '2020-12-01',
    Parameters: [{ Name: 'P', Type: 'String', DefaultValue: 'x' }],
    Steps: [
      { Name: 'A', Type: 'Condition', Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Parameters.P' }, RightValue: 'x' }], IfSteps: [], ElseSteps: [{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: 'no' } }] } },
    ],
  });

  test('accept a minimal valid definition', () => {
    expect(expectValidPipelineDefinition(ok())).toBe(0);
  });
  test('fail when a step name is used twice (across branches)', () => {
    const d = ok();
    (d.Steps[0].Arguments as any).IfSteps = [{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }];
    expect(() => expectValidPipelineDefinition(d)).toThrow(/step name F is used twice/);
  });
  test('fail when a Get names no parameter or step, or a step that does not run before', () => {
    const d = ok();
    (d.Steps[0].Arguments as any).Conditions[0].LeftValue = { Get: 'Parameters.Q' };
    expect(() => expectValidPipelineDefinition(d)).toThrow(/Get Parameters.Q names no declared parameter/);
    const e = ok();
    (e.Steps[0].Arguments as any).Conditions[0].LeftValue = { Get: "Steps.T.FinalMetricDataList['x'].Value" };
    expect(() => expectValidPipelineDefinition(e)).toThrow(/Get Steps.T.* names no step/);
  });
  test('fail when a Training step\'s Arguments are not a valid request', () => {
    const d: any = ok();
    d.Steps.push({ Name: 'T', Type: 'Training', Arguments: { RoleArn: 'arn:aws:iam::123456789012:role/r', AlgorithmSpecification: { TrainingInputMode: 'File' }, OutputDataConfig: { S3OutputPath: 's3://b/' }, StoppingCondition: {}, Bogus: 1 } });
    expect(() => expectValidPipelineDefinition(d)).toThrow(/unknown member 'Bogus'/);
  });
});
