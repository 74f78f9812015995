import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { refuse } from '../private/messages';
import { carbonAwareWaitIsBounded } from '../rules/timeshift';
import { checkDuration, checkNumber, deferred, isKnownNumber, numberForHumans, requireKnown } from '../private/synth-value';
import { CarbonIntensitySource, READ_TIMEOUT_SECONDS } from './carbon-intensity-source';

/** Carbon-aware start (SML-TIMESHIFT): wait, bounded, for a lower-carbon window before the expensive step. */
export interface CarbonAwareStartOptions {
  /** Where the grid's carbon intensity comes from. */
  readonly source: CarbonIntensitySource;
  /**
   * Start when the intensity is at or below this many gCO2e/kWh. A deploy-time value (token) is accepted: the state
   * machine compares with it at run time.
   */
  readonly threshold: number;
  /**
   * Start anyway after waiting this long (SML-TIMESHIFT: at most one day). The loop waits `checkEvery` at most
   * ⌊maxDelay / checkEvery⌋ times, so it never waits longer than `maxDelay` for a window. Synth-time only: the number
   * of waits and the execution timeout are computed from it.
   */
  readonly maxDelay: Duration;
  /**
   * How long to wait between two readings (SML-TIMESHIFT: at least five minutes; providers publish new values every
   * 5 to 60 minutes, and each check adds events to the execution history). Synth-time only: the number of waits is
   * computed from it.
   * @default Duration.minutes(30)
   */
  readonly checkEvery?: Duration;
  /**
   * How many times a failed or unreadable reading is retried before the run starts anyway (fail open), from 0 to 10.
   * Synth-time only: the execution timeout is computed from it.
   * @default 2
   */
  readonly sourceRetries?: number;
  /**
   * How long to wait before retrying a failed reading. Synth-time only: the execution timeout is computed from it.
   * @default Duration.minutes(1)
   */
  readonly retryInterval?: Duration;
}

/** Why a carbon-aware run started: the `reason` in the execution output's `carbonAwareStart` record. */
export enum CarbonAwareStartReason {
  /** The intensity was at or below the threshold. */
  BELOW_THRESHOLD = 'BELOW_THRESHOLD',
  /** `maxDelay` was reached while the intensity stayed above the threshold. */
  DEADLINE = 'DEADLINE',
  /** The source failed (error, timeout, or no number) on every retry: the run started anyway. */
  SOURCE_FAILED = 'SOURCE_FAILED',
}

/** The most `sourceRetries`. */
const MAX_SOURCE_RETRIES = 10;
/** Where the loop keeps its state, and where the record of the decision is left for the states after it. */
export const CARBON_AWARE_START_PATH = '$.carbonAwareStart';

/** The loop's bounds, resolved from the options (all in seconds). */
export interface CarbonAwareStartPlan {
  /** The threshold (a deploy-time value stays a token). */
  readonly threshold: number;
  readonly maxDelaySeconds: number;
  readonly checkEverySeconds: number;
  readonly maxWaits: number;
  readonly attempts: number;
  readonly retryIntervalSeconds: number;
  /**
   * The longest the loop can take: every wait, plus on each check every attempt running to its timeout and every
   * retry wait. The execution timeout grows by this.
   */
  readonly worstCaseSeconds: number;
}

/** Validate the options (SML-TIMESHIFT) and compute the loop's bounds. */
export function planCarbonAwareStart(scope: IConstruct, options: CarbonAwareStartOptions, prop = 'carbonAwareStart'): CarbonAwareStartPlan {
  // Known at synth: the number of waits is ⌊maxDelay / checkEvery⌋, and the execution timeout is computed from them.
  const known = (name: string, d: unknown, why: string) => {
    const duration = checkDuration('SML-TIMESHIFT', `${prop}.${name}`, d)!;
    requireKnown('SML-TIMESHIFT', `${prop}.${name}`, duration, why, 'give a literal Duration');
    return duration.toSeconds();
  };
  const threshold = checkNumber('SML-TIMESHIFT', `${prop}.threshold`, options.threshold);
  if (!isKnownNumber(threshold)) {
    if (threshold === undefined) refuse('SML-TIMESHIFT', { prop: `${prop}.threshold`, value: threshold, problem: 'is required', fix: 'give the threshold in gCO2e/kWh, e.g. 150' });
    deferred(scope, 'SML-TIMESHIFT', `${prop}.threshold`, 'whether it is a number ≥ 0 is not checked at synth; the state machine compares the intensity with it at run time');
  } else if (!Number.isFinite(threshold) || threshold < 0) {
    refuse('SML-TIMESHIFT', {
      prop: `${prop}.threshold`,
      value: threshold,
      problem: 'must be a number of gCO2e/kWh ≥ 0',
      fix: 'give the threshold in gCO2e/kWh, e.g. 150',
    });
  }
  const maxDelaySeconds = known('maxDelay', options.maxDelay, 'the number of checks and the execution timeout are computed from it');
  const checkEvery = options.checkEvery ?? Duration.minutes(30);
  const checkEverySeconds = known('checkEvery', checkEvery, 'the number of checks and the execution timeout are computed from it');
  const retryInterval = options.retryInterval ?? Duration.minutes(1);
  const retryIntervalSeconds = known('retryInterval', retryInterval, 'the execution timeout is computed from it');
  // The bounds of the wait are the rule's (lib/rules/timeshift.ts); each finding names the setting it is about.
  const fixes: { [setting: string]: string } = {
    maxDelay: 'wait at most Duration.days(1), or schedule the run for a low-carbon time of day instead',
    checkEvery: 'check every 5 minutes or more (default: 30 minutes), and less often than maxDelay',
  };
  for (const f of carbonAwareWaitIsBounded(maxDelaySeconds, checkEverySeconds)) {
    refuse(f.ruleId, { prop: `${prop}.${f.setting}`, value: f.setting === 'maxDelay' ? options.maxDelay : checkEvery, problem: f.message, fix: fixes[f.setting] });
  }
  const retries = checkNumber('SML-TIMESHIFT', `${prop}.sourceRetries`, options.sourceRetries) ?? 2;
  requireKnown('SML-TIMESHIFT', `${prop}.sourceRetries`, retries, 'it goes into the state machine\'s Choice state', 'leave it unset (2) or give e.g. 3');
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_SOURCE_RETRIES) {
    refuse('SML-TIMESHIFT', { prop: `${prop}.sourceRetries`, value: retries, problem: `must be a whole number from 0 to ${MAX_SOURCE_RETRIES}`, fix: 'leave it unset (2) or give e.g. 3' });
  }
  if (retryIntervalSeconds < 1) {
    refuse('SML-TIMESHIFT', { prop: `${prop}.retryInterval`, value: retryInterval, problem: 'must be at least one second', fix: 'leave it unset (1 minute)' });
  }
  const maxWaits = Math.floor(maxDelaySeconds / checkEverySeconds);
  const attempts = retries + 1;
  const perCheck = attempts * READ_TIMEOUT_SECONDS + retries * retryIntervalSeconds;
  return {
    threshold,
    maxDelaySeconds,
    checkEverySeconds,
    maxWaits,
    attempts,
    retryIntervalSeconds,
    worstCaseSeconds: maxWaits * checkEverySeconds + (maxWaits + 1) * perCheck,
  };
}

/**
 * The carbon-aware start loop (SML-TIMESHIFT), built once and used by TrainingWorkflow (before the expensive step)
 * and CarbonAwareSchedule (before StartPipelineExecution):
 *
 * ```
 * Carbon-aware start ─► Read carbon intensity ─► Carbon intensity readable? ─► At or below threshold? ─► Start: below threshold ─► next
 *                             ▲   │ (error)             │ (no number)            │ (above)
 *                             │   ▼                     ▼                        ▼
 *                             │  Carbon source failed ◄─ Carbon source unreadable   Deadline reached? ─► Start: deadline ─► next
 *                             │   ▼                                              │ (not yet)
 *                             │  Retry carbon source? ─► Start: source failed ─► next
 *                             │   ▼ (attempts left)                              ▼
 *                             ├─ Wait before retrying ◄─                Count wait ─► Wait for a lower-carbon window
 *                             └──────────────────────────────────────────────────────────────┘
 * ```
 *
 * The deadline counts iterations (⌊maxDelay / checkEvery⌋ waits), so no date arithmetic is needed and every decision
 * can be replayed. The loop's state lives at `$.carbonAwareStart`; each Start state replaces it with the record:
 * `reason`, `intensity` (gCO2e/kWh of the deciding reading, null when the source failed), `threshold`, `waits`,
 * `waitedSeconds` (time spent in Wait states), `decidedAt` and, when the source failed, `sourceError`.
 */
export class CarbonAwareStartLoop {
  /** The first state of the loop. */
  public readonly startState: sfn.State;
  /** The loop's bounds. */
  public readonly plan: CarbonAwareStartPlan;

  constructor(scope: Construct, options: CarbonAwareStartOptions, next: sfn.IChainable) {
    this.plan = planCarbonAwareStart(scope, options);
    const plan = this.plan;
    const p = CARBON_AWARE_START_PATH;
    const count = `${p}.count`;
    const read = options.source._read(scope);
    const value = `${p}.reading${read.valuePath.slice(1)}`;

    const init = new sfn.Pass(scope, 'Carbon-aware start', {
      comment: `SML-TIMESHIFT: start when the grid's carbon intensity is at or below the threshold (${numberForHumans(plan.threshold, ' gCO2e/kWh')}), checking every ${plan.checkEverySeconds} s, at most ${plan.maxWaits} waits; a failing source never blocks the run`,
      // The threshold is kept in the state, so a deploy-time value is compared at run time (a number token renders
      // unquoted in the definition).
      result: sfn.Result.fromObject({ count: { waits: 0, failures: 0, waitedSeconds: 0 }, threshold: plan.threshold }),
      resultPath: p,
    });
    const readTask = new sfn.CustomState(scope, 'Read carbon intensity', {
      stateJson: {
        Type: 'Task',
        Comment: `SML-TIMESHIFT: ${read.description}`,
        ...read.task,
        ResultPath: `${p}.reading`,
      },
    });
    const record = (reason: CarbonAwareStartReason, extra: { [key: string]: any }) => ({
      reason,
      ...extra,
      'threshold.$': `${p}.threshold`,
      'waits.$': `${count}.waits`,
      'waitedSeconds.$': `${count}.waitedSeconds`,
      'decidedAt.$': '$$.State.EnteredTime',
    });
    // Raw Pass states: the record keeps `"intensity": null` (sfn.Pass drops null parameters).
    const start = (id: string, reason: CarbonAwareStartReason, extra: { [key: string]: any }, comment: string) => {
      const s = new sfn.CustomState(scope, id, { stateJson: { Type: 'Pass', Comment: comment, Parameters: record(reason, extra), ResultPath: p } });
      s.next(next);
      return s;
    };
    const below = start('Start: below threshold', CarbonAwareStartReason.BELOW_THRESHOLD, { 'intensity.$': value }, 'The grid is clean enough: start now');
    const deadline = start('Start: deadline', CarbonAwareStartReason.DEADLINE, { 'intensity.$': value }, `maxDelay reached (${plan.maxWaits} waits): start anyway`);
    const failed = start('Start: source failed', CarbonAwareStartReason.SOURCE_FAILED, { 'intensity': null, 'sourceError.$': `${p}.error` },
      `The source failed ${plan.attempts} times in a row: start anyway (fail open)`);

    // A failed or unreadable reading: count it, retry after retryInterval while attempts are left.
    const countFailure = new sfn.Pass(scope, 'Carbon source failed', {
      parameters: { 'waits.$': `${count}.waits`, 'failures.$': `States.MathAdd(${count}.failures, 1)`, 'waitedSeconds.$': `${count}.waitedSeconds` },
      resultPath: count,
    });
    const unreadable = new sfn.Pass(scope, 'Carbon source unreadable', {
      comment: 'The reading has no number where the intensity should be',
      parameters: { Error: 'SML.CarbonIntensityUnreadable', Cause: `no number at ${read.valuePath} in the source's result` },
      resultPath: `${p}.error`,
    });
    unreadable.next(countFailure);
    const retryWait = new sfn.Pass(scope, 'Count retry wait', {
      parameters: { 'waits.$': `${count}.waits`, 'failures.$': `${count}.failures`, 'waitedSeconds.$': `States.MathAdd(${count}.waitedSeconds, ${plan.retryIntervalSeconds})` },
      resultPath: count,
    });
    retryWait.next(new sfn.Wait(scope, 'Wait before retrying', { time: sfn.WaitTime.duration(Duration.seconds(plan.retryIntervalSeconds)) })).next(readTask);
    countFailure.next(new sfn.Choice(scope, 'Retry carbon source?', { comment: `${plan.attempts} attempts per check` })
      .when(sfn.Condition.numberLessThan(`${count}.failures`, plan.attempts), retryWait)
      .otherwise(failed));
    readTask.addCatch(countFailure, { errors: ['States.ALL'], resultPath: `${p}.error` });

    // A readable reading: start when clean enough or when the deadline has come; otherwise wait and read again.
    const countWait = new sfn.Pass(scope, 'Count wait', {
      parameters: { 'waits.$': `States.MathAdd(${count}.waits, 1)`, 'failures': 0, 'waitedSeconds.$': `States.MathAdd(${count}.waitedSeconds, ${plan.checkEverySeconds})` },
      resultPath: count,
    });
    countWait.next(new sfn.Wait(scope, 'Wait for a lower-carbon window', { time: sfn.WaitTime.duration(Duration.seconds(plan.checkEverySeconds)) })).next(readTask);
    const deadlineReached = new sfn.Choice(scope, 'Deadline reached?', { comment: `maxDelay: ${plan.maxWaits} waits of ${plan.checkEverySeconds} s` })
      .when(sfn.Condition.numberGreaterThanEquals(`${count}.waits`, plan.maxWaits), deadline)
      .otherwise(countWait);
    const clean = new sfn.Choice(scope, 'At or below threshold?', { comment: numberForHumans(plan.threshold, ' gCO2e/kWh') })
      .when(sfn.Condition.numberLessThanEqualsJsonPath(value, `${p}.threshold`), below)
      .otherwise(deadlineReached);
    readTask.next(new sfn.Choice(scope, 'Carbon intensity readable?')
      .when(sfn.Condition.and(sfn.Condition.isPresent(value), sfn.Condition.isNumeric(value)), clean)
      .otherwise(unreadable));

    init.next(readTask);
    this.startState = init;
  }
}
