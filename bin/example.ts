/**
 * The example app's stacks, shared by `bin/app.ts` (cdk synth) and the tests (test/app.test.ts).
 */
import { App, Aspects, Duration, Environment, SecretValue, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import {
  CarbonAwareSchedule, CarbonIntensitySource, HyperparameterRange, InitialModel, InputChannel, MlArtifactsBucket, Objective, SageMakerLogRetention, SustainableTrainingJob,
  StudioIdleShutdown, SustainableNotebookInstance, SustainableTuningJob, TrainingEfficiencyDashboard, TrainingImage, TrainingJobGuard,
  TrainingPipeline, TrainingWorkflow, WarmStart,
  BoundedLogRetention,
} from '../lib';
import { limitGrantsToAwsServices } from '../lib/private/kms-grants';
import { logGroupKey } from '../lib/storage/log-encryption';

/** Options of the example app. */
export interface ExampleOptions {
  /**
   * Turn on the opt-ins an organisation with AWS Control Tower's proactive controls chooses (README "Control
   * Tower"): the guard in a VPC with its endpoints and an alarm topic, X-Ray tracing, KMS-encrypted log groups, S3
   * server access logs, SSE-KMS, Object Lock and EventBridge notifications on the artifacts bucket. Combine with the context `cdk-sustainable-ml:logRetention: 365`.
   * @default false
   */
  readonly controlTower?: boolean;
}

/** Example: a churn model retrained from last month's model on a small CPU instance. */
export class SustainableMlExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & ExampleOptions = {}) {
    super(scope, id, props);
    const ct = props.controlTower === true;
    // CT.CLOUDWATCH.PR.3: the log groups the library creates, encrypted with a customer managed key (opt-in)
    const logEncryptionKey = ct ? logsKey(this) : undefined;
    const artifacts = new MlArtifactsBucket(this, 'Artifacts', ct ? controlTowerBucketOptions(this) : {});
    new SageMakerLogRetention(this, 'SageMakerLogs');
    // Stops guarded jobs whose accelerators idle, whose objective stalls or that overfit (SML-GUARD).
    const guard = new TrainingJobGuard(this, 'Guard', ct ? { vpc: isolatedVpc(this, 'GuardVpc', logEncryptionKey), vpcEndpoints: true, alarmTopic: alarmTopic(this), logEncryptionKey } : {});

    const inputs = [
      InputChannel.fromBucket('train', artifacts.bucket, 'datasets/churn/train/'),
      InputChannel.fromBucket('validation', artifacts.bucket, 'datasets/churn/validation/'),
    ];
    const auc = { name: 'validation:auc', regex: 'validation-auc:([0-9\\.]+)' };

    const job = new SustainableTrainingJob(this, 'ChurnJob', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/churn-train:1.4.0'),
      artifactsBucket: artifacts,
      jobNamePrefix: 'churn-xgb',
      inputs,
      initialModel: InitialModel.fromBucket(artifacts.bucket, 'models/churn-xgb-baseline/output/model.tar.gz'),
      objective: Objective.maximize(auc.name, auc.regex, { target: 0.85 }),
      hyperparameters: { num_round: '200', max_depth: '5' },
    });

    new TrainingWorkflow(this, 'ChurnTraining', { trainingJob: job, tracingEnabled: ct || undefined, logEncryptionKey });

    // A cheap baseline first (SML-BASELINE): when a linear model already reaches the target, nothing else runs.
    const baseline = new SustainableTrainingJob(this, 'ChurnBaseline', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/churn-linear:1.0.0'),
      artifactsBucket: artifacts,
      jobNamePrefix: 'churn-linear',
      inputs,
      objective: Objective.maximize(auc.name, auc.regex),
      maxRuntime: Duration.hours(1),
    });

    // Tuning that wastes nothing: Bayesian, one job at a time, early stopping, completion on the target, and each
    // run warm-started from the previous completed one (SML-HPO-*, SML-REUSE), after the baseline.
    const tuning = new SustainableTuningJob(this, 'ChurnTuning', {
      trainingJob: job,
      jobNamePrefix: 'churn-hpo',
      ranges: [
        HyperparameterRange.continuous('eta', 0.01, 0.3),
        HyperparameterRange.continuous('alpha', 0.001, 10), // four orders of magnitude: searched on a log scale
      ],
      warmStart: WarmStart.fromPreviousRun(),
    });
    // Carbon-aware start (SML-TIMESHIFT): when the baseline misses the target, the search waits up to six hours for
    // the grid to fall to 150 gCO2e/kWh. The API key lives in an EventBridge connection, read from a Secrets Manager
    // secret that you create (the name below is a placeholder). A failing source never blocks the run.
    const carbonApi = new events.Connection(this, 'ElectricityMaps', {
      description: 'Electricity Maps API key for carbon-aware starts',
      authorization: events.Authorization.apiKey('auth-token', SecretValue.secretsManager('cdk-sustainable-ml/electricity-maps-api-key')),
    });
    new TrainingWorkflow(this, 'ChurnTuningWorkflow', {
      tuningJob: tuning,
      baseline,
      tracingEnabled: ct || undefined,
      logEncryptionKey,
      carbonAwareStart: {
        source: CarbonIntensitySource.http({
          connection: carbonApi,
          url: 'https://api.electricitymaps.com/v3/carbon-intensity/latest?zone=US-NW-PACW',
          path: '$.carbonIntensity',
        }),
        threshold: 150,
        maxDelay: Duration.hours(6),
        checkEvery: Duration.minutes(30),
      },
    });

    // The same definitions as a SageMaker pipeline: baseline → condition → training → acceptance gate.
    const pipeline = new TrainingPipeline(this, 'ChurnPipeline', { trainingJob: job, baseline, pipelineName: 'churn-training' });
    // Every evening, the pipeline starts in the cleanest hour before morning (or at 06:00 at the latest).
    new CarbonAwareSchedule(this, 'ChurnPipelineWhenClean', {
      pipeline,
      tracingEnabled: ct || undefined,
      logEncryptionKey,
      schedule: scheduler.ScheduleExpression.cron({ hour: '18', minute: '0' }),
      carbonAwareStart: {
        source: CarbonIntensitySource.electricityMaps({ connection: carbonApi, zone: 'US-NW-PACW' }),
        threshold: 150,
        maxDelay: Duration.hours(12),
        checkEvery: Duration.hours(1),
      },
    });

    // Measure and improve (SML-MEASURE): utilisation of every training host to right-size from, the objective
    // against its target, what the guard stopped and saved, the bucket's growth and SageMaker's log volume.
    new TrainingEfficiencyDashboard(this, 'Efficiency', {
      guard,
      bucket: artifacts.bucket,
      trainingJobs: [job, baseline],
      tuningJobs: [tuning],
    });
  }
}

/**
 * Example: where people work. A VPC without internet access (SageMaker API reached through an interface
 * endpoint), a notebook instance that stops itself when idle, and a Studio domain whose JupyterLab and Code Editor
 * apps shut down when idle.
 */
export class SustainableMlWorkspaceStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & ExampleOptions = {}) {
    super(scope, id, props);
    // Flow logs are kept a week; Control Tower's CT.CLOUDWATCH.PR.2 asks for a year.
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.controlTower ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_WEEK,
      encryptionKey: props.controlTower ? logGroupKey(this, 'encryptionKey', logsKey(this), 'logGroup', false) : undefined,
    });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) } },
    });
    // The idle checker calls StopNotebookInstance without internet access.
    const endpoint = vpc.addInterfaceEndpoint('SageMakerApi', { service: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API });
    Validations.of(endpoint).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: "The endpoint's security group admits HTTPS from the VPC's own CIDR only; cdk-nag cannot resolve the CIDR intrinsic.",
    });

    new SustainableNotebookInstance(this, 'Notebook', { vpc });

    const studioRole = new iam.Role(this, 'StudioRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const domain = new sagemaker.CfnDomain(this, 'Studio', {
      domainName: 'sustainable-ml',
      authMode: 'IAM',
      appNetworkAccessType: 'VpcOnly',
      vpcId: vpc.vpcId,
      subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId),
      defaultUserSettings: { executionRole: studioRole.roleArn },
    });
    new sagemaker.CfnUserProfile(this, 'DataScientist', { domainId: domain.attrDomainId, userProfileName: 'data-scientist' });
    // Native idle shutdown for JupyterLab and Code Editor on the domain and every profile and space (SML-IDLE-STUDIO).
    Aspects.of(this).add(new StudioIdleShutdown());
  }
}

/** Add the example stacks to an app (environment-agnostic unless `env` is given). */
export function buildExampleApp(app: App, env?: Environment, options: ExampleOptions = {}): Stack[] {
  // SML-LOGS across the app: also bounds log groups of functions the library did not create (aws-cdk-lib's providers)
  Aspects.of(app).add(new BoundedLogRetention());
  return [
    new SustainableMlExampleStack(app, 'SustainableMlExample', { env, ...options }),
    new SustainableMlWorkspaceStack(app, 'SustainableMlWorkspace', { env, ...options }),
  ];
}

/** SSE-KMS with a rotated key, server access logs to a bucket of their own, Object Lock and EventBridge events. */
function controlTowerBucketOptions(scope: Construct) {
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    // S3 delivers server access logs only to a bucket with SSE-S3 (not SSE-KMS) default encryption.
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    objectLockEnabled: true,
    lifecycleRules: [{ expiration: Duration.days(365) }],
  });
  (accessLogs.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
  Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'The access-log bucket does not log its own access.' });
  const key = new kms.Key(scope, 'ArtifactsKey', { enableKeyRotation: true, description: 'ML artifacts (SSE-KMS)' });
  limitGrantsToAwsServices(key); // CT.KMS.PR.3, as SustainableNotebookInstance's own key
  return {
    encryptionKey: key,
    serverAccessLogsBucket: accessLogs,
    objectLockEnabled: true,
    eventBridgeEnabled: true,
  };
}

/** A rotated key for log groups (CT.CLOUDWATCH.PR.3), its grants limited to AWS services (CT.KMS.PR.3). */
function logsKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'LogsKey', { enableKeyRotation: true, description: 'CloudWatch Logs log groups (SSE-KMS)' });
  limitGrantsToAwsServices(key);
  return key;
}

/** A topic for the guard's alarms (CT.CLOUDWATCH.PR.1: every alarm has an action). */
function alarmTopic(scope: Construct): sns.ITopic {
  const topic = new sns.Topic(scope, 'GuardAlarms', { enforceSSL: true });
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason: 'Alarm notifications carry no data; a KMS-encrypted topic needs a key policy for cloudwatch.amazonaws.com (see TrainingJobGuard alarmTopic).',
  });
  return topic;
}

/** A VPC without internet access, with flow logs, for the guard (its endpoints reach the AWS APIs). */
function isolatedVpc(scope: Construct, id: string, key?: kms.IKey): ec2.IVpc {
  const flowLogs = new logs.LogGroup(scope, `${id}FlowLogs`, {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: logGroupKey(scope, 'encryptionKey', key, 'logGroup', false),
  });
  return new ec2.Vpc(scope, id, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) } },
  });
}
