/**
 * SustainableMlChecks over apps this library did not build: for every rule the pack checks, a compliant and a
 * non-compliant app, from raw L1s and from aws-cdk-lib's own constructs; the example app; a deliberately wasteful app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, CfnResource, Duration, Fn, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { buildExampleApp } from '../../bin/example';
import { SustainableMlChecks } from '../../lib';
import { stackIndex } from '../../lib/checks/private/stack-index';
import { describeFinding } from '../../lib/checks/sustainable-ml-checks';
import { allRules } from '../../lib/rules';
import { newTestApp } from '../support/app';

/** `SML-RULE severity path` for every finding of the pack on `scope`. */
function findings(scope: App | Stack): string[] {
  const report = new SustainableMlChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${v.severity} ${r.constructPath}`)).sort();
}

/** The tag TrainingJobGuard watches jobs by (SML-GUARD). */
const GUARD_TAGS = [{ Key: 'sustainable-ml:guard', Value: 'enabled' }];

/** A CreateTrainingJob request; `over` replaces fields (undefined removes them). */
function trainingRequest(over: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    TrainingJobName: 'job',
    AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::123456789012:role/sm',
    OutputDataConfig: { S3OutputPath: 's3://literal-bucket/models/' },
    ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
    EnableManagedSpotTraining: true,
    CheckpointConfig: { S3Uri: 's3://literal-bucket/checkpoints/job' },
    StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
    Tags: GUARD_TAGS,
    ...over,
  };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined));
}

/**
 * A compliant CreateHyperParameterTuningJob request with one training definition: Bayesian, one job at a time, early
 * stopping, a bounded run, one narrow range, completion on the target, on no improvement and on convergence.
 * `config` replaces fields of HyperParameterTuningJobConfig, `over` fields of the request (undefined removes them).
 */
function tuningRequest(config: Record<string, unknown> = {}, over: Record<string, unknown> = {}): Record<string, unknown> {
  const { TrainingJobName: _n, Tags: tags, ...definition } = trainingRequest();
  const drop = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return drop({
    HyperParameterTuningJobName: 'tune',
    Tags: tags, // SageMaker adds them to every training job the tuning job launches (SML-GUARD)
    HyperParameterTuningJobConfig: drop({
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      TrainingJobEarlyStoppingType: 'Auto',
      ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 1, MaxRuntimeInSeconds: 86400 },
      ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '0.3', ScalingType: 'Auto' }] },
      TuningJobCompletionCriteria: {
        TargetObjectiveMetricValue: 0.85,
        BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 3 },
        ConvergenceDetected: { CompleteOnConvergence: 'Enabled' },
      },
      ...config,
    }),
    TrainingJobDefinition: { ...definition, StaticHyperParameters: {} },
    ...over,
  });
}

/** Categorical ranges with these numbers of values (a grid of their product). */
function categorical(...sizes: number[]): Record<string, unknown> {
  return { CategoricalParameterRanges: sizes.map((n, i) => ({ Name: `c${i}`, Values: Array.from({ length: n }, (_, v) => `v${v}`) })) };
}

/** An aws-cdk-lib CustomState starting a tuning job (createHyperParameterTuningJob.sync) in a state machine. */
function cdkTuningState(stack: Stack, id: string, request: Record<string, unknown>): void {
  const state = new sfn.CustomState(stack, `${id}State`, {
    stateJson: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync', Parameters: request },
  });
  new sfn.StateMachine(stack, id, { definitionBody: sfn.DefinitionBody.fromChainable(state) });
}

/** An aws-cdk-lib CallAwsService (aws-sdk integration) starting a tuning job, in a state machine. */
function cdkCallAwsService(stack: Stack, id: string, request: Record<string, unknown>): void {
  const task = new tasks.CallAwsService(stack, `${id}Task`, {
    service: 'sagemaker',
    action: 'createHyperParameterTuningJob',
    parameters: request,
    iamResources: ['arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/*'],
  });
  new sfn.StateMachine(stack, id, { definitionBody: sfn.DefinitionBody.fromChainable(task) });
}

/** A raw state machine (CfnStateMachine) with one SageMaker task, its definition joined with a deploy-time part. */
function rawStateMachine(stack: Stack, id: string, resource: string, request: Record<string, unknown>): void {
  const asl = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: `arn:PARTITION:states:::sagemaker:${resource}.sync`, Parameters: request, End: true } } });
  const [before, after] = asl.split('PARTITION');
  new sfn.CfnStateMachine(stack, id, {
    roleArn: 'arn:aws:iam::123456789012:role/sfn',
    definitionString: Fn.join('', [before, stack.partition, after]),
  });
}

/** Step caching as SageMaker Pipelines takes it: on, for 30 days. */
const CACHED = { CacheConfig: { Enabled: true, ExpireAfter: 'P30D' } };

/**
 * A raw SageMaker pipeline with one training step (or tuning step, with `extra.type` 'Tuning'), cached unless
 * `extra.step` says otherwise (it replaces the step's other fields), with `extra.parameters` and `extra.steps`
 * before that step.
 */
function rawPipeline(
  stack: Stack, id: string, request: Record<string, unknown>,
  extra: { type?: 'Training' | 'Tuning'; step?: Record<string, unknown>; parameters?: unknown[]; steps?: unknown[] } = {},
): void {
  const { TrainingJobName: _n, HyperParameterTuningJobName: _t, ...args } = request;
  const type = extra.type ?? 'Training';
  const step = { Name: type === 'Tuning' ? 'Tune' : 'Train', Type: type, Arguments: args, ...(extra.step ?? CACHED) };
  new sagemaker.CfnPipeline(stack, id, {
    pipelineName: id,
    roleArn: 'arn:aws:iam::123456789012:role/sm',
    pipelineDefinition: { PipelineDefinitionBody: JSON.stringify({ Version: '2020-12-01', Parameters: extra.parameters, Steps: [...(extra.steps ?? []), step] }) },
  });
}

/**
 * A notebook instance (ml.t3.medium, no direct internet access, no root access unless `props` say otherwise), with
 * a lifecycle configuration running `script` when given.
 */
function notebook(stack: Stack, id: string, script?: string, props: Partial<sagemaker.CfnNotebookInstanceProps> = {}): void {
  const config = script === undefined ? undefined : new sagemaker.CfnNotebookInstanceLifecycleConfig(stack, `${id}Config`, {
    onStart: [{ content: Fn.base64(script) }],
  });
  new sagemaker.CfnNotebookInstance(stack, id, {
    instanceType: 'ml.t3.medium',
    roleArn: 'arn:aws:iam::123456789012:role/sm',
    lifecycleConfigName: config?.attrNotebookInstanceLifecycleConfigName,
    directInternetAccess: 'Disabled',
    rootAccess: 'Disabled',
    subnetId: 'subnet-1',
    securityGroupIds: ['sg-1'],
    ...props,
  });
}

/** The AWS sample's on-start script (auto-stop-idle/on-start.sh), with or without `--ignore-connections`. */
function autostopScript(ignoreConnections = true): string {
  return '#!/bin/bash\nIDLE_TIME=3600\n'
    + 'wget https://raw.githubusercontent.com/aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples/master/scripts/auto-stop-idle/autostop.py\n'
    + `(crontab -l 2>/dev/null; echo "*/5 * * * * /usr/bin/python3 $PWD/autostop.py --time $IDLE_TIME${ignoreConnections ? ' --ignore-connections' : ''} >> /var/log/jupyter.log") | crontab -\n`;
}

const IDLE = { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'ENABLED', idleTimeoutInMinutes: 60 } } };

/** A Studio domain, with idle shutdown for JupyterLab and Code Editor when `idle`. */
function domain(stack: Stack, id: string, idle: boolean): sagemaker.CfnDomain {
  return new sagemaker.CfnDomain(stack, id, {
    authMode: 'IAM',
    domainName: id,
    vpcId: 'vpc-1',
    subnetIds: ['subnet-1'],
    defaultUserSettings: {
      executionRole: 'arn:aws:iam::123456789012:role/sm',
      ...(idle ? { jupyterLabAppSettings: IDLE, codeEditorAppSettings: IDLE } : {}),
    } as any,
  });
}

/**
 * An aws-cdk-lib SageMakerCreateTrainingJob task (it has no spot setting) in a state machine. By default as
 * aws-cdk-lib renders it: one ml.m4.xlarge (previous generation), no tags; `options` are passed to the task.
 */
function cdkTrainingTask(stack: Stack, id: string, options: Partial<tasks.SageMakerCreateTrainingJobProps> = {}): void {
  const task = new tasks.SageMakerCreateTrainingJob(stack, `${id}Task`, {
    trainingJobName: 'job',
    algorithmSpecification: { trainingImage: tasks.DockerImage.fromRegistry('xgb:1') },
    inputDataConfig: [{ channelName: 'train', dataSource: { s3DataSource: { s3Location: tasks.S3Location.fromBucket(new s3.Bucket(stack, `${id}Data`), 'train') } } }],
    outputDataConfig: { s3OutputLocation: tasks.S3Location.fromBucket(new s3.Bucket(stack, `${id}Out`), 'out') },
    stoppingCondition: { maxRuntime: Duration.hours(1) },
    ...options,
  });
  new sfn.StateMachine(stack, id, { definitionBody: sfn.DefinitionBody.fromChainable(task) });
}

/** aws-cdk-lib task props: one current-generation instance with a 10 GiB volume; the guard tag. */
const CURRENT_INSTANCE: tasks.ResourceConfig = { instanceCount: 1, instanceType: new ec2.InstanceType('m5.large'), volumeSize: Size.gibibytes(10) };
const GUARD_TAG = { 'sustainable-ml:guard': 'enabled' };

/** Request fields of a job on Trainium with the AWS Deep Learning Container for PyTorch on Neuron. */
const ON_TRAINIUM = {
  AlgorithmSpecification: { TrainingImage: '763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:2.1.2-neuronx-py310-sdk2.20.2-ubuntu20.04', TrainingInputMode: 'File' },
  ResourceConfig: { InstanceType: 'ml.trn1.2xlarge', InstanceCount: 1, VolumeSizeInGB: 10 },
};

/** A Debugger rule configuration as a CreateTrainingJob request holds it. */
function ruleConfiguration(name: string, rule: string, stopTraining = false): Record<string, unknown> {
  return {
    RuleConfigurationName: name,
    RuleEvaluatorImage: '895741380848.dkr.ecr.us-west-2.amazonaws.com/sagemaker-debugger-rules:latest',
    RuleParameters: { rule_to_invoke: rule, ...(stopTraining ? { action_json: '[{\\"name\\": \\"stoptraining\\", \\"training_job_prefix\\": \\"job-\\"}]' } : {}) },
  };
}

/** An aws-cdk-lib CustomState with a spot training request. */
function cdkCustomState(stack: Stack, id: string, request: Record<string, unknown>): void {
  const state = new sfn.CustomState(stack, `${id}State`, {
    stateJson: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync', Parameters: request },
  });
  new sfn.StateMachine(stack, id, { definitionBody: sfn.DefinitionBody.fromChainable(state) });
}

interface Case {
  readonly name: string;
  /** Adds the resources under test to `stack`. */
  readonly build: (stack: Stack) => void;
  /** The findings expected, as `SML-RULE severity <path under the stack>`; empty for a compliant app. */
  readonly expected: string[];
}

const CASES: Case[] = [
  // SML-SPOT
  { name: 'raw ASL (Fn::Join) with spot on', build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest()), expected: [] },
  {
    name: 'raw ASL (Fn::Join) on on-demand capacity',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ EnableManagedSpotTraining: false, CheckpointConfig: undefined, StoppingCondition: { MaxRuntimeInSeconds: 3600 } })),
    expected: ['SML-SPOT warning Sm'],
  },
  { name: 'aws-cdk-lib CustomState with spot on', build: (s) => cdkCustomState(s, 'Sm', trainingRequest()), expected: [] },
  {
    name: 'aws-cdk-lib SageMakerCreateTrainingJob (no spot) on a current-generation instance, guarded',
    build: (s) => cdkTrainingTask(s, 'Sm', { resourceConfig: CURRENT_INSTANCE, tags: GUARD_TAG }),
    expected: ['SML-SPOT warning Sm/Resource'],
  },
  {
    name: "aws-cdk-lib SageMakerCreateTrainingJob as it renders by default (no spot, ml.m4.xlarge, no guard tag)",
    build: (s) => cdkTrainingTask(s, 'Sm'),
    expected: ['SML-GUARD warning Sm/Resource', 'SML-SILICON warning Sm/Resource', 'SML-SPOT warning Sm/Resource'],
  },
  { name: 'inline pipeline with spot on', build: (s) => rawPipeline(s, 'P', trainingRequest()), expected: [] },
  {
    name: 'inline pipeline on on-demand capacity',
    build: (s) => rawPipeline(s, 'P', trainingRequest({ EnableManagedSpotTraining: undefined, CheckpointConfig: undefined })),
    expected: ['SML-SPOT warning P'],
  },
  {
    name: 'pipeline whose body lives in S3 (cannot be read)',
    build: (s) => new sagemaker.CfnPipeline(s, 'P', { pipelineName: 'p', roleArn: 'arn:aws:iam::123456789012:role/sm', pipelineDefinition: { PipelineDefinitionS3Location: { Bucket: 'b', Key: 'p.json' } } }),
    expected: ['SML-MANAGED[deploy-time] warning P'],
  },
  // SML-CKPT
  { name: 'spot without checkpoints', build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ CheckpointConfig: undefined })), expected: ['SML-CKPT warning Sm'] },
  // SML-MAXRUN
  { name: 'no StoppingCondition.MaxRuntimeInSeconds', build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ StoppingCondition: {} })), expected: ['SML-MAXRUN error Sm'] },
  {
    name: 'spot with MaxWait shorter than MaxRuntime',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 60 } })),
    expected: ['SML-MAXRUN error Sm'],
  },
  {
    name: 'a deploy-time MaxRuntime (JSONPath) cannot be evaluated',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ StoppingCondition: { 'MaxRuntimeInSeconds.$': '$.max' } })),
    expected: ['SML-MAXRUN[deploy-time] warning Sm'],
  },
  // SML-START-SMALL
  {
    name: 'two instances with inter-container traffic encryption (distributed training warns)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 }, EnableInterContainerTrafficEncryption: true })),
    expected: ['SML-START-SMALL warning Sm'],
  },
  {
    name: 'no instance (InstanceCount 0)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 0, VolumeSizeInGB: 10 } })),
    expected: ['SML-START-SMALL error Sm'],
  },
  {
    name: 'aws-cdk-lib task with a 20 TiB volume (over the 16,384 GiB API limit)',
    build: (s) => cdkTrainingTask(s, 'Sm', { resourceConfig: { ...CURRENT_INSTANCE, volumeSize: Size.tebibytes(20) }, tags: GUARD_TAG }),
    expected: ['SML-SPOT warning Sm/Resource', 'SML-START-SMALL error Sm/Resource'],
  },
  {
    name: 'aws-cdk-lib task on two instances without inter-container traffic encryption',
    build: (s) => cdkTrainingTask(s, 'Sm', { resourceConfig: { ...CURRENT_INSTANCE, instanceCount: 2 }, tags: GUARD_TAG }),
    expected: ['SML-SPOT warning Sm/Resource', 'SML-START-SMALL warning Sm/Resource', 'SML-START-SMALL warning Sm/Resource'],
  },
  {
    name: 'a deploy-time InstanceCount (JSONPath) cannot be evaluated',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ResourceConfig: { 'InstanceType': 'ml.m5.large', 'InstanceCount.$': '$.count', 'VolumeSizeInGB': 10 }, EnableInterContainerTrafficEncryption: true })),
    expected: ['SML-START-SMALL[deploy-time] warning Sm'],
  },
  // SML-SILICON
  {
    name: 'a previous-generation instance (ml.p3.2xlarge)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 10 } })),
    expected: ['SML-SILICON warning Sm'],
  },
  {
    name: 'a GPU profiler rule on a GPU instance (only the Debugger-closed warning)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 }, ProfilerRuleConfigurations: [ruleConfiguration('gpu', 'LowGPUUtilization')] })),
    expected: ['SML-GUARD warning Sm'],
  },
  {
    name: 'a GPU profiler rule on an instance without GPU',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ProfilerRuleConfigurations: [ruleConfiguration('gpu', 'LowGPUUtilization')] })),
    expected: ['SML-GUARD warning Sm', 'SML-SILICON error Sm'],
  },
  {
    name: 'Trainium with a Neuron image',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ...ON_TRAINIUM })),
    expected: [],
  },
  {
    name: 'Trainium with an image that is not a Neuron image',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ResourceConfig: ON_TRAINIUM.ResourceConfig })),
    expected: ['SML-SILICON warning Sm'],
  },
  {
    name: 'a profiler rule on Trainium',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ...ON_TRAINIUM, ProfilerRuleConfigurations: [ruleConfiguration('cpu', 'CPUBottleneck')] })),
    expected: ['SML-GUARD warning Sm', 'SML-SILICON error Sm'],
  },
  // SML-GUARD
  { name: 'a job without the guard tag', build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ Tags: undefined })), expected: ['SML-GUARD warning Sm'] },
  {
    name: 'a job whose guard tag opts out',
    build: (s) => rawPipeline(s, 'P', trainingRequest({ Tags: [{ Key: 'sustainable-ml:guard', Value: 'disabled' }] })),
    expected: ['SML-GUARD warning P'],
  },
  { name: 'deploy-time Tags (JSONPath) cannot be evaluated', build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ 'Tags': undefined, 'Tags.$': '$.tags' })), expected: ['SML-GUARD[deploy-time] warning Sm'] },
  {
    name: 'a tuning job without the guard tag (its training jobs are not watched)',
    build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest({}, { Tags: undefined })),
    expected: ['SML-GUARD warning Sm'],
  },
  {
    name: 'a tuning job with deploy-time Tags (JSONPath) cannot be evaluated',
    build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest({}, { 'Tags': undefined, 'Tags.$': '$.tags' })),
    expected: ['SML-GUARD[deploy-time] warning Sm'],
  },
  {
    name: 'two Debugger rule configurations with the same name',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ DebugRuleConfigurations: [ruleConfiguration('loss', 'LossNotDecreasing'), ruleConfiguration('loss', 'Overfit')] })),
    expected: ['SML-GUARD error Sm'],
  },
  {
    name: '21 debug rule configurations (over the API limit)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ EnableManagedSpotTraining: false, CheckpointConfig: undefined, StoppingCondition: { MaxRuntimeInSeconds: 3600 }, DebugRuleConfigurations: Array.from({ length: 21 }, (_, i) => ruleConfiguration(`r${i}`, 'Overfit')) })),
    expected: ['SML-GUARD error Sm', 'SML-SPOT warning Sm'],
  },
  {
    name: 'a StopTraining action on a spot job',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ DebugRuleConfigurations: [ruleConfiguration('overfit', 'Overfit', true)] })),
    expected: ['SML-GUARD error Sm'],
  },
  {
    name: 'a StopTraining action on an on-demand job (only the Debugger-closed warning)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ EnableManagedSpotTraining: false, CheckpointConfig: undefined, StoppingCondition: { MaxRuntimeInSeconds: 3600 }, DebugRuleConfigurations: [ruleConfiguration('overfit', 'Overfit', true)] })),
    expected: ['SML-GUARD warning Sm', 'SML-SPOT warning Sm'],
  },
  // SML-COMPILE
  {
    name: 'Training Compiler on a supported family (warns that it is unmaintained)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 }, HyperParameters: { sagemaker_training_compiler_enabled: 'true' } })),
    expected: ['SML-COMPILE warning Sm'],
  },
  {
    name: 'Training Compiler on a CPU instance',
    build: (s) => rawPipeline(s, 'P', trainingRequest({ HyperParameters: { sagemaker_training_compiler_enabled: 'true' } })),
    expected: ['SML-COMPILE error P'],
  },
  // SML-ACCEPT
  {
    name: 'each metric defined once',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ AlgorithmSpecification: { TrainingImage: 'xgb:1', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'auc', Regex: 'auc=(.*)' }, { Name: 'loss', Regex: 'loss=(.*)' }] } })),
    expected: [],
  },
  {
    name: 'a metric defined twice',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ AlgorithmSpecification: { TrainingImage: 'xgb:1', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'auc', Regex: 'auc=(.*)' }, { Name: 'auc', Regex: 'AUC: (.*)' }] } })),
    expected: ['SML-ACCEPT error Sm'],
  },
  {
    name: 'raw ASL with a metric regex without a capture group (SageMaker would record nothing)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ AlgorithmSpecification: { TrainingImage: 'xgb:1', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'auc', Regex: 'auc=[0-9.]+' }] } })),
    expected: ['SML-ACCEPT error Sm'],
  },
  {
    name: 'raw ASL whose metric regexes capture the value',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ AlgorithmSpecification: { TrainingImage: 'xgb:1', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'auc', Regex: 'auc=([0-9.]+)' }] } })),
    expected: [],
  },
  // SML-REUSE
  {
    name: 'aws-cdk-lib task with two channels of one name',
    build: (s) => {
      const data = new s3.Bucket(s, 'Data');
      const channel = (prefix: string) => ({ channelName: 'train', dataSource: { s3DataSource: { s3Location: tasks.S3Location.fromBucket(data, prefix) } } });
      cdkTrainingTask(s, 'Sm', { resourceConfig: CURRENT_INSTANCE, tags: GUARD_TAG, inputDataConfig: [channel('a'), channel('b')] });
    },
    expected: ['SML-REUSE error Sm/Resource', 'SML-SPOT warning Sm/Resource'],
  },
  // SML-MANAGED (values the API refuses when the job starts)
  {
    name: 'hyperparameters and environment the API accepts (a JSONPath value is left to run time)',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ HyperParameters: { 'epochs': '3', 'eta.$': '$.eta' }, Environment: { LOG_LEVEL: 'debug' } })),
    expected: [],
  },
  {
    name: 'an environment variable the API refuses',
    build: (s) => rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ Environment: { 'LOG-LEVEL': 'debug' } })),
    expected: ['SML-MANAGED error Sm'],
  },
  // SML-HPO-*
  { name: 'Bayesian tuning, one job at a time, early stopping', build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest()), expected: [] },
  {
    name: 'grid search',
    build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest({ Strategy: 'Grid', ParameterRanges: categorical(2, 3), ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 1 } })),
    expected: ['SML-HPO-STRATEGY error Sm'],
  },
  { name: 'random search', build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest({ Strategy: 'Random' })), expected: ['SML-HPO-STRATEGY warning Sm'] },
  {
    name: '10 parallel jobs',
    build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest({ ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 10 } })),
    expected: ['SML-HPO-PARALLEL warning Sm'],
  },
  { name: 'early stopping off', build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest({ TrainingJobEarlyStoppingType: 'Off' })), expected: ['SML-HPO-EARLYSTOP warning Sm'] },
  {
    name: 'Hyperband (early stopping Off by design)',
    build: (s) => rawStateMachine(s, 'Sm', 'createHyperParameterTuningJob', tuningRequest({ Strategy: 'Hyperband', TrainingJobEarlyStoppingType: 'Off', StrategyConfig: { HyperbandStrategyConfig: { MaxResource: 20 } } })),
    expected: [],
  },
  // SML-IDLE-NOTEBOOK
  { name: 'notebook without a lifecycle configuration', build: (s) => notebook(s, 'Nb'), expected: ['SML-IDLE-NOTEBOOK warning Nb'] },
  { name: "notebook with the AWS sample's autostop.py", build: (s) => notebook(s, 'Nb', autostopScript()), expected: [] },
  { name: 'notebook whose lifecycle configuration installs no idle shutdown', build: (s) => notebook(s, 'Nb', '#!/bin/bash\npip install pandas\n'), expected: ['SML-IDLE-NOTEBOOK warning Nb'] },
  // SML-IDLE-STUDIO
  { name: 'Studio domain with idle shutdown', build: (s) => { domain(s, 'D', true); }, expected: [] },
  { name: 'Studio domain without idle settings', build: (s) => { domain(s, 'D', false); }, expected: ['SML-IDLE-STUDIO warning D'] },
  {
    name: 'user profile that disables idle shutdown',
    build: (s) => {
      const d = domain(s, 'D', true);
      new sagemaker.CfnUserProfile(s, 'U', { domainId: d.attrDomainId, userProfileName: 'u', userSettings: { jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED' } } } } as any });
    },
    expected: ['SML-IDLE-STUDIO warning U'],
  },
  {
    name: 'space in a domain without idle settings',
    build: (s) => { const d = domain(s, 'D', false); new sagemaker.CfnSpace(s, 'Sp', { domainId: d.attrDomainId, spaceName: 'sp' }); },
    expected: ['SML-IDLE-STUDIO warning D', 'SML-IDLE-STUDIO warning Sp'],
  },
  // SML-LOGS
  { name: 'log group with retention (aws-cdk-lib)', build: (s) => { new logs.LogGroup(s, 'G', { retention: logs.RetentionDays.ONE_MONTH }); }, expected: [] },
  { name: 'log group kept forever (aws-cdk-lib)', build: (s) => { new logs.LogGroup(s, 'G', { retention: logs.RetentionDays.INFINITE }); }, expected: ['SML-LOGS warning G/Resource'] },
  { name: 'log group kept forever (raw L1)', build: (s) => { new logs.CfnLogGroup(s, 'G', {}); }, expected: ['SML-LOGS warning G'] },
  {
    name: 'Lambda function with a bounded log group',
    build: (s) => { new lambda.Function(s, 'F', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.h', code: lambda.Code.fromInline('exports.h=async()=>{}'), logGroup: new logs.LogGroup(s, 'G', { retention: logs.RetentionDays.ONE_WEEK }) }); },
    expected: [],
  },
  {
    name: 'Lambda function logging to its default group (kept forever)',
    build: (s) => { new lambda.CfnFunction(s, 'F', { role: 'arn:aws:iam::123456789012:role/l', code: { zipFile: 'x' }, runtime: 'nodejs22.x', handler: 'index.h' }); },
    expected: ['SML-LOGS warning F'],
  },
  {
    name: 'Lambda function whose default group is bounded by a raw LogGroup',
    build: (s) => {
      const fn = new lambda.CfnFunction(s, 'F', { role: 'arn:aws:iam::123456789012:role/l', code: { zipFile: 'x' }, runtime: 'nodejs22.x', handler: 'index.h' });
      new logs.CfnLogGroup(s, 'G', { logGroupName: Fn.join('', ['/aws/lambda/', fn.ref]), retentionInDays: 30 });
    },
    expected: [],
  },
  // SML-ARTIFACTS
  {
    name: 'bucket receiving checkpoints that never expire',
    build: (s) => { const b = new s3.Bucket(s, 'B'); rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ CheckpointConfig: { S3Uri: `s3://${b.bucketName}/checkpoints/job` } })); },
    expected: ['SML-ARTIFACTS warning B/Resource'],
  },
  {
    name: 'bucket receiving checkpoints that expire',
    build: (s) => {
      const b = new s3.Bucket(s, 'B', { lifecycleRules: [{ prefix: 'checkpoints/', expiration: Duration.days(7) }] });
      rawStateMachine(s, 'Sm', 'createTrainingJob', trainingRequest({ CheckpointConfig: { S3Uri: `s3://${b.bucketName}/checkpoints/job` } }));
    },
    expected: [],
  },
];

describe('SustainableMlChecks, rule by rule', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const stack = new Stack(new App(), 'S');
    c.build(stack);
    expect(findings(stack)).toEqual(c.expected.map((e) => e.replace(/ (\S+)$/, ' S/$1')).sort());
  });
});

const TUNE = 'createHyperParameterTuningJob';
const raw = (config: Record<string, unknown>, over: Record<string, unknown> = {}) => (s: Stack) => rawStateMachine(s, 'Sm', TUNE, tuningRequest(config, over));
const LIMITS = { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 1, MaxRuntimeInSeconds: 86400 };
const continuous = (...names: string[]) => ({ ContinuousParameterRanges: names.map((Name) => ({ Name, MinValue: '0.1', MaxValue: '0.9', ScalingType: 'Auto' })) });

/** SustainableTuningJob's request checks, brought to the pack: each rule compliant and not, over raw ASL and aws-cdk-lib's own states. */
const TUNING_CASES: Case[] = [
  // compliant, whichever way the request is written
  { name: 'compliant tuning job (raw CfnStateMachine ASL)', build: raw({}), expected: [] },
  { name: 'compliant tuning job (aws-cdk-lib CustomState)', build: (s) => cdkTuningState(s, 'Sm', tuningRequest()), expected: [] },
  { name: 'compliant tuning job (aws-cdk-lib CallAwsService)', build: (s) => cdkCallAwsService(s, 'Sm', tuningRequest()), expected: [] },
  { name: 'compliant tuning job (inline pipeline Tuning step)', build: (s) => rawPipeline(s, 'P', tuningRequest(), { type: 'Tuning' }), expected: [] },
  // SML-HPO-SPACE
  { name: 'no range to search', build: raw({ ParameterRanges: {} }), expected: ['SML-HPO-SPACE error Sm'] },
  { name: 'more ranges than the API takes (31)', build: raw({ ParameterRanges: continuous(...Array.from({ length: 31 }, (_, i) => `h${i}`)) }), expected: ['SML-HPO-SPACE error Sm'] },
  { name: 'more than a handful of ranges (6)', build: raw({ ParameterRanges: continuous('a', 'b', 'c', 'd', 'e', 'f') }), expected: ['SML-HPO-SPACE warning Sm'] },
  { name: 'a hyperparameter ranged twice', build: raw({ ParameterRanges: { ...continuous('eta'), IntegerParameterRanges: [{ Name: 'eta', MinValue: '1', MaxValue: '5' }] } }), expected: ['SML-HPO-SPACE error Sm'] },
  {
    name: 'a range that is also a static hyperparameter',
    build: (s) => { const r = tuningRequest(); (r.TrainingJobDefinition as any).StaticHyperParameters = { eta: '0.1' }; rawStateMachine(s, 'Sm', TUNE, r); },
    expected: ['SML-HPO-SPACE error Sm'],
  },
  { name: 'a wide range on linear scaling (CustomState)', build: (s) => cdkTuningState(s, 'Sm', tuningRequest({ ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '0.5', ScalingType: 'Linear' }] } })), expected: ['SML-HPO-SPACE warning Sm/Resource'] },
  { name: 'a wide range on logarithmic scaling', build: raw({ ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '0.5', ScalingType: 'Logarithmic' }] } }), expected: [] },
  { name: 'range bounds out of order', build: raw({ ParameterRanges: { IntegerParameterRanges: [{ Name: 'depth', MinValue: '9', MaxValue: '3' }] } }), expected: ['SML-HPO-SPACE error Sm'] },
  { name: 'a categorical value listed twice', build: raw({ ParameterRanges: { CategoricalParameterRanges: [{ Name: 'booster', Values: ['dart', 'dart'] }] } }), expected: ['SML-HPO-SPACE error Sm'] },
  { name: 'range bounds given at run time (JSONPath)', build: raw({ ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', 'MinValue.$': '$.lo', MaxValue: '0.3' }] } }), expected: ['SML-HPO-SPACE[deploy-time] warning Sm'] },
  { name: 'more training jobs than the Bayesian limit (751)', build: raw({ ResourceLimits: { ...LIMITS, MaxNumberOfTrainingJobs: 751 } }), expected: ['SML-HPO-SPACE error Sm'] },
  // SML-HPO-STRATEGY
  { name: 'grid search over a numeric range', build: raw({ Strategy: 'Grid', ResourceLimits: { MaxParallelTrainingJobs: 1 } }), expected: ['SML-HPO-STRATEGY error Sm', 'SML-HPO-STRATEGY error Sm'] },
  { name: 'Hyperband that SageMaker cannot give a MaxResource', build: raw({ Strategy: 'Hyperband', TrainingJobEarlyStoppingType: 'Off' }), expected: ['SML-HPO-STRATEGY error Sm'] },
  {
    name: 'Hyperband inferring MaxResource from a static epochs hyperparameter',
    build: (s) => { const r = tuningRequest({ Strategy: 'Hyperband', TrainingJobEarlyStoppingType: 'Off' }); (r.TrainingJobDefinition as any).StaticHyperParameters = { epochs: '30' }; rawStateMachine(s, 'Sm', TUNE, r); },
    expected: [],
  },
  { name: 'Hyperband bounds out of order', build: raw({ Strategy: 'Hyperband', TrainingJobEarlyStoppingType: 'Off', StrategyConfig: { HyperbandStrategyConfig: { MinResource: 30, MaxResource: 20 } } }), expected: ['SML-HPO-STRATEGY error Sm'] },
  { name: 'a negative random seed', build: raw({ RandomSeed: -1 }), expected: ['SML-HPO-STRATEGY error Sm'] },
  // SML-HPO-EARLYSTOP
  { name: 'Hyperband with early stopping Auto (the API requires Off)', build: raw({ Strategy: 'Hyperband', StrategyConfig: { HyperbandStrategyConfig: { MaxResource: 20 } } }), expected: ['SML-HPO-EARLYSTOP error Sm'] },
  // SML-HPO-PARALLEL
  { name: 'no parallel job slot (0)', build: raw({ ResourceLimits: { ...LIMITS, MaxParallelTrainingJobs: 0 } }), expected: ['SML-HPO-PARALLEL error Sm'] },
  { name: 'more parallel jobs than jobs', build: raw({ ResourceLimits: { ...LIMITS, MaxNumberOfTrainingJobs: 3, MaxParallelTrainingJobs: 4 } }), expected: ['SML-HPO-PARALLEL error Sm'] },
  // SML-MAXRUN
  { name: 'a tuning run bounded below 120 seconds', build: raw({ ResourceLimits: { ...LIMITS, MaxRuntimeInSeconds: 60 } }), expected: ['SML-MAXRUN error Sm'] },
  { name: 'a tuning run shorter than one training job (CallAwsService)', build: (s) => cdkCallAwsService(s, 'Sm', tuningRequest({ ResourceLimits: { ...LIMITS, MaxRuntimeInSeconds: 1800 } })), expected: ['SML-MAXRUN error Sm/Resource'] },
  // SML-ACCEPT
  { name: 'no completion criteria at all', build: raw({ TuningJobCompletionCriteria: undefined }), expected: ['SML-ACCEPT warning Sm', 'SML-ACCEPT warning Sm'] },
  { name: 'convergence detection disabled (pipeline)', build: (s) => rawPipeline(s, 'P', tuningRequest({ TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 0.85, BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 3 }, ConvergenceDetected: { CompleteOnConvergence: 'Disabled' } } }), { type: 'Tuning' }), expected: ['SML-ACCEPT warning P'] },
  { name: 'completing after fewer than 3 jobs without improvement', build: raw({ TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 0.85, BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 2 } } }), expected: ['SML-ACCEPT error Sm'] },
  // SML-HPO-WARMSTART
  { name: 'a warm start from two finished searches', build: raw({}, { WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-1' }, { HyperParameterTuningJobName: 'churn-2' }], WarmStartType: 'TransferLearning' } }), expected: [] },
  {
    name: 'a warm start from six parents',
    build: raw({}, { WarmStartConfig: { ParentHyperParameterTuningJobs: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ HyperParameterTuningJobName: n })), WarmStartType: 'TransferLearning' } }),
    expected: ['SML-HPO-WARMSTART error Sm'],
  },
  { name: 'a warm start listing a parent twice', build: raw({}, { WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'p1' }, { HyperParameterTuningJobName: 'p1' }], WarmStartType: 'TransferLearning' } }), expected: ['SML-HPO-WARMSTART error Sm'] },
  { name: 'a warm start from a name that is no tuning job name', build: raw({}, { WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn_hpo' }], WarmStartType: 'TransferLearning' } }), expected: ['SML-HPO-WARMSTART error Sm'] },
  {
    name: 'a warm start of a Hyperband search',
    build: raw({ Strategy: 'Hyperband', TrainingJobEarlyStoppingType: 'Off', StrategyConfig: { HyperbandStrategyConfig: { MaxResource: 20 } } }, { WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'p1' }], WarmStartType: 'TransferLearning' } }),
    expected: ['SML-HPO-WARMSTART error Sm'],
  },
  { name: 'a warm start whose parent is found at run time (JSONPath)', build: raw({}, { WarmStartConfig: { ParentHyperParameterTuningJobs: [{ 'HyperParameterTuningJobName.$': '$.parent' }], WarmStartType: 'TransferLearning' } }), expected: [] },
];

describe('SustainableMlChecks, SustainableTuningJob\'s rules', () => {
  test.each(TUNING_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const stack = new Stack(new App(), 'S');
    c.build(stack);
    expect(findings(stack)).toEqual(c.expected.map((e) => e.replace(/ (\S+)$/, ' S/$1')).sort());
  });

  test('a finding names the API field and value, why, and the fix (the construct\'s own words and the rule\'s)', () => {
    const stack = new Stack(new App(), 'S');
    rawStateMachine(stack, 'Sm', TUNE, tuningRequest({ ResourceLimits: { ...LIMITS, MaxRuntimeInSeconds: 60 } }));
    const [v] = new SustainableMlChecks().validateScope(stack).violations;
    expect(v.description).toBe('SML-MAXRUN: HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds 1 minute: a tuning run must be bounded between 120 seconds and 30 days. '
      + 'Why: A hung or runaway job stops at a known bound instead of running for days. (SUS02-BP03). '
      + 'Fix: leave maxRuntime unset (derived from the job count and the training job\'s limits) or choose a bound in that range. '
      + 'Set `maxRuntime` (≤ 28 days) and, with spot, `maxWait` ≥ `maxRuntime`. Use SustainableTrainingJob / SustainableTuningJob (MaxRuntime and MaxWait always set).');
  });
});

/** An InstanceType pipeline parameter and a training request that takes it. */
function instanceTypeParameter(defaultValue: string, enumValues?: string[]) {
  return {
    request: trainingRequest({ ResourceConfig: { InstanceType: { Get: 'Parameters.InstanceType' }, InstanceCount: 1, VolumeSizeInGB: 10 } }),
    parameters: [{ Name: 'InstanceType', Type: 'String', DefaultValue: defaultValue, ...(enumValues ? { EnumValues: enumValues } : {}) }],
  };
}

/** Notebooks, lifecycle configurations, Studio and pipeline definitions (SML-IDLE-*, SML-START-SMALL, SML-SILICON, SML-CACHE). */
const NOTEBOOK_STUDIO_PIPELINE_CASES: Case[] = [
  // SML-IDLE-NOTEBOOK: internet and root access, ignore-connections, a configuration outside the app
  {
    name: "raw notebook with SageMaker's defaults: direct internet access and root access",
    build: (s) => notebook(s, 'Nb', autostopScript(), { directInternetAccess: undefined, rootAccess: undefined }),
    expected: ['SML-IDLE-NOTEBOOK warning Nb', 'SML-IDLE-NOTEBOOK warning Nb'],
  },
  { name: 'raw notebook with root access enabled', build: (s) => notebook(s, 'Nb', autostopScript(), { rootAccess: 'Enabled' }), expected: ['SML-IDLE-NOTEBOOK warning Nb'] },
  { name: 'autostop.py without --ignore-connections (an open browser tab keeps the instance up)', build: (s) => notebook(s, 'Nb', autostopScript(false)), expected: ['SML-IDLE-NOTEBOOK warning NbConfig'] },
  {
    name: 'notebook naming a lifecycle configuration outside the app',
    build: (s) => notebook(s, 'Nb', undefined, { lifecycleConfigName: 'shared-autostop' }),
    expected: ['SML-IDLE-NOTEBOOK[deploy-time] warning Nb'],
  },
  // SML-START-SMALL, SML-SILICON on notebook instances
  { name: 'notebook on a previous-generation accelerated type', build: (s) => notebook(s, 'Nb', autostopScript(), { instanceType: 'ml.p3.2xlarge' }), expected: ['SML-SILICON warning Nb', 'SML-START-SMALL warning Nb'] },
  { name: 'notebook on a large type', build: (s) => notebook(s, 'Nb', autostopScript(), { instanceType: 'ml.m5.4xlarge' }), expected: ['SML-START-SMALL warning Nb'] },
  { name: 'notebook on a type the API does not list for notebooks', build: (s) => notebook(s, 'Nb', autostopScript(), { instanceType: 't3.medium' }), expected: ['SML-START-SMALL error Nb'] },
  {
    name: 'notebook whose type is a deploy-time value',
    build: (s) => notebook(s, 'Nb', autostopScript(), { instanceType: new CfnParameter(s, 'Type').valueAsString }),
    expected: ['SML-START-SMALL[deploy-time] warning Nb'],
  },
  // SML-IDLE-STUDIO: DISABLED settings
  {
    name: 'Studio domain whose default space settings disable idle shutdown',
    build: (s) => {
      const d = domain(s, 'D', true);
      d.defaultSpaceSettings = { executionRole: 'arn:aws:iam::123456789012:role/sm', jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED' } } } } as any;
    },
    expected: ['SML-IDLE-STUDIO warning D'],
  },
  {
    name: 'user profile that disables idle shutdown for JupyterLab and Code Editor',
    build: (s) => {
      const d = domain(s, 'D', true);
      const off = { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED' } } };
      new sagemaker.CfnUserProfile(s, 'U', { domainId: d.attrDomainId, userProfileName: 'u', userSettings: { jupyterLabAppSettings: off, codeEditorAppSettings: off } as any });
    },
    expected: ['SML-IDLE-STUDIO warning U', 'SML-IDLE-STUDIO warning U'],
  },
  // SML-CACHE
  { name: 'pipeline without step caching', build: (s) => rawPipeline(s, 'P', trainingRequest(), { step: {} }), expected: ['SML-CACHE warning P'] },
  { name: 'pipeline caching its step for 30 seconds', build: (s) => rawPipeline(s, 'P', trainingRequest(), { step: { CacheConfig: { Enabled: true, ExpireAfter: 'PT30S' } } }), expected: ['SML-CACHE error P'] },
  {
    name: 'pipeline caching its processing step but not its training step',
    build: (s) => rawPipeline(s, 'P', trainingRequest(), { step: { CacheConfig: { Enabled: false } }, steps: [{ Name: 'Prepare', Type: 'Processing', Arguments: {}, ...CACHED }] }),
    expected: ['SML-CACHE warning P'],
  },
  {
    name: 'pipeline whose caching is a pipeline parameter (known at run time)',
    build: (s) => rawPipeline(s, 'P', trainingRequest(), { step: { CacheConfig: { Enabled: { Get: 'Parameters.Cache' }, ExpireAfter: 'P1D' } } }),
    expected: ['SML-CACHE[deploy-time] warning P'],
  },
  // SML-START-SMALL, SML-SILICON on a pipeline's instance-type parameter
  {
    name: 'pipeline whose executions may choose only the default type and smaller ones',
    build: (s) => { const p = instanceTypeParameter('ml.m5.xlarge', ['ml.m5.xlarge', 'ml.m5.large']); rawPipeline(s, 'P', p.request, { parameters: p.parameters }); },
    expected: [],
  },
  {
    name: 'pipeline whose executions may choose a larger type',
    build: (s) => { const p = instanceTypeParameter('ml.m5.large', ['ml.m5.large', 'ml.m5.4xlarge']); rawPipeline(s, 'P', p.request, { parameters: p.parameters }); },
    expected: ['SML-START-SMALL warning P'],
  },
  {
    name: 'pipeline whose executions may choose a previous-generation GPU type',
    build: (s) => { const p = instanceTypeParameter('ml.m5.large', ['ml.m5.large', 'ml.p3.2xlarge']); rawPipeline(s, 'P', p.request, { parameters: p.parameters }); },
    expected: ['SML-SILICON warning P', 'SML-START-SMALL warning P'],
  },
  {
    name: 'pipeline whose executions may choose any type (no EnumValues)',
    build: (s) => { const p = instanceTypeParameter('ml.m5.large'); rawPipeline(s, 'P', p.request, { parameters: p.parameters }); },
    expected: ['SML-START-SMALL warning P'],
  },
];

describe('SustainableMlChecks on notebooks, Studio and pipeline definitions', () => {
  test.each(NOTEBOOK_STUDIO_PIPELINE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const stack = new Stack(new App(), 'S');
    c.build(stack);
    expect(findings(stack)).toEqual(c.expected.map((e) => e.replace(/ (\S+)$/, ' S/$1')).sort());
  });

  test('findings name the API fields: the instance type, the parameter, the cache setting', () => {
    const described = (build: (s: Stack) => void) => {
      const stack = new Stack(new App(), 'S');
      build(stack);
      return new SustainableMlChecks().validateScope(stack).violations.map((v) => v.description);
    };
    expect(described((s) => notebook(s, 'Nb', autostopScript(), { instanceType: 'ml.m4.xlarge' }))).toEqual([
      expect.stringMatching(/^SML-SILICON: InstanceType 'ml\.m4\.xlarge' is a previous-generation type; use ml\.t3 or ml\.m5\/ml\.m6i\/ml\.m7i\. Why: .* Use SustainableNotebookInstance/),
    ]);
    expect(described((s) => notebook(s, 'Nb', autostopScript(), { instanceType: 'ml.t3.meduim' }))).toEqual([
      expect.stringMatching(/^SML-START-SMALL: InstanceType 'ml\.t3\.meduim': is not a SageMaker notebook instance type .*Fix: use one of ml\.t3\.medium, /),
    ]);
    expect(described((s) => notebook(s, 'Nb'))).toEqual([
      expect.stringMatching(/^SML-IDLE-NOTEBOOK: LifecycleConfigName is not set \(no lifecycle configuration\): the notebook instance runs \(and draws power\) until someone stops it\./),
    ]);
    expect(described((s) => rawPipeline(s, 'P', trainingRequest(), { step: {} }))).toEqual([
      expect.stringMatching(/^SML-CACHE: CacheConfig is off: every execution re-runs every step, even when nothing changed\. .*Use TrainingPipeline/),
    ]);
    const p = instanceTypeParameter('ml.m5.large', ['ml.m5.large', 'ml.g5.xlarge']);
    expect(described((s) => rawPipeline(s, 'P', p.request, { parameters: p.parameters }))).toEqual([
      expect.stringMatching(/^SML-START-SMALL: Parameters\[InstanceType\]\.EnumValues lets an execution choose ml\.g5\.xlarge, larger than or of another kind than the job's ml\.m5\.large/),
    ]);
  });
});

describe('SustainableMlChecks reports each finding with its own words and level', () => {
  test('two resources with different findings of one rule, one refused and one warned, are two violations', () => {
    const stack = new Stack(new App(), 'S');
    notebook(stack, 'Typo', autostopScript(), { instanceType: 'ml.t3.meduim' });
    notebook(stack, 'Big', autostopScript(), { instanceType: 'ml.g5.4xlarge' });
    notebook(stack, 'Big2', autostopScript(), { instanceType: 'ml.g5.4xlarge' });
    const violations = new SustainableMlChecks().validateScope(stack).violations
      .map((v) => ({ rule: v.ruleName, severity: v.severity, said: v.description.slice(0, 60), where: v.violatingResources.map((r) => r.constructPath) }));
    expect(violations).toEqual([
      { rule: 'SML-START-SMALL', severity: 'error', said: "SML-START-SMALL: InstanceType 'ml.t3.meduim': is not a SageM", where: ['S/Typo'] },
      { rule: 'SML-START-SMALL', severity: 'warning', said: "SML-START-SMALL: InstanceType 'ml.g5.4xlarge' is large or ac", where: ['S/Big', 'S/Big2'] },
    ]);
  });
});

describe('SustainableMlChecks on whole apps', () => {
  test('every finding says what is wrong, why (the Well-Architected ref) and the fix, naming the construct', () => {
    const stack = new Stack(new App(), 'S');
    rawStateMachine(stack, 'Sm', 'createTrainingJob', trainingRequest({ EnableManagedSpotTraining: false, CheckpointConfig: undefined }));
    const [v] = new SustainableMlChecks().validateScope(stack).violations;
    expect(v.ruleName).toBe('SML-SPOT');
    expect(v.description).toBe('SML-SPOT: spot is off: the job runs on on-demand capacity instead of spare capacity. '
      + 'Why: Spot capacity uses spare capacity that is already powered; a relaxed deadline (MaxWait) makes it safe. (MLSUS05-BP01, SUS02-BP02). '
      + 'Fix: Leave `spot` on; set `maxWait` to the deadline the team can accept. Use SustainableTrainingJob (spot on by default).');
  });

  test("SustainableTrainingJob's rules read in the API's terms on a raw job, naming the construct that fixes them", () => {
    const stack = new Stack(new App(), 'S');
    rawStateMachine(stack, 'Sm', 'createTrainingJob', trainingRequest({ Tags: undefined, ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 0, VolumeSizeInGB: 10 } }));
    const described = Object.fromEntries(new SustainableMlChecks().validateScope(stack).violations.map((v) => [v.ruleName, v.description]));
    expect(described['SML-START-SMALL']).toBe('SML-START-SMALL: ResourceConfig.InstanceCount 0: must be a whole number of at least 1. '
      + 'Why: Most experiments fit on a small instance; scale up only when utilisation shows the need. (SUS05-BP01). '
      + 'Fix: start with 1 instance and scale out only when utilisation shows the need. Keep the default instance or choose the smallest type and count the workload needs. '
      + 'Use SustainableNotebookInstance (ml.t3.medium by default) / TrainingPipeline (an execution may choose only the job\'s type and smaller ones) '
      + '/ SustainableTrainingJob (one ml.m5.large with a 30 GiB volume by default; multi-instance jobs encrypted).');
    expect(described['SML-SILICON']).toMatch(/^SML-SILICON: ResourceConfig.InstanceType 'ml.p3.2xlarge' is a previous-generation type \(p3\); current-generation types do more work per watt\. Why: /);
    expect(described['SML-GUARD']).toMatch(/^SML-GUARD: Tags\[sustainable-ml:guard\] is off: TrainingJobGuard will not stop this job when its accelerators idle, its objective stalls or it overfits\. Why: .* Use TrainingJobGuard, watching every SustainableTrainingJob \(tagged by default\)\.$/);
  });

  test('runs as a CDK validation plugin on the app: a finding fails synth, reported with its SML id', () => {
    const app = new App();
    new logs.CfnLogGroup(new Stack(app, 'S'), 'G', {});
    Validations.of(app).addPlugins(new SustainableMlChecks());
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).toThrow(/SML-LOGS: log group 'S\/G' keeps its logs forever/);
    } finally {
      write.mockRestore();
      log.mockRestore();
    }
  });

  test('an acknowledged finding is not reported', () => {
    const stack = new Stack(new App(), 'S');
    const g = new logs.CfnLogGroup(stack, 'G', {});
    Validations.of(g).acknowledge({ id: 'SML-LOGS', reason: 'audit logs are kept by policy' } as any);
    expect(findings(stack)).toEqual([]);
  });

  test('the example app passes with zero findings', () => {
    // The example bounds aws-cdk-lib's VPC default-security-group provider through the BoundedLogRetention Aspect;
    // the LogRetention provider bounds its own log group (1 day). Everything the library renders passes.
    const app = newTestApp();
    buildExampleApp(app);
    app.synth(); // aspects (StudioIdleShutdown) run at synth, before validation plugins
    expect(findings(app)).toEqual([]);
    // Not vacuous: the pack read every SageMaker request the library rendered, in state machines and pipelines.
    const read = app.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c)).map((c) => {
      const index = stackIndex(c);
      const d = c.cfnResourceType === 'AWS::StepFunctions::StateMachine' ? index.stateMachine(c)
        : c.cfnResourceType === 'AWS::SageMaker::Pipeline' ? index.pipeline(c) : undefined;
      return d && d !== 'in-s3' ? `${c.cfnResourceType} ${d.training.length} training, ${d.tuning.length} tuning` : undefined;
    }).filter((x) => x !== undefined);
    expect(read).toEqual([
      'AWS::StepFunctions::StateMachine 1 training, 0 tuning',
      'AWS::StepFunctions::StateMachine 1 training, 2 tuning',
      'AWS::SageMaker::Pipeline 2 training, 0 tuning',
      // the pipeline's CarbonAwareSchedule: waits for a low-carbon window, then StartPipelineExecution (no job of its own)
      'AWS::StepFunctions::StateMachine 0 training, 0 tuning',
    ]);
  });

  test('a deliberately wasteful app produces exactly the expected findings and nothing else', () => {
    const stack = new Stack(new App(), 'Wasteful');
    // on-demand training with aws-cdk-lib's own task
    cdkTrainingTask(stack, 'OnDemand');
    // grid search of 10 × 10 combinations with 10 parallel jobs and no early stopping, as raw ASL
    rawStateMachine(stack, 'Grid', 'createHyperParameterTuningJob', tuningRequest({
      Strategy: 'Grid', TrainingJobEarlyStoppingType: undefined, ParameterRanges: categorical(10, 10), ResourceLimits: { MaxNumberOfTrainingJobs: 100, MaxParallelTrainingJobs: 10 },
    }));
    // logs kept forever
    new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.INFINITE });
    // a previous-generation GPU notebook without a lifecycle configuration, with SageMaker's defaults for direct
    // internet and root access; a Studio domain without idle settings
    notebook(stack, 'Notebook', undefined, { instanceType: 'ml.p3.2xlarge', directInternetAccess: undefined, rootAccess: undefined });
    domain(stack, 'Studio', false);
    // a pipeline without step caching whose executions may choose any instance type
    rawPipeline(stack, 'Pipeline', trainingRequest({ ResourceConfig: { InstanceType: { Get: 'Parameters.InstanceType' }, InstanceCount: 1, VolumeSizeInGB: 10 } }), {
      step: {},
      parameters: [{ Name: 'InstanceType', Type: 'String', DefaultValue: 'ml.m5.large' }],
    });
    expect(findings(stack)).toEqual([
      'SML-CACHE warning Wasteful/Pipeline',
      'SML-GUARD warning Wasteful/OnDemand/Resource', // not watched by TrainingJobGuard (no guard tag)
      'SML-HPO-EARLYSTOP warning Wasteful/Grid',
      'SML-HPO-PARALLEL warning Wasteful/Grid',
      'SML-HPO-STRATEGY error Wasteful/Grid',
      // no lifecycle configuration; direct internet access and root access (SageMaker's defaults)
      'SML-IDLE-NOTEBOOK warning Wasteful/Notebook',
      'SML-IDLE-NOTEBOOK warning Wasteful/Notebook',
      'SML-IDLE-NOTEBOOK warning Wasteful/Notebook',
      'SML-IDLE-STUDIO warning Wasteful/Studio',
      'SML-LOGS warning Wasteful/Logs/Resource',
      'SML-SILICON warning Wasteful/Notebook',
      // aws-cdk-lib's task as it renders by default: on ml.m4.xlarge (previous generation), on-demand, unwatched
      'SML-SILICON warning Wasteful/OnDemand/Resource',
      'SML-SPOT warning Wasteful/OnDemand/Resource',
      // the notebook's accelerated type; the pipeline's InstanceType parameter without EnumValues
      'SML-START-SMALL warning Wasteful/Notebook',
      'SML-START-SMALL warning Wasteful/Pipeline',
    ].sort());
  });
});

test('every rule the pack can report names the construct of this library that fixes it', () => {
  const ruleSources = fs.readdirSync(path.join(__dirname, '../../lib/rules')).filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(__dirname, '../../lib/rules', f), 'utf8')).join('\n');
  const reported = new Set(allRules().filter((r) => {
    const constant = r.id.replace(/^SML-/, '').replace(/-/g, '_');
    return new RegExp(`(error|warning|unknown|refusal)\\((${constant}\\.id|'${r.id}')`).test(ruleSources);
  }).map((r) => r.id));
  expect(reported.size).toBeGreaterThan(15);
  reported.delete('SML-TIMESHIFT'); // its predicate judges CarbonAwareStart's options, which the pack does not read
  for (const id of reported) expect([id, describeFinding({ ruleId: id, level: 'warning', message: 'x' })]).toEqual([id, expect.stringMatching(/ Use \S.*\.$/)]);
});
