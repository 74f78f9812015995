import { publishFindings } from '../rules/apply';
import { trainingJobFindings } from '../rules/checks';
import { TRAINING_COMPILER_ENABLED } from '../rules/compile';
import { propTerms } from '../rules/rule';
import { Annotations, ArnFormat, Duration, Names, Size, Stack, Token } from 'aws-cdk-lib';
import { localInstanceStorageGB } from '../data';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TRAINING_JOBS_METRIC_NAMESPACE } from '../guard/guard-env';
import { GuardTags, GUARD_ENABLED } from '../guard/guard-tags';
import { acknowledgeWildcards, nagArn } from '../private/acknowledge';
import { refuse, warn } from '../private/messages';
import { checkPrefixFree, claimPrefix } from '../private/prefixes';
import { checkDuration, checkNumber, checkSize, durationIn, isKnownNumber, sizeInGibibytes, stringMap, typeName } from '../private/synth-value';
import { ArtifactPrefix, MlArtifactsBucket } from '../storage/artifacts-bucket';
import { SageMakerLogGroup } from '../storage/log-retention';
import { checkScratchExpiry } from '../storage/scratch-expiry';
import { DebuggerRule, DebuggerRuleKind, ruleEvaluatorImage } from './debugger';
import { TrainingImage } from './image';
import { checkImage } from './private/image-prop';
import { InitialModel, InputChannel, ITrainingJobOutput } from './inputs';
import { TrainingInstance } from './instance';
import { MetricDefinition, Objective } from './objective';
import { TRAINING_DEFAULTS } from './private/defaults';
import { JobNaming, literalNaming } from './private/naming';
import { grantJobKey, grantKeyViaS3, grantList } from './private/grants';
import { renderCreateTrainingJobRequest, TrainingJobSpec } from './request';

/** Job-name prefixes leave room for `-` and a 36-character UUID within the 63-character limit. */
const MAX_PREFIX_LENGTH = 26;
/** SageMaker tag values (API model TagValue): at most 256 of these characters. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** Properties of a `SustainableTrainingJob`. */
export interface SustainableTrainingJobProps {
  /** The training container. */
  readonly image: TrainingImage;
  /**
   * Instance type (SML-START-SMALL). Previous-generation types warn (SML-SILICON). Must be known at synth (the
   * defaults are chosen by its accelerator and generation). Plain-JavaScript callers may pass the API name as a
   * string (`'ml.g5.xlarge'`): it is converted with `TrainingInstance.of`.
   * @default TrainingInstance.M5_LARGE
   */
  readonly instanceType?: TrainingInstance;
  /**
   * Number of instances (SML-START-SMALL). Multi-instance jobs get inter-container traffic encryption.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * ML storage volume per instance (SML-START-SMALL). FastFile input streams data, so the volume need not hold it.
   * A deploy-time value (token) must be in GiB: `Size.gibibytes(param.valueAsNumber)`.
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;
  /**
   * Input channels.
   * @default - none
   */
  readonly inputs?: InputChannel[];
  /**
   * A model to start from, mounted as the `model` channel (SML-REUSE).
   * @default - train from scratch
   */
  readonly initialModel?: InitialModel;
  /**
   * The metric the job is judged by (SML-ACCEPT); used by tuning, the acceptance gate and the guard.
   * @default - no objective
   */
  readonly objective?: Objective;
  /**
   * More metrics to read from the log.
   * @default - only the objective's
   */
  readonly metricDefinitions?: MetricDefinition[];
  /**
   * Static hyperparameters (strings, as the API requires). Numbers and booleans, which plain-JavaScript callers may
   * pass, are converted to their text (`200` → `'200'`); other values are refused.
   * @default - none
   */
  readonly hyperparameters?: { [name: string]: string };
  /**
   * Environment variables of the container (strings; numbers and booleans are converted as for `hyperparameters`).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * Managed spot training (SML-SPOT). Turning it off warns.
   * @default true
   */
  readonly spot?: boolean;
  /**
   * The longest the job may run, all retries included (SML-MAXRUN); at most 28 days. A deploy-time value (token)
   * must be in seconds (`Duration.seconds(param.valueAsNumber)`); with spot on, give `maxWait` as well, since its
   * default (2 × maxRuntime) cannot be computed from a token.
   * @default Duration.hours(8)
   */
  readonly maxRuntime?: Duration;
  /**
   * With spot: the longest the job may wait for capacity plus run (SML-MAXRUN); at least `maxRuntime`. A
   * deploy-time value (token) must be in seconds.
   * @default - 2 × maxRuntime
   */
  readonly maxWait?: Duration;
  /**
   * Write checkpoints to the bucket's `checkpoints/<run>/` prefix (SML-CKPT).
   * @default - true when spot is on
   */
  readonly checkpointing?: boolean;
  /**
   * Retries after an InternalServerError (1–30; spot interruptions are resumed by managed spot itself); MaxRuntime
   * and MaxWait cover all attempts together.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * SageMaker Debugger built-in rules, for accounts that still have Debugger (SML-GUARD).
   * @default - none (TrainingJobGuard watches jobs without Debugger)
   */
  readonly debuggerRules?: DebuggerRule[];
  /**
   * Enable SageMaker Training Compiler (SML-COMPILE). Supported only on ml.p3, ml.p3dn, ml.g4dn, ml.p4d and
   * ml.g5 with a Training Compiler image; AWS no longer releases new versions of it.
   * @default false
   */
  readonly trainingCompiler?: boolean;
  /**
   * Write TensorBoard output (to the scratch `debug/` prefix).
   * @default false
   */
  readonly tensorBoard?: boolean;
  /**
   * Tag the job so TrainingJobGuard watches it (SML-GUARD). Turning it off warns.
   * @default true
   */
  readonly guard?: boolean;
  /**
   * The artifacts bucket (models, checkpoints, debug output).
   * @default - a new MlArtifactsBucket, unless `bucket` is given
   */
  readonly artifactsBucket?: MlArtifactsBucket;
  /**
   * Bring your own bucket instead of an MlArtifactsBucket: the same prefixes are used. When the bucket is defined in
   * the app, its lifecycle rules are read at synth and SML-ARTIFACTS warns only if a scratch prefix (`checkpoints/`,
   * `debug/`, `tmp/`) does not expire or `models/` does; a bucket from outside the app cannot be read and warns.
   * @default - see `artifactsBucket`
   */
  readonly bucket?: s3.IBucket;
  /**
   * KMS key for the ML storage volume and the model output (and the artifacts bucket this job creates). The role gets
   * what SageMaker documents for it: kms:CreateGrant only for AWS resources (volume), kms:Encrypt (output), and
   * kms:GenerateDataKey and kms:Decrypt only through S3 (SSE-KMS objects). The key policy must let IAM policies of
   * the account grant it (the default key policy does).
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Execution role. Bring your own, or get a least-privilege role (bucket prefixes, image pull, logs, metrics).
   * @default - a new role
   */
  readonly role?: iam.IRole;
  /**
   * VPC to run the job in.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the VPC.
   * @default - the VPC's private subnets (isolated ones when it has no private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups in the VPC. With several instances they must allow traffic between the job's instances (all
   * traffic from the group itself; UDP 500 and ESP for inter-container encryption): bringing your own warns
   * (SML-START-SMALL), since the rules cannot be checked at synth.
   * @default - a new security group: all outbound; inbound only from itself, and only when instanceCount > 1
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Network isolation: the container makes no outbound calls.
   * @default false
   */
  readonly networkIsolation?: boolean;
  /**
   * Encrypt traffic between instances of a multi-instance job.
   * @default - true when instanceCount > 1
   */
  readonly interContainerEncryption?: boolean;
  /**
   * Job-name prefix (≤ 26 characters, letters, digits and hyphens, known at synth); each run appends a unique
   * suffix. It identifies this definition's runs, so two training jobs in one app must not share it (SML-MANAGED;
   * stacks with different explicit accounts or regions each have their own).
   * @default - derived from the construct path
   */
  readonly jobNamePrefix?: string;
  /**
   * Tags on every job (string values; numbers and booleans are converted as for `hyperparameters`).
   * @default - only the guard and objective tags
   */
  readonly tags?: { [key: string]: string };
}

/** Options of `renderRequest`. */
export interface RenderRequestOptions {
  /**
   * The training job name.
   * @default - `<jobNamePrefix>-example`
   */
  readonly trainingJobName?: string;
}

/**
 * One SageMaker training job, defined once with sustainable defaults (SML-START-SMALL, SML-SPOT, SML-CKPT,
 * SML-MAXRUN, SML-ARTIFACTS, SML-GUARD) and rendered to the CreateTrainingJob request shape by `renderRequest()`.
 * Orchestrators (TrainingWorkflow, TrainingPipeline, SustainableTuningJob) place that rendering in their envelope.
 */
export class SustainableTrainingJob extends Construct implements ITrainingJobOutput, iam.IGrantable {
  /** The execution role. */
  public readonly role: iam.IRole;
  /** The principal of the execution role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The bucket for models, checkpoints and debug output. */
  public readonly outputBucket: s3.IBucket;
  /** The artifacts bucket, when an MlArtifactsBucket is used. */
  public readonly artifactsBucket?: MlArtifactsBucket;
  /** Key prefix of model output. */
  public readonly outputPrefix = ArtifactPrefix.MODELS;
  /** Instance type. */
  public readonly instanceType: TrainingInstance;
  /** Instance count. */
  public readonly instanceCount: number;
  /** Max runtime, all attempts together. */
  public readonly maxRuntime: Duration;
  /** Max wait (spot only). */
  public readonly maxWait?: Duration;
  /** Spot on. */
  public readonly spot: boolean;
  /** Objective, if any. */
  public readonly objective?: Objective;
  /** Job-name prefix. */
  public readonly jobNamePrefix: string;
  /** Debugger rules. */
  public readonly debuggerRules: DebuggerRule[];
  /** The security groups, when the job runs in a VPC. */
  public readonly connections?: ec2.Connections;
  /** Rule ids of the defaults and checks applied to this job (named in the orchestrators' comments and descriptions). */
  public readonly appliedRules: string[] = [];

  private readonly spec: TrainingJobSpec;

  constructor(scope: Construct, id: string, props: SustainableTrainingJobProps) {
    super(scope, id);
    const applied = (ruleId: string) => {
      if (!this.appliedRules.includes(ruleId)) this.appliedRules.push(ruleId);
    };

    // --- what a plain-JavaScript caller may get wrong: named, with the type expected ---------------------------
    if (typeof props !== 'object' || props === null) {
      refuse('SML-MANAGED', { prop: 'props', value: props, problem: 'are required (at least image)', fix: "pass { image: TrainingImage.fromUri('…') }" });
    }
    checkImage(props.image);

    // --- names -------------------------------------------------------------------------------------------
    this.jobNamePrefix = props.jobNamePrefix ?? defaultPrefix(this);
    checkPrefix(this.jobNamePrefix);
    checkPrefixFree('training', this, this.jobNamePrefix, props.jobNamePrefix === undefined ? 'derived from the construct path' : undefined,
      'each run\'s checkpoints, the orchestrators\' permissions and the Debugger stop action would cover both',
      'give each training job its own jobNamePrefix (≤ 26 characters), e.g. churn-xgb and churn-linear');

    // --- instance (SML-START-SMALL, SML-SILICON) ---------------------------------------------------------------
    this.instanceType = TrainingInstance._fromProp('instanceType', props.instanceType) ?? TrainingInstance.of(TRAINING_DEFAULTS.instanceTypeName);
    this.instanceCount = checkNumber('SML-START-SMALL', 'instanceCount', props.instanceCount) ?? TRAINING_DEFAULTS.instanceCount;
    applied('SML-START-SMALL');
    applied('SML-SILICON');
    const volume = checkSize('SML-START-SMALL', 'volumeSize', props.volumeSize) ?? TRAINING_DEFAULTS.volumeSize;
    const volumeGb = sizeInGibibytes(volume, 'SML-START-SMALL', 'volumeSize');

    // --- time limits (SML-MAXRUN, SML-SPOT) ----------------------------------------------------------------
    this.spot = props.spot ?? true;
    this.maxRuntime = checkDuration('SML-MAXRUN', 'maxRuntime', props.maxRuntime) ?? TRAINING_DEFAULTS.maxRuntime;
    const maxRuntimeS = durationIn(this.maxRuntime, 'seconds', 'SML-MAXRUN', 'maxRuntime');
    applied('SML-MAXRUN');
    const maxWait = checkDuration('SML-MAXRUN', 'maxWait', props.maxWait);
    let maxWaitS: number | undefined;
    if (!this.spot) {
      if (maxWait) {
        refuse('SML-SPOT', {
          prop: 'maxWait',
          value: maxWait,
          problem: 'only applies to managed spot training, and spot is off',
          fix: 'remove maxWait, or leave spot on',
        });
      }
    } else {
      applied('SML-SPOT');
      if (!maxWait && !isKnownNumber(maxRuntimeS)) {
        refuse('SML-MAXRUN', {
          prop: 'maxWait',
          value: undefined,
          problem: 'must be given when maxRuntime is a deploy-time value: its default, 2 × maxRuntime, cannot be computed at synth, and with spot the API requires MaxWaitTimeInSeconds ≥ MaxRuntimeInSeconds',
          fix: 'pass maxWait as well (e.g. Duration.seconds(maxWaitParameter.valueAsNumber)), or give maxRuntime as a literal',
        });
      }
      this.maxWait = maxWait ?? Duration.seconds(maxRuntimeS * TRAINING_DEFAULTS.maxWaitFactor);
      maxWaitS = durationIn(this.maxWait, 'seconds', 'SML-MAXRUN', 'maxWait');
    }
    const retryAttempts = checkNumber('SML-MAXRUN', 'retryAttempts', props.retryAttempts) ?? TRAINING_DEFAULTS.retryAttempts;

    // --- storage (SML-ARTIFACTS, SML-CKPT) ---------------------------------------------------------------
    if (props.artifactsBucket && props.bucket) {
      refuse('SML-ARTIFACTS', {
        prop: 'bucket',
        value: props.bucket.node.path,
        problem: 'cannot be given together with artifactsBucket',
        fix: 'pass one of them',
      });
    }
    if (props.bucket) {
      this.outputBucket = props.bucket;
      // Read the bucket's lifecycle rules once the app is complete: rules may be added after this job.
      const bucket = props.bucket;
      this.node.addValidation({ validate: () => { checkScratchExpiry(this, 'bucket', bucket); return []; } });
    } else {
      this.artifactsBucket = props.artifactsBucket ?? new MlArtifactsBucket(this, 'Artifacts', { encryptionKey: props.encryptionKey });
      this.outputBucket = this.artifactsBucket.bucket;
    }
    applied('SML-ARTIFACTS');
    const checkpointing = props.checkpointing ?? this.spot;
    if (checkpointing) applied('SML-CKPT');

    // --- objective (SML-ACCEPT) ----------------------------------------------------------------------------
    this.objective = props.objective;
    if (this.objective) applied('SML-ACCEPT');
    const metricDefinitions = [...(this.objective?.metricDefinitions() ?? []), ...(props.metricDefinitions ?? [])];

    // --- network --------------------------------------------------------------------------------------------
    const networkIsolation = props.networkIsolation ?? false;
    let vpcSpec: TrainingJobSpec['vpc'];
    if (props.vpc) {
      // Distributed training needs traffic between the job's own instances; with one instance nothing comes in.
      const distributed = Token.isUnresolved(this.instanceCount) || this.instanceCount > 1;
      let sgs: ec2.ISecurityGroup[];
      if (props.securityGroups) {
        sgs = props.securityGroups;
        if (distributed) {
          warn(this, 'SML-START-SMALL', `securityGroups are your own and instanceCount is ${Token.isUnresolved(this.instanceCount) ? 'a deploy-time value' : this.instanceCount}: SageMaker needs traffic between the job's instances, which cannot be checked at synth. Allow all traffic from the group itself inbound (distributed training) and UDP 500 and ESP (IP protocol 50) inbound and outbound within the group (inter-container traffic encryption)`);
        }
      } else {
        const sg = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, allowAllOutbound: true, description: `Training job ${this.jobNamePrefix}` });
        if (distributed) allowBetweenInstances(sg);
        sgs = [sg];
      }
      this.connections = new ec2.Connections({ securityGroups: sgs });
      const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? {});
      vpcSpec = { securityGroupIds: sgs.map((sg) => sg.securityGroupId), subnets: subnets.subnetIds };
    } else if (props.securityGroups || props.vpcSubnets) {
      refuse('SML-MANAGED', {
        prop: props.securityGroups ? 'securityGroups' : 'vpcSubnets',
        value: 'given',
        problem: 'needs a vpc',
        fix: 'pass vpc as well',
      });
    }
    // A deploy-time instance count may be more than one: encrypt (with one instance there is no traffic to encrypt).
    const multiInstance = !isKnownNumber(this.instanceCount) || this.instanceCount > 1;
    const interContainerEncryption = props.interContainerEncryption ?? multiInstance;

    // --- Debugger (SML-GUARD) -------------------------------------------------------------------------------------
    this.debuggerRules = props.debuggerRules ?? [];
    const debugRules = this.debuggerRules.filter((r) => r.kind === DebuggerRuleKind.DEBUG);
    const profilerRules = this.debuggerRules.filter((r) => r.kind === DebuggerRuleKind.PROFILER);
    const guard = props.guard ?? true;
    if (guard) applied('SML-GUARD');

    // --- Training Compiler (SML-COMPILE) ---------------------------------------------------------------------------
    const hyperParameters = { ...(stringMap('SML-MANAGED', 'hyperparameters', props.hyperparameters) ?? {}) };
    if (props.trainingCompiler) {
      hyperParameters[TRAINING_COMPILER_ENABLED] = 'true';
      hyperParameters.sagemaker_training_compiler_debug_mode = 'false';
      applied('SML-COMPILE');
    }

    const environment = stringMap('SML-MANAGED', 'environment', props.environment) ?? {};

    // --- channels (SML-REUSE) --------------------------------------------------------------------------------------
    const inputs = props.inputs ?? [];
    // props, not the request: the request cannot tell the initial model's channel from an input named `model`
    if (props.initialModel && inputs.some((c) => c.name === InitialModel.CHANNEL_NAME)) {
      refuse('SML-REUSE', {
        prop: 'inputs',
        value: InitialModel.CHANNEL_NAME,
        problem: 'is reserved for initialModel',
        fix: 'rename the input channel',
      });
    }
    if (props.initialModel) applied('SML-REUSE');

    // --- role ----------------------------------------------------------------------------------------------------------------
    this.role = props.role ?? this.createRole(!!props.vpc);
    this.grantPrincipal = this.role.grantPrincipal;
    const image = props.image.bind(this, { role: this.role, instanceType: this.instanceType });
    const channels = [
      ...inputs.map((c) => c._bind(this.role)),
      ...(props.initialModel ? [props.initialModel._bind(this.role)] : []),
    ];
    this.grantBucket(checkpointing);
    if (props.encryptionKey) grantJobKey(this.role, props.encryptionKey, this);
    if (this.debuggerRules.some((r) => r.stopsTraining)) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sagemaker:StopTrainingJob'],
        resources: [Stack.of(this).formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${this.jobNamePrefix.toLowerCase()}-*` })],
      }));
    }

    // --- tags ------------------------------------------------------------------------------------------------------------------
    const tags: { Key: string; Value: string }[] = [];
    if (guard) {
      tags.push({ Key: GuardTags.GUARD, Value: GUARD_ENABLED });
      if (this.objective) {
        const names = [this.objective.metricName, ...(this.objective.trainingMetric ? [this.objective.trainingMetric.name] : [])];
        // Stays here: the request cannot show which metric is the objective, and this decides which tags to render.
        const untaggable = names.filter((n) => !TAG_VALUE.test(n));
        if (untaggable.length > 0) {
          warn(this, 'SML-GUARD', `metric name(s) ${untaggable.map((n) => `'${n}'`).join(', ')} cannot be tag values (letters, digits, spaces and _ . : / = + - @ only, ≤ 256): TrainingJobGuard will not watch this job's objective for stalls or overfitting`);
        } else {
          tags.push({ Key: GuardTags.OBJECTIVE_METRIC, Value: this.objective.metricName });
          tags.push({ Key: GuardTags.OBJECTIVE_DIRECTION, Value: this.objective.direction });
          if (this.objective.trainingMetric) tags.push({ Key: GuardTags.TRAIN_METRIC, Value: this.objective.trainingMetric.name });
        }
      }
    }
    for (const [Key, Value] of Object.entries(stringMap('SML-MANAGED', 'tags', props.tags) ?? {})) tags.push({ Key, Value });

    // Types with local NVMe storage: SageMaker mounts it instead of an EBS volume, encrypts it with a hardware module
    // and refuses a VolumeKmsKeyId (CreateTrainingJob API reference, ResourceConfig.VolumeKmsKeyId).
    const localStorage = localInstanceStorageGB(this.instanceType.name);
    if (localStorage && props.encryptionKey) {
      Annotations.of(this).addInfo(`encryptionKey: ${this.instanceType.name} has ${localStorage} GB of local NVMe instance storage, which SageMaker encrypts with a hardware module on the instance and for which the API takes no VolumeKmsKeyId; the key encrypts the model output`);
    }
    const debugUri = `s3://${this.outputBucket.bucketName}/${ArtifactPrefix.DEBUG}`;
    this.spec = {
      jobNamePrefix: this.jobNamePrefix,
      roleArn: this.role.roleArn,
      imageUri: image.imageUri,
      metricDefinitions,
      channels,
      outputS3Uri: `s3://${this.outputBucket.bucketName}/${ArtifactPrefix.MODELS}`,
      outputKmsKeyId: props.encryptionKey?.keyArn,
      instanceType: this.instanceType.name,
      instanceCount: this.instanceCount,
      volumeSizeGb: volumeGb,
      volumeKmsKeyId: localStorage ? undefined : props.encryptionKey?.keyArn,
      maxRuntimeSeconds: maxRuntimeS,
      spot: this.spot,
      maxWaitSeconds: maxWaitS,
      checkpointBaseUri: checkpointing ? `s3://${this.outputBucket.bucketName}/${ArtifactPrefix.CHECKPOINTS}${this.jobNamePrefix}/` : undefined,
      retryAttempts,
      hyperParameters,
      environment,
      tags,
      vpc: vpcSpec,
      networkIsolation,
      interContainerEncryption,
      debugOutputUri: debugUri,
      debugHookCollections: dedupeCollections(debugRules.flatMap((r) => r._defaultCollections())),
      debugRules: debugRules.map((r) => ({ name: r.name, parameters: r._ruleParameters(this.jobNamePrefix) })),
      profilerRules: profilerRules.map((r) => ({ name: r.name, parameters: r._ruleParameters(this.jobNamePrefix) })),
      ruleEvaluatorImage: this.debuggerRules.length > 0 ? ruleEvaluatorImage(this) : undefined,
      tensorBoard: props.tensorBoard ?? false,
    };
    if (!props.role) this.acknowledgeRoleWildcards();

    // --- the rules, on the request this definition renders (the predicates SustainableMlChecks runs on any app) ---
    publishFindings(this, trainingJobFindings(this.renderRequest(), propTerms({
      'StoppingCondition.MaxRuntimeInSeconds': { prop: 'maxRuntime', value: this.maxRuntime },
      'StoppingCondition.MaxWaitTimeInSeconds': { prop: 'maxWait', value: this.maxWait },
      'RetryStrategy.MaximumRetryAttempts': 'retryAttempts',
      'CheckpointConfig.S3Uri:Expiration': 'artifactsBucket.checkpointExpiration',
      'ResourceConfig.InstanceCount': 'instanceCount',
      'ResourceConfig.InstanceType': 'instanceType',
      'ResourceConfig.VolumeSizeInGB': { prop: 'volumeSize', value: volume.toString() },
      'EnableInterContainerTrafficEncryption': 'interContainerEncryption',
      'AlgorithmSpecification.MetricDefinitions': 'metricDefinitions',
      ...Object.fromEntries((props.metricDefinitions ?? []).map((m) => [`AlgorithmSpecification.MetricDefinitions[${m.name}].Regex`, `metricDefinitions[${m.name}].regex`])),
      'DebugRuleConfigurations': 'debuggerRules',
      'ProfilerRuleConfigurations': 'debuggerRules',
      ...Object.fromEntries(this.debuggerRules.filter((r) => r.stopsTraining).map((r) => [
        `DebugRuleConfigurations[${r.name}].RuleParameters.action_json`, { prop: `debuggerRules[${r.name}].stopTraining`, value: true },
      ])),
      [`Tags[${GuardTags.GUARD}]`]: 'guard',
      [`HyperParameters[${TRAINING_COMPILER_ENABLED}]`]: props.trainingCompiler ? { prop: 'trainingCompiler', value: true } : `hyperparameters[${JSON.stringify(TRAINING_COMPILER_ENABLED)}]`,
      'HyperParameters': 'hyperparameters',
      'Environment': 'environment',
      'InputDataConfig': 'inputs',
    }), { checkpointExpiration: this.artifactsBucket?.checkpointExpiration }));
    claimPrefix('training', this, this.jobNamePrefix);
  }

  /** The CreateTrainingJob request (PascalCase; tokens allowed), with a literal job name. */
  public renderRequest(options: RenderRequestOptions = {}): { [key: string]: any } {
    const name = options.trainingJobName ?? `${this.jobNamePrefix}-example`;
    return this.renderWith(literalNaming(name));
  }

  /**
   * The CreateTrainingJob request with the job name and per-run paths in an orchestrator's own terms.
   * For orchestrators in this library; not a stable API.
   * @internal
   */
  public _renderWith(naming: JobNaming): { [key: string]: any } {
    return this.renderWith(naming);
  }

  /**
   * The resolved definition, for renderers that build other request shapes (tuning job definitions).
   * @internal
   */
  public get _spec(): TrainingJobSpec {
    return this.spec;
  }

  private renderWith(naming: JobNaming) {
    return renderCreateTrainingJobRequest(this.spec, naming);
  }

  private createRole(inVpc: boolean): iam.IRole {
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Execution role of training jobs ${this.jobNamePrefix}*`,
    });
    const stack = Stack.of(this);
    // The log actions of "CreateTrainingJob API: Execution Role Permissions" (SageMaker Developer Guide,
    // sagemaker-roles.html), on the one group SageMaker writes training logs to, in the resource forms CloudWatch Logs
    // authorizes: log-group actions on `log-group:NAME:*`, stream actions on `log-group:NAME:log-stream:*` (Amazon
    // CloudWatch Logs User Guide, iam-access-control-overview-cwl.html; Service Authorization Reference for logs).
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: SageMakerLogGroup.TRAINING_JOBS.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
      resources: [`${logGroupArn}:*`],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${logGroupArn}:log-stream:*`],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': TRAINING_JOBS_METRIC_NAMESPACE } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    if (inVpc) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
          'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
          'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        ],
        resources: ['*'],
      }));
    }
    return role;
  }

  /** Acknowledge the wildcards the job role needs (after every grant of the constructor). */
  private acknowledgeRoleWildcards(): void {
    acknowledgeWildcards(this.role, [
      { finding: /^Resource::\*$/, reason: 'ecr:GetAuthorizationToken, cloudwatch:PutMetricData (conditioned on the /aws/sagemaker/TrainingJobs namespace) and the VPC network-interface actions support no resource-level permissions.' },
      { finding: new RegExp(`^Resource::${nagArn('logs', 'log-group:/aws/sagemaker/TrainingJobs:log-stream:\\*')}$`), reason: 'SageMaker names one log stream per job and host at run time.' },
      { finding: new RegExp(`^Resource::${nagArn('logs', 'log-group:/aws/sagemaker/TrainingJobs:\\*')}$`), reason: 'The one training log group, named exactly; \':*\' is the ARN form CloudWatch Logs authorizes log-group actions on (CreateLogGroup, DescribeLogStreams).' },
      { finding: /^Resource::<[^>]+\.Arn>\/(models|debug|checkpoints\/[a-z0-9-]+)\/\*$/, reason: 'SageMaker writes objects named at run time under the job\'s fixed bucket prefixes (models/, debug/, checkpoints/<prefix>/) and nowhere else.' },
      { finding: /^Resource::<[^>]+\.Arn>\/.+\*$/, reason: 'Read access to the objects under an input channel\'s prefix, named by the dataset.' },
      { finding: new RegExp(`^Resource::${nagArn('sagemaker', 'training-job/[a-z0-9-]+-\\*')}$`), reason: 'The Debugger StopTraining action may stop only this definition\'s own jobs (<prefix>*).' },
    ]);
  }

  private grantBucket(checkpointing: boolean): void {
    const b = this.outputBucket;
    const objects = (prefix: string) => b.arnForObjects(`${prefix}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [objects(ArtifactPrefix.MODELS), objects(ArtifactPrefix.DEBUG)],
    }));
    const prefixes = [ArtifactPrefix.DEBUG];
    if (checkpointing) {
      const ckpt = `${ArtifactPrefix.CHECKPOINTS}${this.jobNamePrefix}/`;
      prefixes.push(ckpt);
      // SageMaker syncs checkpoints both ways and mirrors deletions made in the container.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [objects(ckpt)],
      }));
    }
    grantList(this.role, b, prefixes.map((p) => `${p}*`));
    // SSE-KMS bucket: S3 encrypts what the job writes (models/, debug/, checkpoints/) and decrypts checkpoints it reads.
    const key = this.artifactsBucket?.encryptionKey ?? b.encryptionKey;
    if (key) grantKeyViaS3(this.role, key, b, ['kms:GenerateDataKey', 'kms:Decrypt']);
  }
}

/**
 * Self-referencing rules for the instances of one distributed job. "In distributed training, you must allow
 * communication between the different containers in the same training job … configure a rule for your security group
 * that allows inbound connections between members of the same security group" (SageMaker Developer Guide, "Give
 * SageMaker Training Jobs Access to Resources in Your Amazon VPC", train-vpc.html, "Configure the VPC Security Group").
 * Inter-container traffic encryption (on for multi-instance jobs) uses UDP 500 and ESP, IP protocol 50, inbound and
 * outbound from the group itself ("Protect Communications Between ML Compute Instances in a Distributed Training Job",
 * train-encrypt.html): named as rules of their own although all traffic covers them, so a reviewer sees them. Outbound
 * is all traffic already (allowAllOutbound).
 */
function allowBetweenInstances(sg: ec2.SecurityGroup): void {
  sg.addIngressRule(sg, ec2.Port.allTraffic(), 'Distributed training: traffic between the instances of the job (SageMaker train-vpc)');
  sg.addIngressRule(sg, ec2.Port.udp(500), 'Inter-container traffic encryption: IKE, UDP 500 (SageMaker train-encrypt)');
  sg.addIngressRule(sg, ec2.Port.esp(), 'Inter-container traffic encryption: ESP, IP protocol 50 (SageMaker train-encrypt)');
}

function defaultPrefix(scope: Construct): string {
  const raw = Names.uniqueResourceName(scope, { maxLength: MAX_PREFIX_LENGTH, separator: '-' }).toLowerCase();
  const cleaned = raw.replace(/[^a-z0-9-]/g, '').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  return cleaned.slice(0, MAX_PREFIX_LENGTH).replace(/-+$/, '') || 'training';
}

function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string') {
    refuse('SML-MANAGED', { prop: 'jobNamePrefix', value: prefix, problem: `must be a string, and it is ${typeName(prefix)}`, fix: "use a short name such as 'churn-xgb'" });
  }
  if (Token.isUnresolved(prefix)) {
    refuse('SML-MANAGED', {
      prop: 'jobNamePrefix',
      value: prefix,
      problem: 'must be known at synth time: it names every run and scopes the IAM permissions of the orchestrators',
      fix: 'pass a literal string such as churn-xgb',
    });
  }
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(prefix) || prefix.length > MAX_PREFIX_LENGTH) {
    refuse('SML-MANAGED', {
      prop: 'jobNamePrefix',
      value: prefix,
      problem: `must be 1–${MAX_PREFIX_LENGTH} letters, digits and inner hyphens, so that each run can append a unique 37-character suffix within the 63-character job-name limit`,
      fix: 'use a short name such as churn-xgb',
    });
  }
}

function dedupeCollections(cs: { CollectionName: string; CollectionParameters?: { [k: string]: string } }[]) {
  const seen = new Map<string, (typeof cs)[number]>();
  for (const c of cs) if (!seen.has(c.CollectionName)) seen.set(c.CollectionName, c);
  return [...seen.values()];
}
