import { existsSync } from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeWildcards, nagArn } from '../private/acknowledge';
import { refuse, warn } from '../private/messages';
import { checkDuration, checkNumber, deferred, durationIn, isKnownNumber, numberForHumans, numberText } from '../private/synth-value';
import { checkLogRetention, checkOwnLogGroup } from '../storage/log-defaults';
import { logGroupKey } from '../storage/log-encryption';
import { AcceleratorKind } from '../training/instance';
import { GUARD_DEFAULTS, GUARD_ENV, GUARD_METRICS } from './guard-env';
import { guardNetwork } from './guard-network';
import { GUARD_ENABLED, GuardTags } from './guard-tags';
import { RIGHT_SIZING_DEFAULTS, RIGHT_SIZING_DIMENSIONS, RIGHT_SIZING_METRICS } from './right-sizing';

/** How the guard finds the running training jobs it watches. */
export enum JobDiscovery {
  /**
   * SageMaker `Search`, filtered on status InProgress and the guard tag: one call per 100 guarded jobs, jobs
   * without the tag cost nothing. Needs `sagemaker:Search` (which has no resource-level permissions).
   */
  SEARCH = 'search',
  /**
   * `ListTrainingJobs` (InProgress) plus `ListTags` for every running job and `DescribeTrainingJob` for every
   * guarded one: about one call per running job. For accounts that do not grant `sagemaker:Search`.
   */
  LIST = 'list',
}

/** Properties of a TrainingJobGuard. */
export interface TrainingJobGuardProps {
  /**
   * How often the guard sweeps the running training jobs. Once a day or less often warns (SML-GUARD): most jobs
   * end before a sweep sees them. A deploy-time value (token) must be in minutes, hours or days, and at least 2.
   * @default Duration.minutes(5)
   */
  readonly schedule?: Duration;

  /**
   * Utilisation, in percent per accelerator (GPU, Trainium) or per vCPU for CPU jobs, under which a host counts as
   * idle. A job is idle when every host stays under it at every minute of `idleWindow` (SML-GUARD). Per job:
   * tag `sustainable-ml:guard-idle-threshold`.
   * @default 5
   */
  readonly idleThresholdPercent?: number;

  /**
   * How long a job must idle (while in the `Training` phase) before it is stopped. Whole minutes, at least 5; a
   * deploy-time value (token) must be in minutes.
   * Per job: tag `sustainable-ml:guard-window-minutes`.
   * @default Duration.minutes(30)
   */
  readonly idleWindow?: Duration;

  /**
   * Number of objective-metric points without improvement after which a job is stalled (the objective comes from
   * the job's `sustainable-ml:objective-metric` / `objective-direction` tags). Per job: tag
   * `sustainable-ml:guard-stall-points`.
   * @default 10
   */
  readonly stallPoints?: number;

  /**
   * Number of recent points over which overfitting is judged: the objective (validation) metric trends worse while
   * the training metric (tag `sustainable-ml:train-metric`) trends better.
   * @default 5
   */
  readonly overfitPoints?: number;

  /**
   * Smallest relative change of the objective, in percent, that counts as an improvement.
   * @default 0.1
   */
  readonly minImprovementPercent?: number;

  /**
   * Smallest relative worsening of the validation metric over `overfitPoints`, in percent, that counts as overfitting.
   * @default 1
   */
  readonly overfitMinChangePercent?: number;

  /**
   * How far back the guard reads metrics (covers the idle window and the objective history). At most one day; a
   * deploy-time value (token) must be in minutes.
   * @default Duration.hours(3)
   */
  readonly metricLookback?: Duration;

  /**
   * Only report the jobs the guard would stop (one log line each, metric `JobsWouldStop`); stop nothing.
   * Turning it on leaves a SML-GUARD warning.
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Stop jobs whose accelerators (or CPUs) idle. Turning it off leaves a SML-GUARD warning.
   * @default true
   */
  readonly stopIdleJobs?: boolean;

  /**
   * Stop jobs whose objective metric stopped improving. Turning it off leaves a SML-GUARD warning.
   * @default true
   */
  readonly stopStalledJobs?: boolean;

  /**
   * Stop jobs that overfit. Turning it off leaves a SML-GUARD warning.
   * @default true
   */
  readonly stopOverfittingJobs?: boolean;

  /**
   * Stop jobs whose Debugger or Profiler rules report `IssuesFound` (a second EventBridge rule on
   * "SageMaker Training Job State Change"). Profiler rules cannot stop a job themselves. Turning it off leaves a
   * SML-GUARD warning.
   * @default true
   */
  readonly stopOnRuleFindings?: boolean;

  /**
   * Rule configuration names (prefixes) whose findings never stop a job.
   * @default ['ProfilerReport'] - the report aggregates every profiler rule, most of them advisory
   */
  readonly ignoredRules?: string[];

  /**
   * Name of the Trainium (Neuron) utilisation metric, read in namespace `/aws/sagemaker/TrainingJobs` with
   * dimension `Host`. SageMaker documents no Neuron metric for training jobs (its instance metrics are CPU, memory,
   * GPU, GPU memory and disk utilisation), so ml.trn* jobs are judged idle only when the job publishes this metric
   * itself (for example from neuron-monitor); without data the guard never judges them idle.
   * @default 'NeuronCoreUtilization'
   */
  readonly neuronUtilizationMetricName?: string;

  /**
   * How the sweep finds the guarded running jobs.
   * @default JobDiscovery.SEARCH
   */
  readonly discovery?: JobDiscovery;

  /**
   * The function's log group.
   * @default - a new log group with `logRetention` (SML-LOGS)
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * Customer managed KMS key (symmetric) that encrypts the log group the construct creates, for organisations that
   * require one (AWS Control Tower CT.CLOUDWATCH.PR.3). A key of this app gets the key-policy statement CloudWatch
   * Logs documents (the `logs.<region>.amazonaws.com` principal, for this log group only); add it yourself to an
   * imported key. Not with `logGroup` (encrypt your own group yourself).
   * @default - CloudWatch Logs' own encryption at rest
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Retention of the log group the guard creates (ignored when `logGroup` is given). `RetentionDays.INFINITE` is
   * refused (SML-LOGS).
   * @default - the app's context `cdk-sustainable-ml:logRetention` when set, else logs.RetentionDays.ONE_MONTH (DEFAULT_LOG_RETENTION, SML-LOGS)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The function's execution role. The guard attaches its own least-privilege policy to it.
   * @default - a new role
   */
  readonly role?: iam.IRole;

  /**
   * Run the guard function in this VPC (an organisation's choice, e.g. AWS Control Tower's CT.LAMBDA.PR.3). The
   * function then reaches the SageMaker API (`api.sagemaker`) and CloudWatch (`monitoring`) through the VPC: give it
   * interface endpoints for both (`vpcEndpoints`) or a route to them (NAT). The guard adds the network-interface
   * permissions Lambda needs to its role.
   * @default - not in a VPC (Lambda's own network, which reaches the AWS APIs)
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the function (and for the endpoints, with `vpcEndpoints`).
   * @default - the VPC's private subnets (aws-cdk-lib's default selection)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the function in `vpc`; they must allow HTTPS out to the endpoints.
   * @default - a new security group that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Create the interface endpoints the guard needs in `vpc`: SageMaker API and CloudWatch monitoring (each is billed
   * per hour and per Availability Zone, see AWS PrivateLink pricing; skip them when the VPC already has them or a
   * NAT route).
   * @default false
   */
  readonly vpcEndpoints?: boolean;

  /**
   * SNS topic the right-sizing alarms notify when they go into ALARM (SML-MEASURE): guarded jobs that ended on a
   * larger type than they needed, and low average CPU or GPU utilisation of the jobs that ended in a day. The topic
   * needs no policy change for CloudWatch in the same account; if it is encrypted with a customer managed KMS key,
   * that key's policy must let `cloudwatch.amazonaws.com` use it (`kms:Decrypt`, `kms:GenerateDataKey*`; Amazon SNS
   * Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics"), which this
   * construct cannot check or change.
   * @default - no notification: the alarms still exist and show their state
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Headroom, in percent, kept above each measured peak (CPU, memory, GPU, GPU memory) when the guard recommends a
   * smaller instance type for a job that ended (SML-MEASURE).
   * @default 20 - AWS Compute Optimizer's default CPU and memory utilisation headroom
   */
  readonly rightSizingHeadroomPercent?: number;

  /**
   * Average utilisation, in percent (per vCPU for CPU jobs, per GPU for GPU jobs), under which the jobs that ended in
   * a day raise the low-utilisation alarms.
   * @default 20 - a setting of this library, not a published figure
   */
  readonly lowUtilizationThresholdPercent?: number;
}

/** Options of the right-sizing utilisation metrics (`metricJobCpuUtilization()` and friends). */
export interface JobUtilizationMetricOptions extends cloudwatch.MetricOptions {
  /**
   * The jobs' peak (highest one-minute Maximum) instead of their average over the run.
   * @default false
   */
  readonly peak?: boolean;

  /**
   * Only the jobs that ran on this instance type (dimension `InstanceType`), e.g. `ml.g5.xlarge`.
   * @default - every instance type
   */
  readonly instanceType?: string;

  /**
   * Only the jobs whose instances carry this kind of accelerator (dimension `AcceleratorKind`). Cannot be combined
   * with `instanceType` (the guard publishes no such dimension set).
   * @default - every kind
   */
  readonly acceleratorKind?: AcceleratorKind;
}

/**
 * Environment variables read by the handler (lambda/training-job-guard/config.ts). Defaults come from
 * GUARD_DEFAULTS, which the handler reads too.
 */
const ENV = GUARD_ENV;

/** The pre-built handler bundle (`npm run build:lambda`), from lib/guard/*.ts and from compiled lib/guard/*.js. */
const ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'training-job-guard');

/**
 * Stops running SageMaker training jobs that waste energy (SML-GUARD): accelerators (or CPUs) that idle, an
 * objective that stopped improving, a model that overfits, and Debugger/Profiler rules that report issues.
 *
 * A Lambda function (Node.js 24, arm64, pre-bundled: synth needs neither esbuild nor Docker) runs on a schedule,
 * finds the running jobs tagged `sustainable-ml:guard=enabled` (SustainableTrainingJob sets it), reads their
 * CloudWatch metrics (namespace `/aws/sagemaker/TrainingJobs`) with batched `GetMetricData` calls and stops the
 * jobs that fail a check. A second EventBridge rule sends "SageMaker Training Job State Change" events with rule
 * findings to the same function. Each stop writes one JSON log line with the reason and the figures, which is also
 * an Embedded Metric Format document (metrics `JobsStopped`, `InstanceHoursSaved`, `AcceleratorHoursSaved`), once per
 * stop whatever the SDK's retries. Stops run in parallel (10 at a time) within a time budget taken from the
 * invocation's remaining time; the jobs a sweep does not reach are left to the next one.
 *
 * The role may describe and stop only training jobs tagged `sustainable-ml:guard=enabled`
 * (`aws:ResourceTag` condition).
 *
 * Right-sizing (SML-MEASURE): a third rule sends the end of every guarded job (status Completed, Failed or Stopped)
 * to the function, which reads the job's CPU, memory, disk, GPU and GPU-memory utilisation over its run, publishes
 * its average and peak per instance as metrics with a small fixed set of dimensions (alarms cannot use SEARCH), and
 * logs a recommendation such as "12 % of 16 vCPUs on ml.m5.4xlarge over 3 h: ml.m5.xlarge would do". Alarms on those
 * metrics notify `alarmTopic`.
 */
export class TrainingJobGuard extends Construct {
  /** CloudWatch namespace of the guard's metrics (`cdk-sustainable-ml/TrainingJobGuard`). */
  public static readonly METRIC_NAMESPACE: string = GUARD_DEFAULTS.metricNamespace;

  /** The guard function. */
  public readonly function: lambda.Function;
  /** The function's execution role. */
  public readonly role: iam.IRole;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The rule that runs the sweep. */
  public readonly scheduleRule: events.Rule;
  /** The rule that forwards rule-finding events, when `stopOnRuleFindings` is on. */
  public readonly ruleFindingsRule?: events.Rule;
  /** The rule that sends the end of guarded jobs (Completed, Failed, Stopped) to the function (right-sizing). */
  public readonly jobEndRule: events.Rule;
  /** In ALARM when a guarded job that ended in the last day ran on a larger type than it needed (Maximum of `JobsOverProvisioned` ≥ 1). */
  public readonly overProvisionedAlarm: cloudwatch.Alarm;
  /** In ALARM when the CPU-only jobs that ended in the last day averaged under `lowUtilizationThresholdPercent` of their vCPUs. */
  public readonly lowCpuUtilizationAlarm: cloudwatch.Alarm;
  /** In ALARM when the GPU jobs that ended in the last day averaged under `lowUtilizationThresholdPercent` per GPU. */
  public readonly lowGpuUtilizationAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TrainingJobGuardProps = {}) {
    super(scope, id);
    const schedule = checkDuration('SML-GUARD', 'schedule', props.schedule) ?? Duration.minutes(5);
    const idleWindow = checkDuration('SML-GUARD', 'idleWindow', props.idleWindow) ?? Duration.minutes(GUARD_DEFAULTS.idleWindowMinutes);
    const lookback = checkDuration('SML-GUARD', 'metricLookback', props.metricLookback) ?? Duration.minutes(GUARD_DEFAULTS.lookbackMinutes);
    const discovery = props.discovery ?? (GUARD_DEFAULTS.discovery as JobDiscovery);
    const headroom = checkNumber('SML-MEASURE', 'rightSizingHeadroomPercent', props.rightSizingHeadroomPercent)
      ?? RIGHT_SIZING_DEFAULTS.headroomPercent;
    const lowUtilization = checkNumber('SML-MEASURE', 'lowUtilizationThresholdPercent', props.lowUtilizationThresholdPercent)
      ?? RIGHT_SIZING_DEFAULTS.lowUtilizationThresholdPercent;
    validate(this, props, schedule, idleWindow, lookback);
    const logRetention = checkLogRetention(this, 'logRetention', props.logRetention);
    checkOwnLogGroup(this, 'logGroup', props.logGroup);
    const logEncryptionKey = logGroupKey(this, 'logEncryptionKey', props.logEncryptionKey, 'logGroup', props.logGroup !== undefined);
    warnSecondGuard(this);

    const checks = [
      ['idle', props.stopIdleJobs, 'stopIdleJobs', 'training jobs whose accelerators idle keep running'],
      ['stall', props.stopStalledJobs, 'stopStalledJobs', 'training jobs whose objective stopped improving keep running'],
      ['overfit', props.stopOverfittingJobs, 'stopOverfittingJobs', 'training jobs that overfit keep running'],
      ['rules', props.stopOnRuleFindings, 'stopOnRuleFindings', 'Debugger/Profiler rule findings no longer stop training jobs'],
    ] as const;
    for (const [, on, prop, effect] of checks) {
      if (on === false) warn(this, 'SML-GUARD', `${prop} is false: ${effect}`);
    }
    if (props.dryRun) warn(this, 'SML-GUARD', 'dryRun is true: the guard only reports the jobs it would stop');
    const enabled = checks.filter(([, on]) => on !== false).map(([name]) => name);

    const assetIndex = path.join(ASSET_DIR, 'index.js');
    if (!existsSync(assetIndex)) {
      throw new Error(`TrainingJobGuard: the handler bundle ${assetIndex} is missing. Run \`npm run build:lambda\` `
        + '(it runs before test, synth and pack) to build assets/training-job-guard from lambda/training-job-guard.');
    }

    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: logEncryptionKey,
    });
    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cdk-sustainable-ml TrainingJobGuard: find, read metrics of and stop SageMaker training jobs',
    });

    const trainingJobs = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: '*' });
    // Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker"
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html): StopTrainingJob
    // and DescribeTrainingJob require the `training-job*` resource type, whose condition keys are
    // aws:ResourceTag/${TagKey} and sagemaker:ResourceTag/${TagKey}; Search and ListTrainingJobs take no resource
    // type (Resource "*"); ListTags takes `training-job` among others.
    const guardedOnly = { StringEquals: { [`aws:ResourceTag/${GuardTags.GUARD}`]: GUARD_ENABLED } };
    const policy = new iam.Policy(this, 'Policy', {
      statements: [
        new iam.PolicyStatement({
          sid: 'FindRunningJobs',
          actions: discovery === JobDiscovery.SEARCH ? ['sagemaker:Search'] : ['sagemaker:ListTrainingJobs'],
          resources: ['*'],
        }),
        ...(discovery === JobDiscovery.LIST
          ? [new iam.PolicyStatement({
            sid: 'ReadTrainingJobTags',
            // List discovery reads every running job's tags to learn whether it is guarded: not conditioned on the tag.
            actions: ['sagemaker:ListTags'],
            resources: [trainingJobs],
          })]
          : []),
        new iam.PolicyStatement({
          sid: 'DescribeAndStopGuardedTrainingJobs',
          // Only jobs that carry the guard tag: the role cannot stop (or read) any other job in the account.
          actions: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
          resources: [trainingJobs],
          conditions: guardedOnly,
        }),
        new iam.PolicyStatement({
          sid: 'ReadTrainingJobMetrics',
          // GetMetricData does not support resource-level permissions: the Service Authorization Reference lists no
          // resource type for it ("Actions, resources, and condition keys for Amazon CloudWatch",
          // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html). The sweep
          // and the end-of-job report both read with it; the guard publishes its own metrics through its log (EMF),
          // so it needs no cloudwatch:PutMetricData.
          actions: ['cloudwatch:GetMetricData'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });
    policy.attachToRole(this.role);
    const network = guardNetwork(this, this.role, props);

    this.function = new lambda.Function(this, 'Resource', {
      description: 'cdk-sustainable-ml TrainingJobGuard (SML-GUARD): stops idle, stalled or overfitting SageMaker training jobs',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(ASSET_DIR),
      memorySize: 256,
      timeout: Duration.seconds(GUARD_DEFAULTS.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      ...network.functionProps,
      environment: {
        [ENV.DRY_RUN]: props.dryRun ? 'true' : 'false',
        [ENV.CHECKS]: enabled.length ? enabled.join(',') : 'none',
        [ENV.IDLE_THRESHOLD_PERCENT]: numberText(props.idleThresholdPercent ?? GUARD_DEFAULTS.idleThresholdPercent),
        [ENV.IDLE_WINDOW_MINUTES]: numberText(idleWindow.toMinutes()),
        [ENV.STALL_POINTS]: numberText(props.stallPoints ?? GUARD_DEFAULTS.stallPoints),
        [ENV.OVERFIT_POINTS]: numberText(props.overfitPoints ?? GUARD_DEFAULTS.overfitPoints),
        [ENV.MIN_IMPROVEMENT_PERCENT]: numberText(props.minImprovementPercent ?? GUARD_DEFAULTS.minImprovementPercent),
        [ENV.OVERFIT_MIN_CHANGE_PERCENT]: numberText(props.overfitMinChangePercent ?? GUARD_DEFAULTS.overfitMinChangePercent),
        [ENV.LOOKBACK_MINUTES]: numberText(lookback.toMinutes()),
        [ENV.DISCOVERY]: discovery,
        [ENV.NEURON_METRIC]: props.neuronUtilizationMetricName ?? GUARD_DEFAULTS.neuronMetricName,
        [ENV.IGNORED_RULES]: (props.ignoredRules ?? GUARD_DEFAULTS.ignoredRules).join(','),
        [ENV.METRIC_NAMESPACE]: TrainingJobGuard.METRIC_NAMESPACE,
        [ENV.RIGHT_SIZING_HEADROOM_PERCENT]: numberText(headroom),
      },
    });
    this.function.node.addDependency(policy);
    if (network.policy) this.function.node.addDependency(network.policy);

    this.scheduleRule = new events.Rule(this, 'Schedule', {
      description: 'cdk-sustainable-ml TrainingJobGuard: sweep running training jobs (SML-GUARD)',
      schedule: events.Schedule.rate(schedule),
      // A missed sweep is not retried: the next one comes within `schedule`.
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    if (props.stopOnRuleFindings !== false) {
      this.ruleFindingsRule = new events.Rule(this, 'RuleFindings', {
        description: 'cdk-sustainable-ml TrainingJobGuard: act on Debugger/Profiler rule findings (SML-GUARD)',
        eventPattern: {
          source: ['aws.sagemaker'],
          detailType: ['SageMaker Training Job State Change'],
          detail: {
            TrainingJobStatus: ['InProgress'],
            Tags: { [GuardTags.GUARD]: [GUARD_ENABLED] },
            $or: [
              { DebugRuleEvaluationStatuses: { RuleEvaluationStatus: ['IssuesFound'] } },
              { ProfilerRuleEvaluationStatuses: { RuleEvaluationStatus: ['IssuesFound'] } },
            ],
          },
        },
        targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
      });
    }

    // Right-sizing (SML-MEASURE): the end of every guarded job. The event carries TrainingStartTime, TrainingEndTime,
    // ResourceConfig and Tags (SageMaker Developer Guide, "Events that Amazon SageMaker AI sends to Amazon
    // EventBridge"); why an event and not the sweep: lambda/training-job-guard/job-end.ts. The Lambda target adds the
    // function's resource-based permission for events.amazonaws.com from this rule's ARN (EventBridge User Guide,
    // "Using resource-based policies for Amazon EventBridge", AWS Lambda permissions): no role change. A read that
    // fails after the SDK's retries fails the invocation, and Lambda retries an asynchronous invocation twice (AWS
    // Lambda Developer Guide, "How Lambda handles errors and retries with asynchronous invocation").
    this.jobEndRule = new events.Rule(this, 'JobEnd', {
      description: 'cdk-sustainable-ml TrainingJobGuard: utilisation and right-sizing of guarded training jobs that ended (SML-MEASURE)',
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Training Job State Change'],
        detail: {
          TrainingJobStatus: ['Completed', 'Failed', 'Stopped'],
          Tags: { [GuardTags.GUARD]: [GUARD_ENABLED] },
        },
      },
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });

    const day = Duration.seconds(RIGHT_SIZING_DEFAULTS.alarmPeriodSeconds);
    this.overProvisionedAlarm = this.metricJobsOverProvisioned({ statistic: 'Maximum', period: day }).createAlarm(this, 'OverProvisionedAlarm', {
      alarmDescription: 'cdk-sustainable-ml TrainingJobGuard (SML-MEASURE): a guarded training job that ended in the last day ran on a larger '
        + 'instance type than its measured peaks needed; its log line names the smaller type.',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const lowAlarm = (id: string, metric: cloudwatch.Metric, what: string): cloudwatch.Alarm => metric.createAlarm(this, id, {
      alarmDescription: `cdk-sustainable-ml TrainingJobGuard (SML-MEASURE): the ${what} that ended in the last day averaged under `
        + `${numberForHumans(lowUtilization, ' %')}; their log lines hold a right-sizing recommendation each.`,
      threshold: lowUtilization,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.lowCpuUtilizationAlarm = lowAlarm('LowCpuUtilizationAlarm',
      this.metricJobCpuUtilization({ acceleratorKind: AcceleratorKind.NONE, period: day }), 'CPU-only guarded training jobs (CPU per vCPU)');
    this.lowGpuUtilizationAlarm = lowAlarm('LowGpuUtilizationAlarm',
      this.metricJobGpuUtilization({ acceleratorKind: AcceleratorKind.NVIDIA_GPU, period: day }), 'GPU guarded training jobs (utilisation per GPU)');
    if (props.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(props.alarmTopic);
      for (const alarm of [this.overProvisionedAlarm, this.lowCpuUtilizationAlarm, this.lowGpuUtilizationAlarm]) alarm.addAlarmAction(action);
    }

    acknowledgeWildcards(this, [
      {
        finding: /^Resource::\*$/,
        reason: 'sagemaker:Search / sagemaker:ListTrainingJobs and cloudwatch:GetMetricData do not support resource-level permissions; '
          + 'every other action is scoped to training jobs or to the guard\'s own log group.',
      },
      {
        finding: new RegExp(`^Resource::${nagArn('sagemaker', 'training-job/\\*')}$`),
        reason: 'The guard watches training jobs that do not exist at deploy time: DescribeTrainingJob and StopTrainingJob '
          + `are conditioned on aws:ResourceTag/${GuardTags.GUARD}=${GUARD_ENABLED}; with list discovery ListTags reads the `
          + 'tags of running jobs to find the guarded ones.',
      },
    ]);
  }

  /** Training jobs stopped by the guard (Sum). */
  public metricJobsStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(GUARD_METRICS.JOBS_STOPPED, props);
  }

  /**
   * Accelerator-hours (GPU-hours or Trainium device-hours) saved by stops (Sum): an upper bound, the hours each
   * stopped job had left until its MaxRuntime, times its instances and accelerators per instance.
   */
  public metricAcceleratorHoursSaved(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(GUARD_METRICS.ACCELERATOR_HOURS_SAVED, props);
  }

  /** Instance-hours saved by stops (Sum), an upper bound like `metricAcceleratorHoursSaved`. */
  public metricInstanceHoursSaved(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(GUARD_METRICS.INSTANCE_HOURS_SAVED, props);
  }

  /** Jobs a dry-run guard would have stopped (Sum). */
  public metricJobsWouldStop(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(GUARD_METRICS.JOBS_WOULD_STOP, props);
  }

  /** Guarded training jobs whose end the guard reported (Sum; SML-MEASURE). */
  public metricJobsEnded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(RIGHT_SIZING_METRICS.JOBS_ENDED, props);
  }

  /**
   * Ended guarded jobs that a smaller type of their family would have done (Sum; one data point per job with a
   * verdict: 1 over-provisioned, 0 right-sized, so Average is the over-provisioned share).
   */
  public metricJobsOverProvisioned(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(RIGHT_SIZING_METRICS.JOBS_OVER_PROVISIONED, props);
  }

  /** Instance-hours of ended guarded jobs that a smaller type would have done (Sum: run hours x instances). */
  public metricOverProvisionedInstanceHours(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(RIGHT_SIZING_METRICS.OVER_PROVISIONED_INSTANCE_HOURS, props);
  }

  /** CPU utilisation of ended guarded jobs, percent of their vCPUs (Average over the jobs of the period). */
  public metricJobCpuUtilization(props?: JobUtilizationMetricOptions): cloudwatch.Metric {
    return this.utilization(RIGHT_SIZING_METRICS.CPU_AVERAGE, RIGHT_SIZING_METRICS.CPU_PEAK, props);
  }

  /** Memory utilisation of ended guarded jobs, percent (Average over the jobs of the period). */
  public metricJobMemoryUtilization(props?: JobUtilizationMetricOptions): cloudwatch.Metric {
    return this.utilization(RIGHT_SIZING_METRICS.MEMORY_AVERAGE, RIGHT_SIZING_METRICS.MEMORY_PEAK, props);
  }

  /** GPU utilisation of ended guarded GPU jobs, percent per GPU (Average over the jobs of the period). */
  public metricJobGpuUtilization(props?: JobUtilizationMetricOptions): cloudwatch.Metric {
    return this.utilization(RIGHT_SIZING_METRICS.GPU_AVERAGE, RIGHT_SIZING_METRICS.GPU_PEAK, props);
  }

  /** GPU memory utilisation of ended guarded GPU jobs, percent per GPU (Average over the jobs of the period). */
  public metricJobGpuMemoryUtilization(props?: JobUtilizationMetricOptions): cloudwatch.Metric {
    return this.utilization(RIGHT_SIZING_METRICS.GPU_MEMORY_AVERAGE, RIGHT_SIZING_METRICS.GPU_MEMORY_PEAK, props);
  }

  /** Disk utilisation of ended guarded jobs, percent of the volume (Average over the jobs of the period). */
  public metricJobDiskUtilization(props?: JobUtilizationMetricOptions): cloudwatch.Metric {
    return this.utilization(RIGHT_SIZING_METRICS.DISK_AVERAGE, RIGHT_SIZING_METRICS.DISK_PEAK, props);
  }

  private utilization(average: string, peak: string, props: JobUtilizationMetricOptions = {}): cloudwatch.Metric {
    const { peak: wantPeak, instanceType, acceleratorKind, ...options } = props;
    if (instanceType !== undefined && acceleratorKind !== undefined) {
      refuse('SML-MEASURE', {
        prop: 'instanceType', value: instanceType, problem: 'cannot be combined with acceleratorKind (the guard publishes no such dimension set)',
        fix: 'give one of instanceType and acceleratorKind',
      });
    }
    const dimensionsMap: Record<string, string> = { [RIGHT_SIZING_DIMENSIONS.FUNCTION_NAME]: this.function.functionName };
    if (instanceType !== undefined) dimensionsMap[RIGHT_SIZING_DIMENSIONS.INSTANCE_TYPE] = instanceType;
    if (acceleratorKind !== undefined) dimensionsMap[RIGHT_SIZING_DIMENSIONS.ACCELERATOR_KIND] = acceleratorKind;
    return this.metric(wantPeak ? peak : average, { statistic: 'Average', ...options, dimensionsMap: { ...dimensionsMap, ...options.dimensionsMap } });
  }

  private metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: TrainingJobGuard.METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { FunctionName: this.function.functionName },
      statistic: 'Sum',
      period: Duration.hours(1),
      ...props,
    });
  }
}


/** Guards per stack: a second one warns (SML-GUARD). */
const guardsInStack = new WeakMap<Stack, TrainingJobGuard>();

/** A second guard in one stack sweeps the same tagged jobs again: warn (SML-GUARD). */
function warnSecondGuard(guard: TrainingJobGuard): void {
  const stack = Stack.of(guard);
  const first = guardsInStack.get(stack);
  if (first) {
    warn(guard, 'SML-GUARD', `${first.node.path} already guards this stack's account and region: both sweep every job tagged ${GuardTags.GUARD}=${GUARD_ENABLED}, doubling the API calls and the stop attempts; keep one guard per account and region`);
  } else {
    guardsInStack.set(stack, guard);
  }
}

/** A sweep this rare lets most jobs (MaxRuntime 8 hours by default) end before it sees them (SML-GUARD warns). */
const RAREST_USEFUL_SCHEDULE = Duration.days(1);

/**
 * Percent settings at which a check never acts or acts on every job (SML-GUARD warns), from the handler's rules
 * (lambda/training-job-guard/evaluate.ts): a job is idle when its peak utilisation is below `idleThresholdPercent`;
 * it has stalled unless the objective improves by more than `minImprovementPercent`; it overfits when validation
 * worsens by at least `overfitMinChangePercent`.
 */
const DEGENERATE_PERCENTS: { prop: keyof TrainingJobGuardProps; value: number; effect: string }[] = [
  { prop: 'idleThresholdPercent', value: 0, effect: 'no utilisation is below 0 %, so the guard never stops an idle job' },
  { prop: 'idleThresholdPercent', value: 100, effect: 'every job whose accelerators are not busy 100 % of every minute counts as idle, so the guard stops nearly every job' },
  { prop: 'minImprovementPercent', value: 100, effect: 'only an objective that more than doubles its improvement counts as improving, so the guard stops nearly every job with an objective as stalled' },
  { prop: 'overfitMinChangePercent', value: 0, effect: 'any worsening of the validation metric, noise included, counts as overfitting' },
  { prop: 'overfitMinChangePercent', value: 100, effect: 'the validation metric must worsen by 100 % first, so the guard practically never stops an overfitting job' },
];

function validate(scope: TrainingJobGuard, props: TrainingJobGuardProps, schedule: Duration, idleWindow: Duration, lookback: Duration): void {
  const between = (prop: keyof TrainingJobGuardProps, min: number, max: number, integer: boolean, fix: string, ruleId = 'SML-GUARD'): void => {
    const value = checkNumber(ruleId, prop, props[prop]);
    if (value === undefined) return;
    if (!isKnownNumber(value)) {
      deferred(scope, ruleId, prop, `its range (${min}–${max}) is not checked at synth; the handler ignores a value outside it and uses the default`);
      return;
    }
    if (value < min || value > max || (integer && !Number.isInteger(value))) {
      refuse(ruleId, {
        prop, value, problem: `must be ${integer ? 'an integer ' : ''}between ${min} and ${max}`, fix,
      });
    }
  };
  between('idleThresholdPercent', 0, 100, false, 'give a percentage per accelerator, e.g. 5');
  between('stallPoints', 2, 1000, true, 'give the number of objective points without improvement, e.g. 10');
  between('overfitPoints', 3, 1000, true, 'give the number of recent points to judge the trend on, e.g. 5');
  between('minImprovementPercent', 0, 100, false, 'give a relative improvement in percent, e.g. 0.1');
  between('overfitMinChangePercent', 0, 100, false, 'give a relative change in percent, e.g. 1');
  between('rightSizingHeadroomPercent', 0, 100, false, 'give a headroom in percent, e.g. 20', 'SML-MEASURE');
  between('lowUtilizationThresholdPercent', 0, 100, false, 'give an average utilisation in percent, e.g. 20', 'SML-MEASURE');
  for (const d of DEGENERATE_PERCENTS) {
    if (props[d.prop] === d.value) warn(scope, 'SML-GUARD', `${d.prop} ${d.value}: ${d.effect}`);
  }
  // The handler reads whole minutes; a deploy-time Duration must be in minutes (or hours/days for the schedule).
  const minutes = (prop: string, d: Duration): number | undefined => {
    const m = durationIn(d, 'minutes', 'SML-GUARD', prop);
    if (isKnownNumber(m)) return m;
    deferred(scope, 'SML-GUARD', prop, 'its limits are not checked at synth (whole minutes; the idle window at least 5 and within the lookback of at most a day); the handler ignores a value outside them and uses the default');
    return undefined;
  };
  const w = minutes('idleWindow', idleWindow);
  const l = minutes('metricLookback', lookback);
  if (w !== undefined && (w < 5 || !Number.isInteger(w))) {
    refuse('SML-GUARD', {
      prop: 'idleWindow', value: idleWindow, problem: 'must be whole minutes, at least 5 (metrics come every minute)',
      fix: 'use e.g. Duration.minutes(30)',
    });
  }
  if (l !== undefined && (l > 24 * 60 || !Number.isInteger(l))) {
    refuse('SML-GUARD', {
      prop: 'metricLookback', value: lookback, problem: 'must be whole minutes, at most one day',
      fix: 'use e.g. Duration.hours(3)',
    });
  }
  if (w !== undefined && l !== undefined && l < w) {
    refuse('SML-GUARD', {
      prop: 'metricLookback', value: lookback, problem: `is shorter than idleWindow (${idleWindow.toHumanString()})`,
      fix: 'make metricLookback at least as long as idleWindow',
    });
  }
  if (schedule.isUnresolved()) {
    // EventBridge rates take minutes, hours or days: Schedule.rate renders rate(<value> <unit>) at deploy time.
    if (!['minutes', 'hours', 'days'].includes(schedule.unitLabel())) durationIn(schedule, 'minutes', 'SML-GUARD', 'schedule');
    deferred(scope, 'SML-GUARD', 'schedule', 'EventBridge checks the rate when the rule is created (a whole number; a value of 1 needs the singular unit, which a deploy-time value cannot choose: give at least 2)');
  } else if (schedule.toMinutes({ integral: false }) < 1) {
    refuse('SML-GUARD', { prop: 'schedule', value: schedule, problem: 'must be at least one minute', fix: 'use e.g. Duration.minutes(5)' });
  } else if (schedule.toSeconds() >= RAREST_USEFUL_SCHEDULE.toSeconds()) {
    warn(scope, 'SML-GUARD', `schedule ${schedule.toHumanString()}: the guard sweeps once a day or less often, so most jobs (MaxRuntime 8 hours by default) end before a sweep sees them, and an idle job runs until the next one; sweep every few minutes (the default is 5)`);
  }
}
