import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from '../private/acknowledge';
import { refuse, warn } from '../private/messages';
import { CARBON_AWARE_START_PATH, CarbonAwareStartLoop, CarbonAwareStartOptions, CarbonAwareStartPlan } from './carbon-aware-start';
import { TrainingPipeline } from './pipeline';
import { executionLogGroup, executionLogging } from './private/execution-log';

/** Properties of a `CarbonAwareSchedule`. */
export interface CarbonAwareScheduleProps {
  /** The pipeline to start. */
  readonly pipeline: TrainingPipeline;
  /**
   * When to begin looking for a low-carbon window (EventBridge Scheduler), e.g.
   * `scheduler.ScheduleExpression.cron({ hour: '18', minute: '0' })`. Each firing starts one search, which ends by
   * starting the pipeline once.
   */
  readonly schedule: scheduler.ScheduleExpression;
  /** How long to wait, at most, and for what intensity (SML-TIMESHIFT). */
  readonly carbonAwareStart: CarbonAwareStartOptions;
  /**
   * Values for the pipeline's parameters in each run (e.g. `InstanceType`), by name.
   * @default - the pipeline's defaults
   */
  readonly pipelineParameters?: { [name: string]: string };
  /**
   * Whether the schedule is enabled.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * AWS X-Ray tracing of the state machine's executions (an organisation's choice, e.g. AWS Control Tower's
   * CT.STEPFUNCTIONS.PR.2). It adds trace storage and little insight to a workflow that waits and makes one call.
   * @default false
   */
  readonly tracingEnabled?: boolean;
  /**
   * Retention of the state machine's execution log (SML-LOGS). `RetentionDays.INFINITE` is refused.
   * @default logs.RetentionDays.ONE_MONTH (the library's DEFAULT_LOG_RETENTION)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Bring your own log group for execution logs (its retention is yours to bound; one of this app that keeps its
   * logs forever warns, SML-LOGS).
   * @default - a new log group under /aws/vendedlogs/states/ with `logRetention`
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
}

/** The most a StartPipelineExecution call is retried (with the same ClientRequestToken, so a run starts once). */
const START_ATTEMPTS = 3;

/**
 * Carbon-aware start for a `TrainingPipeline` (SML-TIMESHIFT). SageMaker Pipelines has no wait loop, so an
 * EventBridge Scheduler schedule starts a small Standard state machine that waits for a low-carbon window with the
 * same loop as `TrainingWorkflow.carbonAwareStart` (bounded by `maxDelay`, failing open) and then starts the pipeline
 * with the SDK integration `arn:aws:states:::aws-sdk:sagemaker:startPipelineExecution`. The execution output records
 * the decision (`carbonAwareStart`) and the pipeline execution's ARN; the pipeline execution's description says why
 * it started.
 *
 * ```ts
 * new CarbonAwareSchedule(this, 'NightlyWhenClean', {
 *   pipeline,
 *   schedule: scheduler.ScheduleExpression.cron({ hour: '18', minute: '0' }),
 *   carbonAwareStart: { source: CarbonIntensitySource.electricityMaps({ connection, zone: 'DE' }), threshold: 200, maxDelay: Duration.hours(12) },
 * });
 * ```
 */
export class CarbonAwareSchedule extends Construct {
  /** The state machine that waits for the window and starts the pipeline. */
  public readonly stateMachine: sfn.StateMachine;
  /** The EventBridge Scheduler schedule that starts the state machine. */
  public readonly schedule: scheduler.Schedule;
  /** The execution log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The pipeline it starts. */
  public readonly pipeline: TrainingPipeline;
  /** The carbon-aware start options. */
  public readonly carbonAwareStart: CarbonAwareStartOptions;
  /**
   * The wait's bounds.
   * @internal
   */
  public readonly _carbonAwareStartPlan: CarbonAwareStartPlan;

  constructor(scope: Construct, id: string, props: CarbonAwareScheduleProps) {
    super(scope, id);
    this.pipeline = props.pipeline;
    this.carbonAwareStart = props.carbonAwareStart;
    const stack = Stack.of(this);
    const parameters = this.pipelineParameters(props.pipelineParameters ?? {});

    // --- start the pipeline once: one ClientRequestToken per execution, kept across retries ---------------------------
    const p = CARBON_AWARE_START_PATH;
    const token = new sfn.Pass(this, 'Name pipeline execution', {
      comment: 'One idempotency token per execution (StartPipelineExecution ClientRequestToken, 32–128 characters)',
      parameters: { 'clientRequestToken.$': 'States.UUID()' },
      resultPath: '$.run',
    });
    const startPipeline = new sfn.CustomState(this, 'Start pipeline execution', {
      stateJson: {
        Type: 'Task',
        Comment: `SML-TIMESHIFT: StartPipelineExecution ${props.pipeline.pipelineName}`,
        // https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html: SDK integrations take the
        // API's request members in PascalCase.
        Resource: `arn:${stack.partition}:states:::aws-sdk:sagemaker:startPipelineExecution`,
        Parameters: {
          PipelineName: props.pipeline.pipelineName,
          'ClientRequestToken.$': '$.run.clientRequestToken',
          'PipelineExecutionDescription.$': `States.Format('Carbon-aware start (SML-TIMESHIFT): {}, intensity {} gCO2e/kWh, threshold {}, waited {} s', ${p}.reason, ${p}.intensity, ${p}.threshold, ${p}.waitedSeconds)`,
          ...(parameters.length ? { PipelineParameters: parameters } : {}),
        },
        ResultSelector: { 'pipelineExecutionArn.$': '$.PipelineExecutionArn' },
        ResultPath: '$.started',
        // The same token on every attempt: SageMaker starts the run at most once.
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: START_ATTEMPTS - 1, BackoffRate: 2 }],
      },
    });
    startPipeline.addCatch(new sfn.Fail(this, 'Pipeline not started', { error: 'PipelineNotStarted', causePath: '$.error.Cause' }), { errors: ['States.ALL'], resultPath: '$.error' });
    const started = new sfn.Pass(this, 'Pipeline started', {
      parameters: { [`carbonAwareStart.$`]: p, 'pipelineExecutionArn.$': '$.started.pipelineExecutionArn' },
      outputPath: '$.result',
      resultPath: '$.result',
    });
    token.next(startPipeline).next(started);

    const loop = new CarbonAwareStartLoop(this, props.carbonAwareStart, token);
    this._carbonAwareStartPlan = loop.plan;
    this.logGroup = executionLogGroup(this, props);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(loop.startState),
      // The longest wait, plus an hour for starting the pipeline (the pipeline runs on its own).
      timeout: Duration.seconds(loop.plan.worstCaseSeconds + 3600),
      logs: executionLogging(this.logGroup),
      tracingEnabled: props.tracingEnabled,
      comment: `Carbon-aware start of the SageMaker pipeline ${props.pipeline.pipelineName} (SML-TIMESHIFT)`,
    });
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html:
    // StartPipelineExecution on the pipeline resource (arn:...:pipeline/<name>) only.
    props.pipeline.grantStartPipelineExecution(this.stateMachine.role);
    props.carbonAwareStart.source._grant(this, this.stateMachine);

    // EventBridge Scheduler starts the state machine with its own execution role: states:StartExecution on this state
    // machine only, assumed by scheduler.amazonaws.com for this account
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role).
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: props.schedule,
      target: new targets.StepFunctionsStartExecution(this.stateMachine, { input: scheduler.ScheduleTargetInput.fromObject({}) }),
      description: `Looks for a low-carbon window, then starts the SageMaker pipeline ${props.pipeline.pipelineName} (SML-TIMESHIFT)`,
      enabled: props.enabled ?? true,
    });
    this.warnOverlap(props.schedule, loop.plan);

    if (!props.tracingEnabled) {
      Validations.of(this.stateMachine).acknowledge({
        id: 'AwsSolutions-SF2',
        reason: 'X-Ray tracing (opt-in: tracingEnabled) adds little to a workflow that waits and makes one SageMaker call; execution history and the ALL-level log show every step.',
      });
    }
    acknowledgeWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'The CloudWatch Logs delivery actions Step Functions needs for execution logging and, with tracingEnabled, the X-Ray actions support no resource-level permissions.' },
    ]);
  }

  /** The PipelineParameters list; every name must be one of the pipeline's parameters. */
  private pipelineParameters(values: { [name: string]: string }): { Name: string; Value: string }[] {
    const declared = (this.pipeline.definition.Parameters as { Name: string }[]).map((x) => x.Name);
    return Object.entries(values).map(([name, value]) => {
      if (!declared.includes(name)) {
        refuse('SML-MANAGED', {
          prop: 'pipelineParameters',
          value: name,
          problem: `is not a parameter of the pipeline (it has ${declared.map((d) => `'${d}'`).join(', ') || 'none'})`,
          fix: 'use one of the pipeline\'s parameter names',
        });
      }
      return { Name: name, Value: value };
    });
  }

  /**
   * A rate schedule that fires more often than `maxDelay` starts searches that overlap, each ending in a pipeline
   * run (cron expressions are not evaluated at synth).
   */
  private warnOverlap(expression: scheduler.ScheduleExpression, plan: CarbonAwareStartPlan): void {
    const text = expression.expressionString;
    const m = Token.isUnresolved(text) ? null : /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
    if (!m) return;
    const unit = m[2].startsWith('minute') ? 60 : m[2].startsWith('hour') ? 3600 : 86400;
    const period = Number(m[1]) * unit;
    if (period < plan.maxWaits * plan.checkEverySeconds) {
      warn(this, 'SML-TIMESHIFT', `schedule ${text} fires more often than the longest wait (${Duration.seconds(plan.maxWaits * plan.checkEverySeconds).toHumanString()}): searches overlap and each starts a pipeline run; fire at most once per maxDelay`);
    }
  }
}
