import { Aspects, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct, IConstruct } from 'constructs';
import { SustainableMlChecks } from '../checks/sustainable-ml-checks';
import { TrainingJobGuard, TrainingJobGuardProps } from '../guard/training-job-guard';
import { NotebookIdleShutdown } from '../idle/notebook-idle-shutdown';
import { StudioIdleShutdown, StudioIdleShutdownProps } from '../idle/studio-idle-shutdown';
import { TrainingEfficiencyDashboard } from '../monitoring/dashboard';
import { TrainingWorkflow, TrainingWorkflowOptions } from '../orchestration/workflow';
import { refuse, warn } from '../private/messages';
import { MlArtifactsBucket } from '../storage/artifacts-bucket';
import { SageMakerLogRetention } from '../storage/log-retention';
import { BoundedLogRetention } from '../storage/bounded-log-retention';
import { SustainableTrainingJob, SustainableTrainingJobProps } from '../training/training-job';
import { SustainableTuningJob, SustainableTuningJobOptions } from '../tuning/tuning-job';

/** Properties of a `SustainableMlPlatform`. Every part is on by default; each can be brought or turned off. */
export interface SustainableMlPlatformProps {
  /**
   * The artifacts bucket the platform's training jobs write to (models never expire, scratch prefixes do:
   * SML-ARTIFACTS). Not with `bucket`.
   * @default - a new MlArtifactsBucket (encrypted with `encryptionKey` when given), unless `bucket` is given
   */
  readonly artifactsBucket?: MlArtifactsBucket;
  /**
   * Bring a plain bucket instead of an MlArtifactsBucket: the jobs use the same prefixes, and each job warns
   * (SML-ARTIFACTS) when the bucket's lifecycle does not expire the scratch prefixes. Not with `artifactsBucket`.
   * @default - see `artifactsBucket`
   */
  readonly bucket?: s3.IBucket;
  /**
   * KMS key of the artifacts bucket the platform creates and of every training job's volume and model output
   * (unless a job brings its own).
   * @default - S3-managed encryption for the bucket, AWS-managed encryption for the jobs
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * VPC the platform's training jobs run in (unless a job brings its own).
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` for the training jobs.
   * @default - the VPC's private subnets (isolated ones when it has no private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Retention of every log group the platform creates or bounds: SageMaker's own groups, the guard's and each
   * workflow's execution log (SML-LOGS). `RetentionDays.INFINITE` is refused.
   * @default - the app's context `cdk-sustainable-ml:logRetention` when set, else logs.RetentionDays.ONE_MONTH (DEFAULT_LOG_RETENTION)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Bound the log groups SageMaker creates itself (`SageMakerLogRetention`, SML-LOGS). These groups are per account
   * and region: turn it off in every platform stack of an account and region but one. Turning it off warns.
   * @default true
   */
  readonly sageMakerLogRetention?: boolean;
  /**
   * A `TrainingJobGuard` that stops idle, stalled or overfitting training jobs (SML-GUARD). One guard sweeps every
   * tagged job of its account and region. Turning it off warns.
   * @default true
   */
  readonly guard?: boolean;
  /**
   * Settings of the guard (its schedule, thresholds, VPC, alarm topic, …). Not with `guard: false`.
   * @default - TrainingJobGuard's defaults, with the platform's `logRetention`
   */
  readonly guardOptions?: TrainingJobGuardProps;
  /**
   * Bound every log group of the enclosing app or stage that keeps its logs forever, Lambda functions' groups
   * included (the `BoundedLogRetention` Aspect with the platform's `logRetention`, once per stage; SML-LOGS). With
   * `checks` on, a group left unbounded (e.g. that of aws-cdk-lib's VPC default-security-group provider) would
   * otherwise fail synth. Turning it off warns.
   * @default true
   */
  readonly boundLogGroups?: boolean;
  /**
   * Add `SustainableMlChecks` (the cdk-nag pack of this library's rules) to the enclosing app or stage, once:
   * nothing is added when the stage already has the pack. The pack checks every stack of that stage, and any
   * unacknowledged finding fails `cdk synth`.
   * @default true
   */
  readonly checks?: boolean;
  /**
   * A `TrainingEfficiencyDashboard` of training-job utilisation, the objectives of the workflows added with
   * `addTrainingWorkflow`, the guard's stops and the bucket's size (SML-MEASURE). Turning it off warns.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * A Studio domain to apply Studio's native idle shutdown to (`StudioIdleShutdown`, SML-IDLE-STUDIO). User profiles
   * and spaces defined elsewhere need `Aspects.of(scope).add(new StudioIdleShutdown())`.
   * @default - no Studio domain
   */
  readonly studioDomain?: sagemaker.CfnDomain;
  /**
   * Idle settings applied to `studioDomain`. Only with `studioDomain`.
   * @default - StudioIdleShutdown's defaults (60 minutes)
   */
  readonly studioIdleShutdown?: StudioIdleShutdownProps;
  /**
   * Create a notebook-instance lifecycle configuration that stops idle notebook instances (`NotebookIdleShutdown`,
   * SML-IDLE-NOTEBOOK), to attach to the team's notebook instances.
   * @default false
   */
  readonly notebookIdleShutdown?: boolean;
}

/** What `SustainableMlPlatform.addTrainingWorkflow` builds. */
export interface PlatformTrainingWorkflowOptions {
  /**
   * The training job. The platform gives it its bucket, key and VPC unless the job brings its own (`bucket` or
   * `artifactsBucket`, `encryptionKey`, `vpc`).
   */
  readonly trainingJob: SustainableTrainingJobProps;
  /**
   * A cheap job that runs first (SML-BASELINE), completed from the platform like `trainingJob`.
   * @default - no baseline
   */
  readonly baseline?: SustainableTrainingJobProps;
  /**
   * Tune `trainingJob` instead of running it once (`SustainableTuningJob`: Bayesian, one job at a time, early
   * stopping; SML-HPO-STRATEGY, SML-HPO-PARALLEL, SML-HPO-EARLYSTOP).
   * @default - no tuning: the workflow runs the training job
   */
  readonly tuning?: SustainableTuningJobOptions;
  /**
   * Options of the workflow (acceptance gate, timeout, carbon-aware start, budget, …).
   * @default - TrainingWorkflow's defaults, with the platform's `logRetention`
   */
  readonly workflow?: TrainingWorkflowOptions;
}

/**
 * One construct for a platform team: an artifacts bucket (SML-ARTIFACTS), bounded retention on SageMaker's log groups
 * (SML-LOGS), a training-job guard (SML-GUARD), idle shutdown for a Studio domain and notebook instances
 * (SML-IDLE-STUDIO, SML-IDLE-NOTEBOOK), the rule pack on the app and a training-efficiency dashboard (SML-MEASURE),
 * and `addTrainingWorkflow()` for each model the team trains. Each part is the library's own construct, with its own
 * defaults; the platform only wires them together.
 */
export class SustainableMlPlatform extends Construct {
  /** The artifacts bucket the platform created or was given (none when a plain `bucket` was given). */
  public readonly artifactsBucket?: MlArtifactsBucket;
  /** The bucket the training jobs write to. */
  public readonly bucket: s3.IBucket;
  /** The KMS key given for the bucket and the jobs. */
  public readonly encryptionKey?: kms.IKey;
  /** The VPC the training jobs run in. */
  public readonly vpc?: ec2.IVpc;
  /** Bounded retention on SageMaker's own log groups, when on. */
  public readonly sageMakerLogRetention?: SageMakerLogRetention;
  /** The guard, when on. */
  public readonly guard?: TrainingJobGuard;
  /** The rule pack this platform added to its stage (none when off, or when the stage already had one). */
  public readonly checks?: SustainableMlChecks;
  /** The dashboard, when on. */
  public readonly dashboard?: TrainingEfficiencyDashboard;
  /** Studio idle shutdown applied to `studioDomain`, when given. */
  public readonly studioIdleShutdown?: StudioIdleShutdown;
  /** The notebook-instance lifecycle configuration, when on. */
  public readonly notebookIdleShutdown?: NotebookIdleShutdown;

  private readonly props: SustainableMlPlatformProps;
  private readonly addedWorkflows: TrainingWorkflow[] = [];

  constructor(scope: Construct, id: string, props: SustainableMlPlatformProps = {}) {
    super(scope, id);
    this.props = props;
    refuseContradictions(props);

    this.encryptionKey = props.encryptionKey;
    this.vpc = props.vpc;
    if (props.bucket) {
      this.bucket = props.bucket;
    } else {
      this.artifactsBucket = props.artifactsBucket ?? new MlArtifactsBucket(this, 'Artifacts', { encryptionKey: props.encryptionKey });
      this.bucket = this.artifactsBucket.bucket;
    }

    if (props.sageMakerLogRetention ?? true) {
      this.sageMakerLogRetention = new SageMakerLogRetention(this, 'SageMakerLogs', { retention: props.logRetention });
    } else {
      warn(this, 'SML-LOGS', 'sageMakerLogRetention is false: the log groups SageMaker creates itself (/aws/sagemaker/TrainingJobs, …) keep their logs forever unless another stack of this account and region bounds them');
    }

    if (props.guard ?? true) {
      this.guard = new TrainingJobGuard(this, 'Guard', { logRetention: props.logRetention, ...props.guardOptions });
    } else {
      warn(this, 'SML-GUARD', 'guard is false: no TrainingJobGuard of this platform watches its training jobs (they still carry the guard tag), so idle, stalled or overfitting jobs run until MaxRuntime unless a guard in another stack of this account and region watches them');
    }

    if (props.studioDomain) {
      this.studioIdleShutdown = new StudioIdleShutdown(props.studioIdleShutdown);
      this.studioIdleShutdown.applyTo(props.studioDomain);
    }
    if (props.notebookIdleShutdown) {
      this.notebookIdleShutdown = new NotebookIdleShutdown(this, 'NotebookIdleShutdown');
    }

    if (props.dashboard ?? true) {
      this.dashboard = new TrainingEfficiencyDashboard(this, 'Dashboard', { guard: this.guard, bucket: this.bucket });
    } else {
      warn(this, 'SML-MEASURE', 'dashboard is false: the utilisation of training jobs, the guard\'s stops and the bucket\'s size are on no dashboard of this platform');
    }

    if (props.boundLogGroups ?? true) {
      boundLogGroupsOnce(this, props.logRetention);
    } else {
      warn(this, 'SML-LOGS', 'boundLogGroups is false: log groups of this app that no construct bounds (Lambda functions\' /aws/lambda/<name> groups among them) keep their logs forever');
    }
    if (props.checks ?? true) this.checks = addChecksOnce(this);
  }

  /** The workflows added with `addTrainingWorkflow`, in order. */
  public get workflows(): TrainingWorkflow[] {
    return [...this.addedWorkflows];
  }

  /**
   * Add a training workflow: a `SustainableTrainingJob` (`<id>Job`) on the platform's bucket, key and VPC, an
   * optional baseline (`<id>Baseline`) and tuning job (`<id>Tuning`), and the `TrainingWorkflow` (`<id>`) that runs
   * them, with the platform's log retention. The dashboard charts the objective of the job (or of the tuning job)
   * and of the baseline, with their targets, next to every training job's utilisation.
   */
  public addTrainingWorkflow(id: string, options: PlatformTrainingWorkflowOptions): TrainingWorkflow {
    if (typeof options !== 'object' || options === null || typeof options.trainingJob !== 'object' || options.trainingJob === null) {
      refuse('SML-MANAGED', {
        prop: 'trainingJob',
        value: options?.trainingJob,
        problem: 'is required: the workflow runs (or tunes) this job',
        fix: "pass { trainingJob: { image: TrainingImage.fromUri('…') } }",
      });
    }
    const trainingJob = new SustainableTrainingJob(this, `${id}Job`, this.jobProps(options.trainingJob));
    const baseline = options.baseline ? new SustainableTrainingJob(this, `${id}Baseline`, this.jobProps(options.baseline)) : undefined;
    const tuningJob = options.tuning ? new SustainableTuningJob(this, `${id}Tuning`, { ...options.tuning, trainingJob }) : undefined;
    const workflow = new TrainingWorkflow(this, id, {
      ...(this.props.logRetention !== undefined ? { logRetention: this.props.logRetention } : {}),
      ...options.workflow,
      ...(tuningJob ? { tuningJob } : { trainingJob }),
      ...(baseline ? { baseline } : {}),
    });
    if (tuningJob) this.dashboard?.addTuningJob(tuningJob);
    else this.dashboard?.addTrainingJob(trainingJob);
    if (baseline) this.dashboard?.addTrainingJob(baseline);
    this.addedWorkflows.push(workflow);
    return workflow;
  }

  /** A job's props completed with the platform's bucket, key and VPC where the job brings none. */
  private jobProps(given: SustainableTrainingJobProps): SustainableTrainingJobProps {
    const ownStorage = given.bucket !== undefined || given.artifactsBucket !== undefined;
    return {
      ...given,
      ...(ownStorage ? {} : this.artifactsBucket ? { artifactsBucket: this.artifactsBucket } : { bucket: this.bucket }),
      ...(given.encryptionKey === undefined && this.encryptionKey ? { encryptionKey: this.encryptionKey } : {}),
      ...(given.vpc === undefined && this.vpc ? { vpc: this.vpc, vpcSubnets: given.vpcSubnets ?? this.props.vpcSubnets } : {}),
    };
  }
}

/** Props that contradict each other are refused, each under the rule of the part it concerns. */
function refuseContradictions(props: SustainableMlPlatformProps): void {
  if (props.bucket && props.artifactsBucket) {
    refuse('SML-ARTIFACTS', { prop: 'bucket', value: props.bucket.node.path, problem: 'cannot be given together with artifactsBucket', fix: 'pass one of them' });
  }
  if (props.vpcSubnets && !props.vpc) {
    refuse('SML-MANAGED', { prop: 'vpcSubnets', value: 'given', problem: 'needs a vpc', fix: 'pass vpc as well, or remove vpcSubnets' });
  }
  if (props.guardOptions && props.guard === false) {
    refuse('SML-GUARD', { prop: 'guardOptions', value: 'given', problem: 'configure a guard, and guard is false', fix: 'remove guardOptions, or leave guard on' });
  }
  if (props.studioIdleShutdown && !props.studioDomain) {
    refuse('SML-IDLE-STUDIO', {
      prop: 'studioIdleShutdown', value: 'given', problem: 'has no domain to apply to',
      fix: 'pass studioDomain as well, or apply StudioIdleShutdown yourself: Aspects.of(scope).add(new StudioIdleShutdown(settings))',
    });
  }
}

/**
 * Add the rule pack to the stage of `scope`, unless that stage already has one (added by another platform or by the
 * app itself): a second pack would report every finding twice. Returns the pack added, if any.
 */
function addChecksOnce(scope: IConstruct): SustainableMlChecks | undefined {
  const stage = Stage.of(scope);
  // aws-cdk-lib keeps the list of a stage's plugins internal (`_validationPlugins`); without it, only the packs
  // added by platforms are known.
  const plugins: unknown[] = (stage as unknown as { _validationPlugins?: unknown[] } | undefined)?._validationPlugins ?? [];
  const present = plugins.some((p) => p instanceof SustainableMlChecks || (p as { name?: unknown }).name === 'SML')
    || (stage !== undefined && STAGES_WITH_CHECKS.has(stage));
  if (present) return undefined;
  const checks = new SustainableMlChecks();
  Validations.of(scope).addPlugins(checks);
  if (stage) STAGES_WITH_CHECKS.add(stage);
  return checks;
}

const STAGES_WITH_CHECKS = new WeakSet<Stage>();

/** Apply `BoundedLogRetention` to the stage of `scope` (or the scope's root), unless it has one already. */
function boundLogGroupsOnce(scope: IConstruct, retention: logs.RetentionDays | undefined): void {
  const target: IConstruct = Stage.of(scope) ?? scope.node.root;
  if (Aspects.of(target).all.some((a) => a instanceof BoundedLogRetention)) return;
  Aspects.of(target).add(new BoundedLogRetention({ retention }));
}
