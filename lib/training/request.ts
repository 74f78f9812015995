/**
 * The one renderer: a resolved training-job definition → the SageMaker API request shape (PascalCase).
 * Step Functions tasks, SageMaker Pipelines steps and tuning-job definitions all place these objects into their
 * own envelopes; nothing else builds a request. Each function owns one top-level field and adds optional members
 * with conditional spreads, so no `undefined` key is ever emitted.
 */
import { MetricDefinition } from './objective';
import { RenderedChannel } from './inputs';
import { JobNaming } from './private/naming';

/** A debugger/profiler rule as resolved for rendering. */
export interface ResolvedRule {
  readonly name: string;
  readonly parameters: { [key: string]: string };
}

/** Everything the renderer needs, resolved by SustainableTrainingJob (tokens allowed in strings). */
export interface TrainingJobSpec {
  readonly jobNamePrefix: string;
  readonly roleArn: string;
  readonly imageUri: string;
  readonly metricDefinitions: MetricDefinition[];
  readonly channels: RenderedChannel[];
  readonly outputS3Uri: string;
  readonly outputKmsKeyId?: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly volumeKmsKeyId?: string;
  readonly maxRuntimeSeconds: number;
  readonly spot: boolean;
  readonly maxWaitSeconds?: number;
  readonly checkpointBaseUri?: string;
  readonly retryAttempts?: number;
  readonly hyperParameters: { [key: string]: string };
  readonly environment: { [key: string]: string };
  readonly tags: { Key: string; Value: string }[];
  readonly vpc?: { securityGroupIds: string[]; subnets: string[] };
  readonly networkIsolation: boolean;
  readonly interContainerEncryption: boolean;
  readonly debugOutputUri: string;
  readonly debugHookCollections: { CollectionName: string; CollectionParameters?: { [k: string]: string } }[];
  readonly debugRules: ResolvedRule[];
  readonly profilerRules: ResolvedRule[];
  readonly ruleEvaluatorImage?: string;
  readonly tensorBoard: boolean;
}

/** `AlgorithmSpecification`. */
export function renderAlgorithmSpecification(s: TrainingJobSpec) {
  return {
    AlgorithmSpecification: {
      TrainingImage: s.imageUri,
      TrainingInputMode: 'File',
      ...(s.metricDefinitions.length > 0 ? { MetricDefinitions: s.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex })) } : {}),
    },
  };
}

/** `InputDataConfig`. */
export function renderInputDataConfig(s: TrainingJobSpec) {
  return s.channels.length > 0 ? { InputDataConfig: s.channels } : {};
}

/** `OutputDataConfig`: model artifacts under `models/`, which never expire. */
export function renderOutputDataConfig(s: TrainingJobSpec) {
  return { OutputDataConfig: { S3OutputPath: s.outputS3Uri, ...(s.outputKmsKeyId ? { KmsKeyId: s.outputKmsKeyId } : {}) } };
}

/** `ResourceConfig`. */
export function renderResourceConfig(s: TrainingJobSpec) {
  return {
    ResourceConfig: {
      InstanceType: s.instanceType,
      InstanceCount: s.instanceCount,
      VolumeSizeInGB: s.volumeSizeGb,
      ...(s.volumeKmsKeyId ? { VolumeKmsKeyId: s.volumeKmsKeyId } : {}),
    },
  };
}

/** `StoppingCondition` (SML-MAXRUN). */
export function renderStoppingCondition(s: TrainingJobSpec) {
  return {
    StoppingCondition: {
      MaxRuntimeInSeconds: s.maxRuntimeSeconds,
      ...(s.spot && s.maxWaitSeconds !== undefined ? { MaxWaitTimeInSeconds: s.maxWaitSeconds } : {}),
    },
  };
}

/** `EnableManagedSpotTraining` and `CheckpointConfig` (SML-SPOT, SML-CKPT). */
export function renderSpotAndCheckpoints(s: TrainingJobSpec, naming: JobNaming) {
  return {
    EnableManagedSpotTraining: s.spot,
    ...(s.checkpointBaseUri ? { CheckpointConfig: { ...naming.perRun('S3Uri', s.checkpointBaseUri), LocalPath: '/opt/ml/checkpoints/' } } : {}),
  };
}

/** `RetryStrategy`. */
export function renderRetryStrategy(s: TrainingJobSpec) {
  return s.retryAttempts !== undefined ? { RetryStrategy: { MaximumRetryAttempts: s.retryAttempts } } : {};
}

/** `HyperParameters`. */
export function renderHyperParameters(s: TrainingJobSpec) {
  return Object.keys(s.hyperParameters).length > 0 ? { HyperParameters: s.hyperParameters } : {};
}

/** `VpcConfig`, `EnableNetworkIsolation`, `EnableInterContainerTrafficEncryption`. */
export function renderNetwork(s: TrainingJobSpec) {
  return {
    ...(s.vpc ? { VpcConfig: { SecurityGroupIds: s.vpc.securityGroupIds, Subnets: s.vpc.subnets } } : {}),
    EnableNetworkIsolation: s.networkIsolation,
    EnableInterContainerTrafficEncryption: s.interContainerEncryption,
  };
}

/**
 * Debugger hook, rules, profiler and TensorBoard: every scratch output path set explicitly under `debug/`, so
 * nothing scratch lands under `models/` (SML-ARTIFACTS).
 */
export function renderDebugger(s: TrainingJobSpec) {
  const rule = (r: ResolvedRule) => ({
    RuleConfigurationName: r.name,
    RuleEvaluatorImage: s.ruleEvaluatorImage!,
    S3OutputPath: s.debugOutputUri,
    RuleParameters: r.parameters,
  });
  return {
    ...(s.debugRules.length > 0
      ? {
        DebugHookConfig: {
          S3OutputPath: s.debugOutputUri,
          ...(s.debugHookCollections.length > 0 ? { CollectionConfigurations: s.debugHookCollections } : {}),
        },
        DebugRuleConfigurations: s.debugRules.map(rule),
      }
      : {}),
    ProfilerConfig: { S3OutputPath: s.debugOutputUri, DisableProfiler: s.profilerRules.length === 0 },
    ...(s.profilerRules.length > 0 ? { ProfilerRuleConfigurations: s.profilerRules.map(rule) } : {}),
    ...(s.tensorBoard ? { TensorBoardOutputConfig: { S3OutputPath: `${s.debugOutputUri}tensorboard/`, LocalPath: '/opt/ml/output/tensorboard' } } : {}),
  };
}

/** `Environment` and `Tags`. */
export function renderEnvironmentAndTags(s: TrainingJobSpec) {
  return {
    ...(Object.keys(s.environment).length > 0 ? { Environment: s.environment } : {}),
    ...(s.tags.length > 0 ? { Tags: s.tags } : {}),
  };
}

/** The whole CreateTrainingJob request. */
export function renderCreateTrainingJobRequest(s: TrainingJobSpec, naming: JobNaming): { [key: string]: any } {
  return {
    ...naming.jobName('TrainingJobName'),
    RoleArn: s.roleArn,
    ...renderAlgorithmSpecification(s),
    ...renderHyperParameters(s),
    ...renderInputDataConfig(s),
    ...renderOutputDataConfig(s),
    ...renderResourceConfig(s),
    ...renderStoppingCondition(s),
    ...renderSpotAndCheckpoints(s, naming),
    ...renderRetryStrategy(s),
    ...renderNetwork(s),
    ...renderDebugger(s),
    ...renderEnvironmentAndTags(s),
  };
}
