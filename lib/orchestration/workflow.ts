import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { contextBudget, enforceBudget } from '../carbon/budget';
import { Footprint } from '../carbon/footprint';
import { checkRegion } from '../carbon/region-carbon';
import { acknowledgeWildcards, nagArn } from '../private/acknowledge';
import { refuse } from '../private/messages';
import { checkDuration, deferred, durationIn } from '../private/synth-value';
import { SustainableTrainingJob } from '../training/training-job';
import { stepFunctionsNaming } from '../training/private/naming';
import { SustainableTuningJob } from '../tuning/tuning-job';
import { WarmStartParent } from '../tuning/warm-start';
import { AcceptanceGate, BEST_OBJECTIVE_PATH, escapeIntrinsic, finalMetricSelector, resolveGatedJob } from './acceptance';
import { executionLogGroup, executionLogging } from './private/execution-log';
import { CARBON_AWARE_START_PATH, CarbonAwareStartLoop, CarbonAwareStartOptions, CarbonAwareStartPlan, planCarbonAwareStart } from './carbon-aware-start';

/**
 * How many of the newest completed tuning jobs whose name contains a warm-start prefix are listed (the API's
 * maximum page); the walk stops at the first run of the prefix.
 */
const WARM_START_CANDIDATES = 100;

/**
 * The options of a `TrainingWorkflow` other than the jobs it runs (SustainableMlPlatform.addTrainingWorkflow takes
 * them for the workflow it builds).
 */
export interface TrainingWorkflowOptions {
  /**
   * Fail the execution when the final objective misses its target (SML-ACCEPT). Turning it off warns.
   * @default true when the objective has a target
   */
  readonly acceptanceGate?: boolean;
  /**
   * Retention of the state machine's execution log (SML-LOGS). `RetentionDays.INFINITE` is refused.
   * @default - the app's context `cdk-sustainable-ml:logRetention` when set, else logs.RetentionDays.ONE_MONTH (the library's DEFAULT_LOG_RETENTION)
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
  /**
   * Carbon-aware start (SML-TIMESHIFT): before the expensive step (after a baseline that missed its target, before
   * tuning or training), wait until the grid's carbon intensity is at or below a threshold, at most `maxDelay` (one
   * day or less). A failing source is retried a few times, then the run starts anyway. The execution output records
   * the decision under `carbonAwareStart`: `reason` (BELOW_THRESHOLD, DEADLINE or SOURCE_FAILED), `intensity`,
   * `threshold`, `waits`, `waitedSeconds`, `decidedAt` and, when the source failed, `sourceError`.
   * @default - no wait: the expensive step starts at once
   */
  readonly carbonAwareStart?: CarbonAwareStartOptions;
  /**
   * Execution timeout (SML-MAXRUN). A deploy-time value (token) must be in seconds.
   * @default - the baseline's and the job's longest run (MaxWait, or MaxRuntime without spot; a tuning job's MaxRuntime) plus one hour for provisioning and upload, plus the carbon-aware start's longest wait; none when one of the jobs' limits is a deploy-time value (the jobs stay bounded by their own limits)
   */
  readonly timeout?: Duration;
  /**
   * State machine name.
   * @default - generated
   */
  readonly stateMachineName?: string;
  /**
   * AWS X-Ray tracing of executions (an organisation's choice, e.g. AWS Control Tower's CT.STEPFUNCTIONS.PR.2). It
   * adds trace storage and little insight to a workflow that waits on one SageMaker job.
   * @default false
   */
  readonly tracingEnabled?: boolean;
  /**
   * The most kgCO2e one execution may emit in the worst case (SML-BUDGET): synth fails, with the figures, when the
   * worst case (every job at full power for its whole bound, the baseline missing its target) exceeds it. In an
   * environment-agnostic stack the worst case uses the highest grid factor in the table. Synth-time only: the budget
   * is checked when the app synthesizes, so a token (deploy-time value) is refused.
   * @default - the context value `cdk-sustainable-ml:carbonBudget`, else FootprintReport's `carbonBudget`, else none
   */
  readonly carbonBudget?: number;
}

/** Properties of a `TrainingWorkflow`. */
export interface TrainingWorkflowProps extends TrainingWorkflowOptions {
  /**
   * The training job each execution runs. Give this or `tuningJob`.
   * @default - none: `tuningJob` is required then
   */
  readonly trainingJob?: SustainableTrainingJob;
  /**
   * The tuning job each execution runs (`createHyperParameterTuningJob.sync`). Give this or `trainingJob`.
   * @default - none: `trainingJob` is required then
   */
  readonly tuningJob?: SustainableTuningJob;
  /**
   * A cheap job that runs first (SML-BASELINE): when it meets the objective's target, the expensive training or
   * tuning job does not run. It must report the same objective metric. The execution output records both jobs'
   * objectives and resources: a training job's billable and training seconds; for a tuning job, the wall-clock
   * runtime of the whole search, its training jobs by status, and the best training job's billable and training
   * seconds.
   * @default - no baseline
   */
  readonly baseline?: SustainableTrainingJob;
}

/**
 * The fields a training task keeps; with a gate, also the objective's reported values (`Objective`, a list that is
 * empty when the metric was never reported).
 */
function trainingResultSelector(job: SustainableTrainingJob, withObjective: boolean): { [key: string]: string } {
  return {
    'TrainingJobName.$': '$.TrainingJobName',
    'TrainingJobStatus.$': '$.TrainingJobStatus',
    'FinalMetricDataList.$': '$.FinalMetricDataList',
    'BillableTimeInSeconds.$': '$.BillableTimeInSeconds',
    'TrainingTimeInSeconds.$': '$.TrainingTimeInSeconds',
    'ModelArtifacts.$': '$.ModelArtifacts',
    ...(withObjective && job.objective ? { 'Objective.$': finalMetricSelector(job.objective.metricName) } : {}),
  };
}

/**
 * A Standard Step Functions workflow (SML-MANAGED: nothing stays up between runs) that runs a SustainableTrainingJob
 * with `createTrainingJob.sync` or a SustainableTuningJob with `createHyperParameterTuningJob.sync`, optionally
 * after a cheap baseline (SML-BASELINE), and then an acceptance gate (SML-ACCEPT) that fails the execution when the
 * objective misses its target. The task parameters are the jobs' own rendered requests. With `carbonAwareStart`
 * (SML-TIMESHIFT), the expensive step waits, bounded and failing open, for a lower-carbon window.
 *
 * Names: a training job is `<prefix>-<uuid>` (≤ 63). A tuning job is `<prefix ≤ 15>-<16 hex>` (≤ 32): the first
 * three groups of one `States.UUID()` (8 + 4 + 4 hex, 60 random bits; the fourth hex of the third group is the
 * UUID version), so a prefix reaches a 50 % chance of one collision only after about 10⁹ runs.
 *
 * Warm-start parents looked up at run time: ListHyperParameterTuningJobs matches names by substring only
 * (`NameContains`), so the newest completed jobs whose name contains `<prefix>-` are listed and walked newest
 * first until one is named `<prefix>-<id without hyphens>`, which only this prefix's runs are (a run of `xgb` is
 * `xgb-<16 hex>`; `churn-xgb-…` and `xgb-nightly-…` are not). When no listed job matches, the run starts cold.
 */
export class TrainingWorkflow extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The execution log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The training job (for a tuning workflow: the job being tuned). */
  public readonly trainingJob: SustainableTrainingJob;
  /** The tuning job, when the workflow tunes. */
  public readonly tuningJob?: SustainableTuningJob;
  /** The baseline, if any. */
  public readonly baseline?: SustainableTrainingJob;
  /** The acceptance gate, when the objective has a target and the gate is on. */
  public readonly gate?: AcceptanceGate;
  /** The carbon-aware start options, when the workflow waits for a lower-carbon window (SML-TIMESHIFT). */
  public readonly carbonAwareStart?: CarbonAwareStartOptions;
  /**
   * The carbon-aware start's bounds (threshold, waits, worst case), when on.
   * @internal
   */
  public readonly _carbonAwareStartPlan?: CarbonAwareStartPlan;
  /** The carbon budget per execution (kgCO2e), from the prop or the context (SML-BUDGET). */
  public readonly carbonBudget?: number;

  constructor(scope: Construct, id: string, props: TrainingWorkflowProps) {
    super(scope, id);
    const resolved = resolveGatedJob(this, props);
    this.trainingJob = resolved.trainingJob;
    this.tuningJob = resolved.tuningJob;
    this.baseline = props.baseline;
    this.gate = resolved.gate;
    const job = this.trainingJob;
    const tuning = this.tuningJob;

    this.carbonAwareStart = props.carbonAwareStart;
    this._carbonAwareStartPlan = props.carbonAwareStart ? planCarbonAwareStart(this, props.carbonAwareStart) : undefined;
    const timeout = this.executionTimeout(props);

    this.logGroup = executionLogGroup(this, props);

    // --- names: one per execution ---------------------------------------------------------------------------
    const nameParameters: { [key: string]: string } = {};
    if (props.baseline) nameParameters['baselineJobName.$'] = `States.Format('${props.baseline.jobNamePrefix}-{}', States.UUID())`;
    if (tuning) {
      nameParameters['uuid.$'] = "States.StringSplit(States.UUID(), '-')";
    } else {
      nameParameters['jobName.$'] = `States.Format('${job.jobNamePrefix}-{}', States.UUID())`;
    }
    const name = new sfn.Pass(this, 'Name run', {
      comment: tuning ? 'One unique job name per execution (tuning job names: ≤ 32 characters)' : 'One unique training job name per execution',
      parameters: nameParameters,
      resultPath: '$.run',
    });
    // --- the main job (train or tune) and its gate ---------------------------------------------------------------
    const done = new sfn.Succeed(this, 'Done');
    let mainStart: sfn.State;
    if (tuning) {
      const nameTuning = new sfn.Pass(this, 'Name tuning run', {
        comment: 'Tuning job name: <prefix>-<first three UUID groups> (32 characters at most)',
        parameters: { 'jobName.$': `States.Format('${tuning.jobNamePrefix}-{}{}{}', $.run.uuid[0], $.run.uuid[1], $.run.uuid[2])` },
        resultPath: '$.run.tuning',
      });
      mainStart = nameTuning;
      const tuneStates = this.tuneStates(tuning, done);
      nameTuning.next(tuneStates);
    } else {
      mainStart = this.trainStates(job, done);
    }
    // --- carbon-aware start: the wait goes before the expensive step only (SML-TIMESHIFT) -----------------------------
    const carbonLoop = props.carbonAwareStart ? new CarbonAwareStartLoop(this, props.carbonAwareStart, mainStart) : undefined;
    if (carbonLoop) mainStart = carbonLoop.startState;

    // --- an optional baseline first ---------------------------------------------------------------------------------
    if (props.baseline) {
      const baseline = props.baseline;
      const bTask = new sfn.CustomState(this, 'Baseline', {
        stateJson: {
          Type: 'Task',
          Comment: `Baseline (SML-BASELINE), CreateTrainingJob.sync: ${baseline.appliedRules.join(', ')}`,
          Resource: `arn:${Stack.of(this).partition}:states:::sagemaker:createTrainingJob.sync`,
          Parameters: baseline._renderWith(stepFunctionsNaming('$.run.baselineJobName')),
          ResultSelector: trainingResultSelector(baseline, true),
          ResultPath: '$.baseline',
        },
      });
      bTask.addCatch(new sfn.Fail(this, 'Baseline failed', { error: 'BaselineFailed', causePath: '$.error.Cause' }), { errors: ['States.ALL'], resultPath: '$.error' });
      const gate = resolved.baselineGate!;
      const value = '$.baseline.Objective[0]';
      const acceptBaseline = new sfn.Pass(this, 'Accept baseline', {
        comment: 'The baseline meets the target: the expensive job does not run',
        parameters: { ...this.recordHeader(gate, 'baseline'), baseline: this.trainingRecord('$.baseline') },
        resultPath: '$.result',
        outputPath: '$.result',
      });
      acceptBaseline.next(done);
      const choice = new sfn.Choice(this, 'Baseline meets target?', { comment: `SML-BASELINE: ${gate.metricName} ${gate.stepFunctionsOperator} ${gate.targetText}` })
        .when(gate.acceptsCondition(value), acceptBaseline)
        .otherwise(mainStart);
      name.next(bTask);
      bTask.next(choice);
    } else {
      name.next(mainStart);
    }

    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(name),
      timeout,
      logs: executionLogging(this.logGroup),
      tracingEnabled: props.tracingEnabled,
      comment: `Sustainable ${tuning ? 'tuning' : 'training'} workflow for ${tuning ? tuning.jobNamePrefix : job.jobNamePrefix}`,
    });
    if (tuning) this.grantTuningJob(tuning);
    else this.grantTrainingJob(job);
    if (props.baseline) this.grantTrainingJob(props.baseline);
    props.carbonAwareStart?.source._grant(this, this.stateMachine);

    // --- the region and the carbon budget (SML-REGION, SML-BUDGET) -------------------------------------------------------
    checkRegion(this);
    this.carbonBudget = props.carbonBudget ?? contextBudget(this);
    if (this.carbonBudget !== undefined) {
      enforceBudget(this, Footprint.ofWorkflow(this), this.carbonBudget, props.carbonBudget !== undefined ? 'carbonBudget' : 'context cdk-sustainable-ml:carbonBudget');
    }

    if (!props.tracingEnabled) {
      Validations.of(this.stateMachine).acknowledge({
        id: 'AwsSolutions-SF2',
        reason: 'X-Ray tracing (opt-in: tracingEnabled) adds little to a workflow that waits on one SageMaker job; execution history and the ALL-level log show every step.',
      });
    }
    acknowledgeWildcards(this, [
      { finding: new RegExp(`^Resource::${nagArn('sagemaker', 'training-job/[a-z0-9-]+-\\*')}$`), reason: 'Each execution names its training job <prefix>-<uuid>, so the SageMaker permissions cover that prefix only.' },
      { finding: new RegExp(`^Resource::${nagArn('sagemaker', 'hyper-parameter-tuning-job/[a-z0-9-]+-\\*')}$`), reason: 'Each execution names its tuning job <prefix>-<16 hex>, so the SageMaker permissions cover that prefix only.' },
      { finding: /^Resource::\*$/, reason: 'The CloudWatch Logs delivery actions Step Functions needs for execution logging, ListHyperParameterTuningJobs (warm-start lookup) and, with tracingEnabled, the X-Ray actions support no resource-level permissions.' },
    ]);
  }

  /**
   * The execution timeout (SML-MAXRUN): given, or the baseline's and the job's longest run plus an hour. When a
   * limit is a deploy-time value, a given timeout is not compared with it, and none is derived: executions are then
   * bounded by the jobs' own limits (MaxWait / MaxRuntime), which SageMaker enforces.
   */
  private executionTimeout(props: TrainingWorkflowProps): Duration | undefined {
    const job = this.trainingJob;
    const tuning = this.tuningJob;
    const given = checkDuration('SML-MAXRUN', 'timeout', props.timeout);
    if (given) durationIn(given, 'seconds', 'SML-MAXRUN', 'timeout'); // Step Functions takes TimeoutSeconds
    const longest = tuning ? tuning.maxRuntime : job.maxWait ?? job.maxRuntime;
    const longestProp = tuning ? 'tuningJob.maxRuntime' : job.maxWait ? 'trainingJob.maxWait' : 'trainingJob.maxRuntime';
    const baselineLongest = props.baseline ? props.baseline.maxWait ?? props.baseline.maxRuntime : Duration.seconds(0);
    const baselineProp = props.baseline?.maxWait ? 'baseline.maxWait' : 'baseline.maxRuntime';
    if (given?.isUnresolved()) {
      deferred(this, 'SML-MAXRUN', 'timeout', 'it is not compared with the jobs\' limits');
      return given;
    }
    const deployTimeLimit = longest.isUnresolved() ? longestProp : baselineLongest.isUnresolved() ? baselineProp : undefined;
    if (deployTimeLimit) {
      deferred(this, 'SML-MAXRUN', deployTimeLimit, given
        ? 'the timeout is not compared with it'
        : 'no execution timeout is derived from it: executions end with the job, which SageMaker bounds by its own limits');
      return given;
    }
    // The carbon-aware start's longest wait (SML-TIMESHIFT) comes before the job: the execution must outlast both.
    const carbonWait = this._carbonAwareStartPlan?.worstCaseSeconds ?? 0;
    const needed = longest.toSeconds() + baselineLongest.toSeconds() + carbonWait;
    const timeout = given ?? Duration.seconds(needed + 3600);
    if (timeout.toSeconds() < needed) {
      const what = tuning ? `tuning job's maxRuntime (${longest.toHumanString()})` : `job's ${job.maxWait ? 'maxWait' : 'maxRuntime'} (${longest.toHumanString()})`;
      refuse('SML-MAXRUN', {
        prop: 'timeout',
        value: timeout,
        problem: `is shorter than the ${what}${props.baseline ? ` plus the baseline's (${baselineLongest.toHumanString()})` : ''}`
          + `${carbonWait ? ` plus the carbon-aware start's longest wait (${Duration.seconds(carbonWait).toHumanString()})` : ''}, so executions would end while the job still runs`,
        fix: 'leave timeout unset (derived from the job) or make it longer',
      });
    }
    return timeout;
  }

  /** Train (createTrainingJob.sync) and the gate after it; returns the first state. */
  private trainStates(job: SustainableTrainingJob, done: sfn.Succeed): sfn.State {
    const train = new sfn.CustomState(this, 'Train', {
      stateJson: {
        Type: 'Task',
        Comment: `CreateTrainingJob.sync: ${job.appliedRules.join(', ')}`,
        Resource: `arn:${Stack.of(this).partition}:states:::sagemaker:createTrainingJob.sync`,
        Parameters: job._renderWith(stepFunctionsNaming('$.run.jobName')),
        ResultSelector: trainingResultSelector(job, !!this.gate),
        ResultPath: '$.training',
      },
    });
    const failed = new sfn.Fail(this, 'Training failed', {
      error: 'TrainingFailed',
      causePath: '$.error.Cause',
    });
    train.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    train.next(this.gateStates('$.training.Objective[0]', 'training', { training: this.trainingRecord('$.training') }, done));
    return train;
  }

  /** Warm-start lookups, Tune (createHyperParameterTuningJob.sync) and the gate; returns the first state. */
  private tuneStates(tuning: SustainableTuningJob, done: sfn.Succeed): sfn.State {
    const stack = Stack.of(this);
    const naming = stepFunctionsNaming('$.run.tuning.jobName');
    const runTime = (tuning.warmStart?.parents ?? []).filter((p) => p.resolvedAtRunTime);
    const slot = (p: WarmStartParent) => `$.warmStart.p${runTime.indexOf(p)}`;
    const tuneTask = (id: string, cold: boolean) => {
      const task = new sfn.CustomState(this, id, {
        stateJson: {
          Type: 'Task',
          Comment: `CreateHyperParameterTuningJob.sync${cold ? ' (no completed parent yet: cold start)' : ''}: ${tuning.appliedRules.join(', ')}`,
          Resource: `arn:${stack.partition}:states:::sagemaker:createHyperParameterTuningJob.sync`,
          Parameters: tuning._renderWith(naming, (p) => {
            if (p.name !== undefined) return { HyperParameterTuningJobName: p.name };
            return cold ? undefined : { 'HyperParameterTuningJobName.$': `${slot(p)}.cursor.name` };
          }),
          ResultPath: '$.tuning',
        },
      });
      task.addCatch(tuningFailed, { errors: ['States.ALL'], resultPath: '$.error' });
      task.next(gate);
      return task;
    };
    const tuningFailed = new sfn.Fail(this, 'Tuning failed', { error: 'TuningFailed', causePath: '$.error.Cause' });
    const record = {
      tuning: {
        'jobName.$': '$.tuning.HyperParameterTuningJobName',
        'bestTrainingJobName.$': '$.tuning.BestTrainingJob.TrainingJobName',
        'objective.$': `States.Array($.tuning.${BEST_OBJECTIVE_PATH})`,
        'trainingJobs.$': '$.tuning.TrainingJobStatusCounters',
        'runtimeSeconds.$': '$.tuning.ConsumedResources.RuntimeInSeconds',
        'bestBillableSeconds.$': '$.bestTrainingJob.BillableTimeInSeconds',
        'bestTrainingSeconds.$': '$.bestTrainingJob.TrainingTimeInSeconds',
      },
    };
    const gate = this.gateStates(`$.tuning.${BEST_OBJECTIVE_PATH}`, 'tuning', record, done, (accept) => this.measureTuning(accept));
    const tune = tuneTask('Tune', false);
    if (runTime.length === 0) return tune;

    // Parents looked up at run time: the newest completed run of each prefix; a cold start when one is missing.
    const cold = tuneTask('Tune cold', true);
    let first: sfn.State = tune;
    for (let i = runTime.length - 1; i >= 0; i--) {
      first = this.findParentStates(i + 1, tuning._parentPrefix(runTime[i]), slot(runTime[i]), first, cold);
    }
    return first;
  }

  /**
   * One run-time warm-start parent: list the newest completed tuning jobs whose name contains `<prefix>-` (a
   * substring match), then walk them newest first until one is named `<prefix>-<id without hyphens>` (`found`
   * reads it at `<slot>.cursor.name`); none: `notFound`. Returns the first state.
   */
  private findParentStates(n: number, prefix: string, slot: string, found: sfn.State, notFound: sfn.State): sfn.State {
    const find = new sfn.CustomState(this, `Find warm-start parent ${n}`, {
      stateJson: {
        Type: 'Task',
        Comment: `SML-HPO-WARMSTART: the newest completed tuning jobs whose name contains ${prefix}- (a substring match; the runs of ${prefix} are picked out below)`,
        Resource: `arn:${Stack.of(this).partition}:states:::aws-sdk:sagemaker:listHyperParameterTuningJobs`,
        Parameters: { NameContains: `${prefix}-`, StatusEquals: 'Completed', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: WARM_START_CANDIDATES },
        ResultSelector: {
          'names.$': '$.HyperParameterTuningJobSummaries[*].HyperParameterTuningJobName',
          'count.$': 'States.ArrayLength($.HyperParameterTuningJobSummaries)',
          'cursor': { next: 0 },
        },
        ResultPath: slot,
      },
    });
    const left = new sfn.Choice(this, `Candidates left for parent ${n}?`);
    const take = new sfn.Pass(this, `Take candidate for parent ${n}`, {
      parameters: {
        'name.$': `States.ArrayGetItem(${slot}.names, ${slot}.cursor.next)`,
        'next.$': `States.MathAdd(${slot}.cursor.next, 1)`,
      },
      resultPath: `${slot}.cursor`,
    });
    const name = `${slot}.cursor.name`;
    const isRun = new sfn.Choice(this, `Parent ${n} is a run of ${prefix}?`, {
      comment: `Runs of ${prefix} are named ${prefix}-<16 hex>: no hyphen after the prefix's own, unlike another prefix that contains this one`,
    })
      .when(sfn.Condition.and(sfn.Condition.stringMatches(name, `${prefix}-*`), sfn.Condition.not(sfn.Condition.stringMatches(name, `${prefix}-*-*`))), found)
      .otherwise(left);
    left.when(sfn.Condition.numberLessThanJsonPath(`${slot}.cursor.next`, `${slot}.count`), take).otherwise(notFound);
    take.next(isRun);
    find.next(left);
    return find;
  }

  /**
   * Between an accepted tuning run and its record: the search's wall-clock runtime (ConsumedResources, optional in
   * the API) and the best training job's billable and training seconds (DescribeTrainingJob: BestTrainingJob
   * carries only start and end times). A value SageMaker does not report is recorded as null; a failed describe
   * never fails the accepted run.
   */
  private measureTuning(accept: sfn.State): sfn.State {
    const describe = new sfn.CustomState(this, 'Describe best training job', {
      stateJson: {
        Type: 'Task',
        Comment: 'SML-BASELINE: the best training job\'s billable seconds, for the record of the gain against the resources',
        Resource: `arn:${Stack.of(this).partition}:states:::aws-sdk:sagemaker:describeTrainingJob`,
        Parameters: { 'TrainingJobName.$': '$.tuning.BestTrainingJob.TrainingJobName' },
        ResultPath: '$.bestTrainingJob',
      },
    });
    describe.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });
    const timesUnknown = new sfn.Pass(this, 'Best job times unknown', {
      result: sfn.Result.fromObject({ BillableTimeInSeconds: null, TrainingTimeInSeconds: null }),
      resultPath: '$.bestTrainingJob',
    });
    timesUnknown.next(accept);
    describe.addCatch(timesUnknown, { errors: ['States.ALL'], resultPath: '$.bestTrainingJob' });
    const times = '$.bestTrainingJob';
    describe.next(new sfn.Choice(this, 'Best job times reported?')
      .when(sfn.Condition.and(sfn.Condition.isPresent(`${times}.BillableTimeInSeconds`), sfn.Condition.isPresent(`${times}.TrainingTimeInSeconds`)), accept)
      .otherwise(timesUnknown));
    const runtimeUnknown = new sfn.Pass(this, 'Search runtime unknown', {
      result: sfn.Result.fromObject({ RuntimeInSeconds: null }),
      resultPath: '$.tuning.ConsumedResources',
    });
    runtimeUnknown.next(describe);
    return new sfn.Choice(this, 'Search runtime reported?')
      .when(sfn.Condition.isPresent('$.tuning.ConsumedResources.RuntimeInSeconds'), describe)
      .otherwise(runtimeUnknown);
  }

  /**
   * The acceptance gate after the main job: `Objective reported?` → `Meets target?` → `Accept` (the execution
   * output is the record of both jobs) or `Explain miss` → `Objective missed` (fail with the values in the cause).
   * Without a gate, the job goes straight to Done, as before.
   */
  private gateStates(
    valuePath: string, kind: string, record: { [key: string]: any }, done: sfn.Succeed, beforeAccept?: (accept: sfn.State) => sfn.State,
  ): sfn.State {
    const gate = this.gate;
    if (!gate) return done;
    const accept = new sfn.Pass(this, 'Accept', {
      comment: `SML-ACCEPT: ${gate.metricName} ${gate.stepFunctionsOperator} ${gate.targetText}`,
      parameters: {
        ...this.recordHeader(gate, kind),
        ...record,
        ...(this.baseline ? { baseline: this.trainingRecord('$.baseline') } : {}),
        ...(this.carbonAwareStart ? { 'carbonAwareStart.$': CARBON_AWARE_START_PATH } : {}),
      },
      resultPath: '$.result',
      outputPath: '$.result',
    });
    accept.next(done);
    const metric = escapeIntrinsic(gate.metricName);
    const explain = new sfn.Pass(this, 'Explain miss', {
      parameters: {
        'cause.$': `States.Format('SML-ACCEPT: ${metric} reached {} and the target is ${gate.comparisonWords} ${gate.targetText}: the model is not accepted', ${valuePath})`,
      },
      resultPath: '$.gate',
    });
    explain.next(new sfn.Fail(this, 'Objective missed', { error: 'ObjectiveMissed', causePath: '$.gate.cause' }));
    const notReported = new sfn.Fail(this, 'Objective not reported', {
      error: 'ObjectiveNotReported',
      cause: `SML-ACCEPT: the ${kind} job reported no numeric value for '${gate.metricName}', so it cannot be accepted; check the objective's regex against the job's log`,
    });
    const meets = new sfn.Choice(this, 'Meets target?', { comment: `${gate.metricName} ${gate.stepFunctionsOperator} ${gate.targetText}` })
      .when(gate.meetsCondition(valuePath), beforeAccept ? beforeAccept(accept) : accept)
      .otherwise(explain);
    return new sfn.Choice(this, 'Objective reported?')
      .when(gate.reportedCondition(valuePath), meets)
      .otherwise(notReported);
  }

  private recordHeader(gate: AcceptanceGate, acceptedBy: string): { [key: string]: any } {
    return { acceptedBy, metric: gate.metricName, direction: gate.direction, target: gate.target };
  }

  private trainingRecord(path: string): { [key: string]: string } {
    return {
      'jobName.$': `${path}.TrainingJobName`,
      'objective.$': `${path}.Objective`,
      'billableSeconds.$': `${path}.BillableTimeInSeconds`,
      'trainingSeconds.$': `${path}.TrainingTimeInSeconds`,
    };
  }

  private grantTrainingJob(job: SustainableTrainingJob): void {
    const stack = Stack.of(this);
    const jobArn = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${job.jobNamePrefix.toLowerCase()}-*` });
    const role = this.stateMachine.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
      resources: [jobArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForSageMakerTrainingJobsRule', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    }));
    this.grantPassRole(job);
  }

  private grantTuningJob(tuning: SustainableTuningJob): void {
    const stack = Stack.of(this);
    const prefix = tuning.jobNamePrefix.toLowerCase();
    const role = this.stateMachine.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob',
        'sagemaker:AddTags', 'sagemaker:ListTags',
      ],
      resources: [stack.formatArn({ service: 'sagemaker', resource: 'hyper-parameter-tuning-job', resourceName: `${prefix}-*` })],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForSageMakerTuningJobsRule', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    }));
    if (this.gate) {
      // The best training job's billable seconds for the record: the tuning job names its training jobs
      // <tuning job name>-<NNN>-<8 hex>, so they share the tuning prefix.
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sagemaker:DescribeTrainingJob'],
        resources: [stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${prefix}-*` })],
      }));
    }
    if (tuning.warmStart?.resolvedAtRunTime) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:ListHyperParameterTuningJobs'], resources: ['*'] }));
    }
    this.grantPassRole(tuning.trainingJob);
  }

  private grantPassRole(job: SustainableTrainingJob): void {
    this.stateMachine.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [job.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
  }
}
