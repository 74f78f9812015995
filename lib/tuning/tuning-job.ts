import { DEFAULT_MAX_JOBS_NOT_IMPROVING } from '../rules/accept';
import { publishFindings } from '../rules/apply';
import { tuningJobFindings } from '../rules/checks';
import { DEFAULT_MAX_TRAINING_JOBS } from '../rules/hpo-space';
import { MAX_TUNING_RUNTIME_SECONDS } from '../rules/maxrun';
import { propTerms, Terms } from '../rules/rule';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { refuse, warn } from '../private/messages';
import { checkPrefixFree, claimPrefix } from '../private/prefixes';
import { allKnown, checkDuration, checkNumber, durationIn, isKnownNumber } from '../private/synth-value';
import { ObjectiveDirection } from '../training/objective';
import { JobNaming, literalNaming } from '../training/private/naming';
import {
  renderAlgorithmSpecification, renderEnvironmentAndTags, renderHyperParameters, renderInputDataConfig, renderNetwork,
  renderOutputDataConfig, renderResourceConfig, renderRetryStrategy, renderSpotAndCheckpoints, renderStoppingCondition,
} from '../training/request';
import { SustainableTrainingJob } from '../training/training-job';
import { ParentResolver } from './private/parents';
import { HyperparameterRange, RangeKind, rangeTerms, renderParameterRanges } from './ranges';
import { WARM_START_FIELDS, WarmStart, WarmStartParent, WarmStartType } from './warm-start';

/** Tuning job names are at most 32 characters: a prefix of ≤ 15, a hyphen and a 16-character run id. */
export const MAX_TUNING_PREFIX_LENGTH = 15;
export { DEFAULT_MAX_TRAINING_JOBS, HANDFUL_OF_RANGES, MAX_RANGES } from '../rules/hpo-space';
export { DEFAULT_MAX_JOBS_NOT_IMPROVING } from '../rules/accept';
/** The longest tuning run (sm-guide limits page: 30 days). */
const MAX_TUNING_RUNTIME = Duration.seconds(MAX_TUNING_RUNTIME_SECONDS);

/** Options of the Hyperband strategy. */
export interface HyperbandOptions {
  /**
   * The fewest epochs a configuration trains before Hyperband may stop it.
   * @default - chosen by SageMaker
   */
  readonly minResource?: number;
  /**
   * The most epochs any configuration trains (≤ 20,000).
   * @default - inferred by SageMaker from a static `epochs`/`num_epochs`-style hyperparameter
   */
  readonly maxResource?: number;
}

/** How the search chooses the next configuration (SML-HPO-STRATEGY). */
export class TuningStrategy {
  /** Bayesian optimisation: each job learns from the finished ones (the default). */
  public static readonly BAYESIAN = new TuningStrategy('Bayesian');
  /** Random search: learns nothing between jobs (warns). */
  public static readonly RANDOM = new TuningStrategy('Random');
  /** Every combination of categorical values (refused unless `allowGridSearch`; warns with the job count). */
  public static readonly GRID = new TuningStrategy('Grid');
  /** Hyperband with SageMaker's resource bounds; does its own early stopping. */
  public static readonly HYPERBAND = new TuningStrategy('Hyperband');

  /** Hyperband with explicit resource bounds (epochs). */
  public static hyperband(options: HyperbandOptions = {}): TuningStrategy {
    return new TuningStrategy('Hyperband', options.minResource, options.maxResource);
  }

  private constructor(
    /** The API's strategy name. */
    public readonly name: string,
    /** Hyperband MinResource. */
    public readonly minResource?: number,
    /** Hyperband MaxResource. */
    public readonly maxResource?: number,
  ) {}
}

/**
 * The options of a `SustainableTuningJob` other than the training job it tunes (SustainableMlPlatform.addTrainingWorkflow
 * takes them for the tuning job it builds).
 */
export interface SustainableTuningJobOptions {
  /**
   * The hyperparameters to search (SML-HPO-SPACE): at most 30; more than 5 warns.
   */
  readonly ranges: HyperparameterRange[];
  /**
   * Search strategy (SML-HPO-STRATEGY). Random warns; Grid needs `allowGridSearch`.
   * @default TuningStrategy.BAYESIAN
   */
  readonly strategy?: TuningStrategy;
  /**
   * Explicit opt-in to grid search, which tries every combination (SML-HPO-STRATEGY).
   * @default false
   */
  readonly allowGridSearch?: boolean;
  /**
   * The most training jobs one tuning run launches: how much of the space one run may search, and the worst case
   * of a run (SML-HPO-SPACE). With Grid it is the number of combinations.
   * @default 10
   */
  readonly maxTrainingJobs?: number;
  /**
   * Training jobs at a time (SML-HPO-PARALLEL). More than 1 warns: each Bayesian round learns from the last.
   * @default 1
   */
  readonly maxParallelTrainingJobs?: number;
  /**
   * The longest a tuning run may take, all its training jobs included (SML-MAXRUN); 120 s to 30 days. A deploy-time
   * value (token) must be in seconds.
   * @default - ceil(maxTrainingJobs / maxParallelTrainingJobs) × the training job's maxWait (maxRuntime without spot), at most 30 days; 30 days (with a warning) when one of those is a deploy-time value
   */
  readonly maxRuntime?: Duration;
  /**
   * Stop training jobs that will not beat the median of earlier jobs (SML-HPO-EARLYSTOP). Turning it off warns;
   * Hyperband stops jobs early by itself, so it is Off there.
   * @default true (Auto), Off with Hyperband
   */
  readonly earlyStopping?: boolean;
  /**
   * Complete the search when a job reaches the objective's target (SML-ACCEPT). Turning it off warns.
   * @default true when the objective has a target
   */
  readonly completeOnTarget?: boolean;
  /**
   * Complete the search when the best objective has not improved for `maxJobsNotImproving` jobs (SML-ACCEPT).
   * Turning it off warns.
   * @default true
   */
  readonly completeWhenNotImproving?: boolean;
  /**
   * Jobs without improvement (of at least 1%) after which the search completes (≥ 3, the API minimum).
   * @default 3
   */
  readonly maxJobsNotImproving?: number;
  /**
   * Complete the search when SageMaker detects that it has converged (SML-ACCEPT). Turning it off warns.
   * @default true
   */
  readonly completeOnConvergence?: boolean;
  /**
   * Start from what earlier searches learned (SML-HPO-WARMSTART, SML-REUSE); Bayesian and Random only.
   * @default - a cold start
   */
  readonly warmStart?: WarmStart;
  /**
   * Random seed of the search strategy, for reproducible searches (fewer re-runs to explain a result)
   * (SML-HPO-STRATEGY).
   * @default - none
   */
  readonly randomSeed?: number;
  /**
   * Tuning-job name prefix (≤ 15 letters, digits and inner hyphens, known at synth time); each run appends `-` and a
   * 16-character id, within the 32-character limit of tuning job names. The prefix identifies the definition's
   * runs (warm start from the previous run, permissions), so two tuning definitions in one app must not share it
   * (SML-MANAGED; stacks with different explicit accounts or regions each have their own).
   * @default - the training job's prefix, cut to 15 characters
   */
  readonly jobNamePrefix?: string;
}

/** Properties of a `SustainableTuningJob`. */
export interface SustainableTuningJobProps extends SustainableTuningJobOptions {
  /**
   * The training job to tune. Its objective is the tuning objective; its spot, checkpoint, time limits, inputs,
   * output, network and static hyperparameters carry into the tuning job's training job definition.
   */
  readonly trainingJob: SustainableTrainingJob;
}

/** Options of `SustainableTuningJob.renderRequest`. */
export interface RenderTuningRequestOptions {
  /**
   * The tuning job name.
   * @default - `<jobNamePrefix>-example`
   */
  readonly tuningJobName?: string;
}

/**
 * Hyperparameter tuning around a SustainableTrainingJob that wastes nothing: Bayesian search (SML-HPO-STRATEGY),
 * one job at a time (SML-HPO-PARALLEL), few ranges with log scaling where they are wide (SML-HPO-SPACE), early
 * stopping (SML-HPO-EARLYSTOP), completion on the objective's target, on no improvement and on convergence
 * (SML-ACCEPT), warm start from earlier searches (SML-HPO-WARMSTART) and a bound on the whole run (SML-MAXRUN).
 * `renderRequest()` returns the CreateHyperParameterTuningJob request; TrainingWorkflow and TrainingPipeline place
 * it in their envelopes.
 *
 * What the tuning API cannot carry from the training job is refused, not dropped: Debugger rules and TensorBoard
 * output (HyperParameterTrainingJobDefinition has neither). The profiler, which the training job turns off, has no
 * field either, so the tuning job's training jobs run without it too. The training job's tags go on the tuning job,
 * and SageMaker adds them to every training job it launches (so TrainingJobGuard watches them).
 *
 * Checkpoints: the API takes one CheckpointConfig for all training jobs of a run, here
 * `checkpoints/<training prefix>/<tuning job name>/`. Whether SageMaker separates it per training job is not
 * documented, so a script that resumes from checkpoints should keep them under its own job name
 * (`TRAINING_JOB_NAME`), or it may resume another configuration's state.
 */
export class SustainableTuningJob extends Construct {
  /** The training job being tuned. */
  public readonly trainingJob: SustainableTrainingJob;
  /** The strategy. */
  public readonly strategy: TuningStrategy;
  /** The ranges. */
  public readonly ranges: HyperparameterRange[];
  /** The most training jobs one run launches: the worst case of a run. */
  public readonly maxTrainingJobs: number;
  /** Training jobs at a time. */
  public readonly maxParallelTrainingJobs: number;
  /** The bound on one tuning run. */
  public readonly maxRuntime: Duration;
  /** Early stopping Auto. */
  public readonly earlyStopping: boolean;
  /** Warm start, if any. */
  public readonly warmStart?: WarmStart;
  /** Tuning-job name prefix. */
  public readonly jobNamePrefix: string;
  /** Rule ids of the defaults and checks applied. */
  public readonly appliedRules: string[] = [];

  private readonly props: SustainableTuningJobProps;
  private readonly completion: { target?: number; notImproving?: number; convergence: boolean };

  constructor(scope: Construct, id: string, props: SustainableTuningJobProps) {
    super(scope, id);
    this.props = props;
    const applied = (ruleId: string) => {
      if (!this.appliedRules.includes(ruleId)) this.appliedRules.push(ruleId);
    };
    const job = props.trainingJob;
    this.trainingJob = job;
    const spec = job._spec;

    // --- objective (SML-ACCEPT) ---------------------------------------------------------------------------
    const objective = job.objective;
    if (!objective) {
      refuse('SML-ACCEPT', {
        prop: 'trainingJob.objective',
        value: job.node.path,
        problem: 'a tuning job needs the objective metric it maximizes or minimizes, and the training job has none',
        fix: "give the training job an objective, e.g. Objective.maximize('validation:auc', 'validation-auc:([0-9\\\\.]+)', { target: 0.85 })",
      });
    }

    // --- name ---------------------------------------------------------------------------------------------------
    this.jobNamePrefix = props.jobNamePrefix ?? defaultPrefix(job.jobNamePrefix);
    if (Token.isUnresolved(this.jobNamePrefix)) {
      refuse('SML-MANAGED', {
        prop: 'jobNamePrefix',
        value: this.jobNamePrefix,
        problem: 'must be known at synth time: the orchestrators lowercase it for IAM ARNs and match run names against it when they look up the previous run',
        fix: 'give a literal prefix such as churn-hpo',
      });
    }
    if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(this.jobNamePrefix) || this.jobNamePrefix.length > MAX_TUNING_PREFIX_LENGTH) {
      refuse('SML-MANAGED', {
        prop: 'jobNamePrefix',
        value: this.jobNamePrefix,
        problem: `must be 1–${MAX_TUNING_PREFIX_LENGTH} letters, digits and inner hyphens, so that each run's name (<prefix>-<16-character id>) fits the 32-character limit of tuning job names`,
        fix: 'use a short name such as churn-hpo',
      });
    }
    checkPrefixFree('tuning', this, this.jobNamePrefix, props.jobNamePrefix === undefined ? 'derived from the training job\'s prefix' : undefined,
      'a warm start from the previous run could pick the other definition\'s run, and each workflow\'s permissions would cover both',
      'give each tuning definition its own jobNamePrefix (≤ 15 characters), e.g. churn-hpo-a and churn-hpo-b');

    // --- what the tuning API cannot carry --------------------------------------------------------------------
    if (job.debuggerRules.length > 0) {
      refuse('SML-GUARD', {
        prop: 'trainingJob.debuggerRules',
        value: job.debuggerRules.map((r) => r.name),
        problem: 'Debugger rules cannot be attached to the training jobs of a tuning job (HyperParameterTrainingJobDefinition has no Debugger fields)',
        fix: 'drop the Debugger rules from the training job you tune; TrainingJobGuard watches the tuning job\'s training jobs through their tags',
      });
    }
    if (spec.tensorBoard) {
      // TensorBoard output is scratch output under the bucket's debug/ prefix (SML-ARTIFACTS); the tuning API has no
      // place for it, so it would be silently dropped.
      refuse('SML-ARTIFACTS', {
        prop: 'trainingJob.tensorBoard',
        value: true,
        problem: 'the training jobs of a tuning job cannot write TensorBoard output (HyperParameterTrainingJobDefinition has no TensorBoardOutputConfig)',
        fix: 'set tensorBoard: false on the training job you tune; compare jobs by their objective metric',
      });
    }
    // An API-shape limit of HyperParameterTrainingJobDefinition (SML-MANAGED, as SustainableTrainingJob's map checks), not a
    // sustainability judgment the SustainableMlChecks pack reports, so it stays with the training job's props.
    const envCount = Object.keys(spec.environment).length;
    if (envCount > 48) {
      refuse('SML-MANAGED', {
        prop: 'trainingJob.environment',
        value: envCount,
        problem: 'a tuning job\'s training job definition takes at most 48 environment variables (a training job takes 100)',
        fix: 'pass fewer environment variables, e.g. one JSON-encoded setting',
      });
    }

    // --- props only: what the request cannot show, and the defaults it is rendered from --------------------------
    // Everything that judges the rendered request (ranges, strategy, limits, completion, warm start) is a predicate
    // in lib/rules, run below on renderRequest() as the SustainableMlChecks pack runs it on any app.
    this.strategy = props.strategy ?? TuningStrategy.BAYESIAN;
    const strategy = this.strategy.name;
    this.ranges = [...props.ranges];
    if (props.allowGridSearch && strategy !== 'Grid') {
      refuse('SML-HPO-STRATEGY', { prop: 'allowGridSearch', value: true, problem: `only applies to the Grid strategy, and the strategy is ${strategy}`, fix: 'remove allowGridSearch' });
    }
    for (const [prop, v] of [['minResource', this.strategy.minResource], ['maxResource', this.strategy.maxResource]] as const) {
      checkNumber('SML-HPO-STRATEGY', `strategy.${prop}`, v);
    }
    // Hyperband stops jobs by itself (Off); `earlyStopping: true` with it is rendered as asked, and refused by the predicate.
    this.earlyStopping = props.earlyStopping ?? strategy !== 'Hyperband';

    const givenJobs = checkNumber('SML-HPO-SPACE', 'maxTrainingJobs', props.maxTrainingJobs);
    const gridCombinations = strategy === 'Grid' && this.ranges.length > 0 && this.ranges.every((r) => r.kind === RangeKind.CATEGORICAL)
      ? this.ranges.reduce((n, r) => n * r.gridSize!, 1)
      : undefined;
    // A given count is rendered as given, so that a grid search's predicate can refuse one that is not its combinations.
    this.maxTrainingJobs = givenJobs ?? gridCombinations ?? DEFAULT_MAX_TRAINING_JOBS;
    this.maxParallelTrainingJobs = checkNumber('SML-HPO-PARALLEL', 'maxParallelTrainingJobs', props.maxParallelTrainingJobs) ?? 1;
    this.maxRuntime = this.runtimeBound(props, this.maxParallelTrainingJobs);
    durationIn(this.maxRuntime, 'seconds', 'SML-MAXRUN', 'maxRuntime'); // the API takes seconds; a token cannot be converted

    const target = objective!.target;
    const onTarget = props.completeOnTarget ?? target !== undefined;
    if (props.completeOnTarget && target === undefined) {
      refuse('SML-ACCEPT', {
        prop: 'completeOnTarget',
        value: true,
        problem: 'the objective has no target to complete on',
        fix: 'set objective.target on the training job',
      });
    }
    const notImproving = props.completeWhenNotImproving ?? true;
    const n = checkNumber('SML-ACCEPT', 'maxJobsNotImproving', props.maxJobsNotImproving) ?? DEFAULT_MAX_JOBS_NOT_IMPROVING;
    if (props.maxJobsNotImproving !== undefined && !notImproving) {
      refuse('SML-ACCEPT', { prop: 'maxJobsNotImproving', value: n, problem: 'only applies when completeWhenNotImproving is on, and it is off', fix: 'remove maxJobsNotImproving or turn completeWhenNotImproving on' });
    }
    const convergence = props.completeOnConvergence ?? true;
    this.completion = { target: onTarget ? target : undefined, notImproving: notImproving ? n : undefined, convergence };
    checkNumber('SML-HPO-STRATEGY', 'randomSeed', props.randomSeed);
    this.warmStart = props.warmStart;

    // --- the rendered request, judged by the predicates SustainableMlChecks runs (lib/rules/checks.ts) -----------
    // Its training job definition was judged by its SustainableTrainingJob, so only the tuning checks run here.
    publishFindings(this, tuningJobFindings(this.renderRequest(), this.checkTerms(), false, {
      gridSearchAllowed: props.allowGridSearch === true,
      objectiveTarget: target,
    }));
    // Not a predicate: the parents' objectives, images and hyperparameters live in their constructs, not in the request.
    if (this.warmStart) this.checkWarmStartParents(this.warmStart);

    applied('SML-HPO-SPACE');
    if (strategy !== 'Grid' && strategy !== 'Random') applied('SML-HPO-STRATEGY');
    if (strategy === 'Hyperband' || this.earlyStopping) applied('SML-HPO-EARLYSTOP');
    if (isKnownNumber(this.maxParallelTrainingJobs) && this.maxParallelTrainingJobs <= 1) applied('SML-HPO-PARALLEL');
    applied('SML-MAXRUN');
    if (this.completion.target !== undefined) applied('SML-ACCEPT');
    if (this.warmStart) {
      applied('SML-HPO-WARMSTART');
      applied('SML-REUSE');
    }
    // Registered last, so that a refused definition does not block its prefix.
    claimPrefix('tuning', this, this.jobNamePrefix);
  }

  /**
   * The bound on one run (SML-MAXRUN): given, or ceil(maxTrainingJobs / maxParallelTrainingJobs) × the training job's
   * maxWait (maxRuntime without spot), at most 30 days. When one of those is a deploy-time value, the derived bound
   * can only be its own ceiling, 30 days: that default warns, since a given bound would be tighter.
   */
  // The derived-default warning stays here: the request cannot tell this fallback from a 30-day bound given on purpose.
  private runtimeBound(props: SustainableTuningJobProps, parallel: number): Duration {
    const given = checkDuration('SML-MAXRUN', 'maxRuntime', props.maxRuntime);
    if (given) return given;
    const perJob = this.trainingJob.maxWait ?? this.trainingJob.maxRuntime;
    if (!allKnown(this.maxTrainingJobs, parallel, perJob)) {
      warn(this, 'SML-MAXRUN', `maxRuntime defaults to ${MAX_TUNING_RUNTIME.toHumanString()} (the API limit): it is derived from maxTrainingJobs, maxParallelTrainingJobs and the training job's ${this.trainingJob.maxWait ? 'maxWait' : 'maxRuntime'}, and one of them is a deploy-time value; set maxRuntime to bound the search more tightly`);
      return MAX_TUNING_RUNTIME;
    }
    return Duration.seconds(Math.min(Math.ceil(this.maxTrainingJobs / parallel) * perJob.toSeconds(), MAX_TUNING_RUNTIME.toSeconds()));
  }

  /** What the fields of the rendered request are called in this construct's messages: the props that set them. */
  private checkTerms(): Terms {
    const config = 'HyperParameterTuningJobConfig';
    return propTerms({
      ...Object.assign({}, ...this.ranges.map(rangeTerms)),
      [`${config}.ParameterRanges`]: 'ranges',
      [`${config}.Strategy`]: 'strategy',
      [`${config}.StrategyConfig.HyperbandStrategyConfig`]: 'strategy',
      [`${config}.StrategyConfig.HyperbandStrategyConfig.MinResource`]: 'strategy.minResource',
      [`${config}.StrategyConfig.HyperbandStrategyConfig.MaxResource`]: 'strategy.maxResource',
      [`${config}.TrainingJobEarlyStoppingType`]: { prop: 'earlyStopping', value: this.earlyStopping },
      [`${config}.ResourceLimits.MaxNumberOfTrainingJobs`]: 'maxTrainingJobs',
      [`${config}.ResourceLimits.MaxParallelTrainingJobs`]: 'maxParallelTrainingJobs',
      [`${config}.ResourceLimits.MaxRuntimeInSeconds`]: { prop: 'maxRuntime', value: this.maxRuntime },
      'TrainingJobDefinition.StoppingCondition.MaxRuntimeInSeconds': { prop: 'maxRuntime', value: this.trainingJob.maxRuntime },
      [`${config}.TuningJobCompletionCriteria.TargetObjectiveMetricValue`]: 'completeOnTarget',
      [`${config}.TuningJobCompletionCriteria.BestObjectiveNotImproving`]: 'completeWhenNotImproving',
      [`${config}.TuningJobCompletionCriteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving`]: 'maxJobsNotImproving',
      [`${config}.TuningJobCompletionCriteria.ConvergenceDetected.CompleteOnConvergence`]: 'completeOnConvergence',
      [`${config}.RandomSeed`]: 'randomSeed',
      ...WARM_START_FIELDS,
    });
  }

  /** The objective's metric name. */
  public get objectiveMetricName(): string {
    return this.trainingJob.objective!.metricName;
  }

  /**
   * The CreateHyperParameterTuningJob request (PascalCase; tokens allowed), with a literal job name. Parents that
   * are looked up at run time are shown as `<their prefix>-example`.
   */
  public renderRequest(options: RenderTuningRequestOptions = {}): { [key: string]: any } {
    const name = options.tuningJobName ?? `${this.jobNamePrefix}-example`;
    return this.renderWith(literalNaming(name), (p) => ({ HyperParameterTuningJobName: p.name ?? `${this.parentPrefix(p)}-example` }));
  }

  /**
   * The request with the job name, per-run paths and warm-start parents in an orchestrator's own terms.
   * For orchestrators in this library; not a stable API.
   * @internal
   */
  public _renderWith(naming: JobNaming, parents: ParentResolver): { [key: string]: any } {
    return this.renderWith(naming, parents);
  }

  /**
   * The name prefix of a parent looked up at run time.
   * @internal
   */
  public _parentPrefix(parent: WarmStartParent): string {
    return this.parentPrefix(parent);
  }

  private parentPrefix(p: WarmStartParent): string {
    return p.isPreviousRun ? this.jobNamePrefix : p.tuningJob!.jobNamePrefix;
  }

  private renderWith(naming: JobNaming, parents: ParentResolver): { [key: string]: any } {
    const s = this.trainingJob._spec;
    const objective = this.trainingJob.objective!;
    const { Tags: tags, ...environment } = renderEnvironmentAndTags(s) as { Tags?: unknown; Environment?: unknown };
    const staticHyperParameters = (renderHyperParameters(s) as { HyperParameters?: { [k: string]: string } }).HyperParameters;
    const definition = {
      ...renderAlgorithmSpecification(s),
      RoleArn: s.roleArn,
      ...(staticHyperParameters ? { StaticHyperParameters: staticHyperParameters } : {}),
      ...renderInputDataConfig(s),
      ...renderOutputDataConfig(s),
      ...renderResourceConfig(s),
      ...renderStoppingCondition(s),
      ...renderSpotAndCheckpoints(s, naming),
      ...renderRetryStrategy(s),
      ...renderNetwork(s),
      ...environment,
    };
    const completion = {
      ...(this.completion.target !== undefined ? { TargetObjectiveMetricValue: this.completion.target } : {}),
      ...(this.completion.notImproving !== undefined ? { BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: this.completion.notImproving } } : {}),
      ConvergenceDetected: { CompleteOnConvergence: this.completion.convergence ? 'Enabled' : 'Disabled' },
    };
    const hyperband = this.strategy.name === 'Hyperband' && (this.strategy.minResource !== undefined || this.strategy.maxResource !== undefined)
      ? {
        StrategyConfig: {
          HyperbandStrategyConfig: {
            ...(this.strategy.minResource !== undefined ? { MinResource: this.strategy.minResource } : {}),
            ...(this.strategy.maxResource !== undefined ? { MaxResource: this.strategy.maxResource } : {}),
          },
        },
      }
      : {};
    const parentEntries = (this.warmStart?.parents ?? [])
      .map((p, i) => parents(p, i))
      .filter((e): e is Record<string, unknown> => e !== undefined);
    return {
      ...naming.jobName('HyperParameterTuningJobName'),
      HyperParameterTuningJobConfig: {
        Strategy: this.strategy.name,
        ...hyperband,
        HyperParameterTuningJobObjective: { Type: objective.direction === ObjectiveDirection.MINIMIZE ? 'Minimize' : 'Maximize', MetricName: objective.metricName },
        ResourceLimits: {
          MaxNumberOfTrainingJobs: this.maxTrainingJobs,
          MaxParallelTrainingJobs: this.maxParallelTrainingJobs,
          MaxRuntimeInSeconds: this.maxRuntime.toSeconds(),
        },
        ParameterRanges: renderParameterRanges(this.ranges),
        TrainingJobEarlyStoppingType: this.earlyStopping ? 'Auto' : 'Off',
        TuningJobCompletionCriteria: completion,
        ...(this.props.randomSeed !== undefined ? { RandomSeed: this.props.randomSeed } : {}),
      },
      TrainingJobDefinition: definition,
      ...(parentEntries.length > 0 ? { WarmStartConfig: { ParentHyperParameterTuningJobs: parentEntries, WarmStartType: this.warmStart!.type } } : {}),
      ...(tags ? { Tags: tags } : {}),
    };
  }

  /**
   * What a warm start from another definition needs and the request cannot show (SML-HPO-WARMSTART): the parent is
   * not this definition, optimizes the same objective and, for IdenticalDataAndAlgorithm, uses the same image and
   * number of hyperparameters.
   */
  private checkWarmStartParents(ws: WarmStart): void {
    const stack = Stack.of(this);
    const mine = this.trainingJob;
    for (const p of ws.parents) {
      const other = p.tuningJob;
      if (!other) continue;
      if (other === this) {
        refuse('SML-HPO-WARMSTART', { prop: 'warmStart.parents', value: this.node.path, problem: 'names this definition itself', fix: 'use WarmStart.fromPreviousRun()' });
      }
      if (other.objectiveMetricName !== this.objectiveMetricName || other.trainingJob.objective!.direction !== mine.objective!.direction) {
        refuse('SML-HPO-WARMSTART', {
          prop: 'warmStart.parents',
          value: other.node.path,
          problem: `optimizes '${other.objectiveMetricName}' (${other.trainingJob.objective!.direction}), and a warm start needs the same objective as this search ('${this.objectiveMetricName}', ${mine.objective!.direction})`,
          fix: 'warm-start from a search with the same objective, or start cold',
        });
      }
      if (ws.type === WarmStartType.IDENTICAL_DATA_AND_ALGORITHM) {
        const image = JSON.stringify(stack.resolve(mine._spec.imageUri));
        const otherImage = JSON.stringify(Stack.of(other).resolve(other.trainingJob._spec.imageUri));
        if (image !== otherImage) {
          refuse('SML-HPO-WARMSTART', {
            prop: 'warmStart.type',
            value: ws.type,
            problem: `requires the parent's training image, and ${other.node.path} uses a different one`,
            fix: 'use WarmStartType.TRANSFER_LEARNING, or the same image',
          });
        }
        const count = (t: SustainableTuningJob) => t.ranges.length + Object.keys(t.trainingJob._spec.hyperParameters).length;
        if (count(other) !== count(this)) {
          refuse('SML-HPO-WARMSTART', {
            prop: 'warmStart.type',
            value: ws.type,
            problem: `requires the same number of static plus tunable hyperparameters as the parent (${count(other)}), and this search has ${count(this)}`,
            fix: 'use WarmStartType.TRANSFER_LEARNING, or keep the hyperparameter set',
          });
        }
      }
    }
  }
}

/** The training job's prefix (always a literal: SustainableTrainingJob refuses tokens), cut to the tuning limit. */
function defaultPrefix(trainingPrefix: string): string {
  const cleaned = trainingPrefix.replace(/[^a-zA-Z0-9-]/g, '').slice(0, MAX_TUNING_PREFIX_LENGTH).replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  return cleaned || 'tuning';
}
