import { Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { refuse, warn } from '../private/messages';
import { allKnown, deferred, numberForHumans, numberText } from '../private/synth-value';
import { Objective, ObjectiveDirection } from '../training/objective';
import { SustainableTrainingJob } from '../training/training-job';
import { SustainableTuningJob } from '../tuning/tuning-job';

/**
 * The acceptance gate (SML-ACCEPT): after training or tuning, the objective's final value is compared with its
 * target, and a run that misses it fails. One definition serves both orchestrators: a Step Functions Choice
 * condition (`NumericGreaterThanEquals` for Maximize, `NumericLessThanEquals` for Minimize) and a SageMaker
 * Pipelines condition (`GreaterThanOrEqualTo` / `LessThanOrEqualTo`). The boundary value is accepted, as in
 * `Objective.meets`.
 */
export class AcceptanceGate {
  /** The gate of an objective with a target. */
  public static forObjective(objective: Objective): AcceptanceGate {
    // Stays here (not a predicate): the target is a prop of the objective; without it there is no gate to render.
    if (objective.target === undefined) {
      refuse('SML-ACCEPT', {
        prop: 'objective.target',
        value: objective.metricName,
        problem: 'an acceptance gate needs a target to compare with',
        fix: 'set the acceptable value as the objective\'s target',
      });
    }
    checkMetricNameForPaths(objective.metricName);
    return new AcceptanceGate(objective, objective.target);
  }

  private constructor(
    /** The objective. */
    public readonly objective: Objective,
    /** The acceptable value. */
    public readonly target: number,
  ) {}

  /** The target as text for messages and comments (a deploy-time target stays a token, resolved at deploy). */
  public get targetText(): string {
    return numberText(this.target);
  }

  /** The objective's metric name. */
  public get metricName(): string {
    return this.objective.metricName;
  }

  /** Whether larger or smaller is better. */
  public get direction(): ObjectiveDirection {
    return this.objective.direction;
  }

  /** The Step Functions comparison operator of the gate. */
  public get stepFunctionsOperator(): string {
    return this.direction === ObjectiveDirection.MAXIMIZE ? 'NumericGreaterThanEquals' : 'NumericLessThanEquals';
  }

  /** The SageMaker Pipelines condition type of the gate. */
  public get pipelineConditionType(): string {
    return this.direction === ObjectiveDirection.MAXIMIZE ? 'GreaterThanOrEqualTo' : 'LessThanOrEqualTo';
  }

  /** `at least` or `at most`, for messages. */
  public get comparisonWords(): string {
    return this.direction === ObjectiveDirection.MAXIMIZE ? 'at least' : 'at most';
  }

  /** True when `value` passes the gate. */
  public meets(value: number): boolean {
    return this.objective.meets(value);
  }

  /** The Step Functions condition: the value at `path` is present, numeric and meets the target. */
  public reportedCondition(path: string): sfn.Condition {
    return sfn.Condition.and(sfn.Condition.isPresent(path), sfn.Condition.isNumeric(path));
  }

  /** The Step Functions condition: the value at `path` is present, numeric and meets the target (`And` guards in order). */
  public acceptsCondition(path: string): sfn.Condition {
    return sfn.Condition.and(sfn.Condition.isPresent(path), sfn.Condition.isNumeric(path), this.meetsCondition(path));
  }

  /** The Step Functions condition: the (present, numeric) value at `path` meets the target. */
  public meetsCondition(path: string): sfn.Condition {
    return this.direction === ObjectiveDirection.MAXIMIZE
      ? sfn.Condition.numberGreaterThanEquals(path, this.target)
      : sfn.Condition.numberLessThanEquals(path, this.target);
  }

  /** The SageMaker Pipelines condition comparing `leftValue` (a `{"Get": …}`) with the target. */
  public pipelineCondition(leftValue: any): { [key: string]: any } {
    return { Type: this.pipelineConditionType, LeftValue: leftValue, RightValue: this.target };
  }
}

/**
 * The JSONPath (Step Functions) that selects the objective's values from a DescribeTrainingJob result: an
 * indefinite path, so it yields `[]` rather than an error when the metric was never reported.
 */
export function finalMetricSelector(metricName: string, root = '$'): string {
  return `${root}.FinalMetricDataList[?(@.MetricName == '${metricName}')].Value`;
}

/** Where DescribeHyperParameterTuningJob reports the best job's objective value. */
export const BEST_OBJECTIVE_PATH = 'BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value';

/**
 * Metric names go inside quoted JSONPath / pipeline-property strings and intrinsic-function templates: refuse a
 * name unknown at synth time (a token, which escaping would break) and the characters that would break them.
 */
export function checkMetricNameForPaths(metricName: string): void {
  // Stays here (not a predicate): a precondition of rendering, checked before the name is written into any path.
  if (Token.isUnresolved(metricName)) {
    refuse('SML-ACCEPT', {
      prop: 'objective.metricName',
      value: metricName,
      problem: 'must be known at synth time: the gate writes it into JSONPath filters, pipeline property references and its failure message',
      fix: 'name the metric with a literal string (e.g. validation:auc)',
    });
  }
  if (/['\\\]\[]/.test(metricName)) {
    refuse('SML-ACCEPT', {
      prop: 'objective.metricName',
      value: metricName,
      problem: 'contains a quote, backslash or bracket, which the gate cannot quote inside a JSONPath filter or a pipeline property reference',
      fix: 'name the metric with letters, digits and : . _ - / (e.g. validation:auc)',
    });
  }
}

/** Escape a literal for a single-quoted intrinsic-function argument or template. */
export function escapeIntrinsic(s: string): string {
  return s.replace(/([{}'\\])/g, '\\$1');
}

/** The orchestrated job an acceptance gate follows. */
export interface GatedJob {
  readonly trainingJob?: SustainableTrainingJob;
  readonly tuningJob?: SustainableTuningJob;
}

/**
 * Check the props an orchestrator shares (exactly one of trainingJob/tuningJob, baseline, gate) and return the
 * job being orchestrated, its objective's gate (undefined when off or without a target) and the baseline.
 */
export function resolveGatedJob(
  scope: IConstruct,
  props: GatedJob & { readonly baseline?: SustainableTrainingJob; readonly acceptanceGate?: boolean },
): { trainingJob: SustainableTrainingJob; tuningJob?: SustainableTuningJob; gate?: AcceptanceGate; baselineGate?: AcceptanceGate } {
  // Stays here (not a predicate): which props are given, and whether the objective has a target, are props.
  if (!!props.trainingJob === !!props.tuningJob) {
    refuse('SML-MANAGED', {
      prop: props.trainingJob ? 'trainingJob + tuningJob' : 'trainingJob / tuningJob',
      value: props.trainingJob ? 'both' : 'neither',
      problem: 'give exactly one: the training job to run, or the tuning job to run',
      fix: 'pass trainingJob, or tuningJob (whose training job it tunes)',
    });
  }
  const trainingJob = props.tuningJob?.trainingJob ?? props.trainingJob!;
  const objective = trainingJob.objective;
  const hasTarget = objective?.target !== undefined;
  if (props.acceptanceGate === true && !hasTarget) {
    refuse('SML-ACCEPT', {
      prop: 'acceptanceGate',
      value: true,
      problem: `needs an objective with a target, and ${trainingJob.node.path} has ${objective ? 'an objective without a target' : 'no objective'}`,
      fix: 'set the objective\'s target on the training job',
    });
  }
  const gateOn = hasTarget && props.acceptanceGate !== false;
  // Stays here (not a predicate): with the gate off, the rendered ASL or pipeline definition carries no target to judge.
  if (hasTarget && props.acceptanceGate === false) {
    warn(scope, 'SML-ACCEPT', `acceptanceGate is off: a run that misses the target (${numberForHumans(objective!.target)}) of '${objective!.metricName}' still succeeds`);
  }
  const gate = gateOn ? AcceptanceGate.forObjective(objective!) : undefined;
  const baselineGate = props.baseline ? checkBaseline(scope, props.baseline, trainingJob, props.tuningJob) : undefined;
  return { trainingJob, tuningJob: props.tuningJob, gate, baselineGate };
}

/**
 * Check a baseline (SML-BASELINE): it must be a different job, judged by the same objective metric and direction,
 * and the main objective must have the target it is compared with. Warns when the baseline is not cheaper in the
 * worst case than the job it is meant to spare. Returns the gate the baseline must pass (the main target).
 */
function checkBaseline(scope: IConstruct, baseline: SustainableTrainingJob, main: SustainableTrainingJob, tuning?: SustainableTuningJob): AcceptanceGate {
  const target = main.objective?.target;
  // Stays here (not a predicate): the rendered definitions do not say which job is the baseline of which, nor the
  // objectives' directions (a CreateTrainingJob request has none), so these checks need the constructs themselves.
  if (baseline === main) {
    refuse('SML-BASELINE', { prop: 'baseline', value: baseline.node.path, problem: 'is the job it is meant to spare', fix: 'define a small, cheap job (e.g. a linear model on one small instance) as the baseline' });
  }
  if (!main.objective || target === undefined) {
    refuse('SML-BASELINE', {
      prop: 'baseline',
      value: baseline.node.path,
      problem: 'runs the expensive job only when the baseline misses the target, and the main objective has no target',
      fix: 'set the objective\'s target on the training job',
    });
  }
  const bo = baseline.objective;
  if (!bo || bo.metricName !== main.objective.metricName || bo.direction !== main.objective.direction) {
    refuse('SML-BASELINE', {
      prop: 'baseline.objective',
      value: bo ? `${bo.metricName} (${bo.direction})` : 'none',
      problem: `must be the main objective '${main.objective.metricName}' (${main.objective.direction}), or the two results cannot be compared`,
      fix: `give the baseline Objective.${main.objective.direction === ObjectiveDirection.MAXIMIZE ? 'maximize' : 'minimize'}('${main.objective.metricName}', …)`,
    });
  }
  const jobs = tuning?.maxTrainingJobs ?? 1;
  const limits = [baseline.instanceCount, baseline.maxRuntime, main.instanceCount, main.maxRuntime, jobs];
  if (!allKnown(...limits)) {
    deferred(scope, 'SML-BASELINE', 'a limit of the baseline or the main job', 'whether the baseline is cheaper in the worst case than the job it should spare is not checked');
  } else {
    const worstSeconds = (j: SustainableTrainingJob, n: number) => n * j.instanceCount * j.maxRuntime.toSeconds() * weight(j);
    if (worstSeconds(baseline, 1) >= worstSeconds(main, jobs)) {
      warn(scope, 'SML-BASELINE', `the baseline ${baseline.node.path} is not cheaper in the worst case than the job it should spare (${baseline.instanceCount} × ${baseline.instanceType.name} for ${baseline.maxRuntime.toHumanString()}); make it small`);
    }
  }
  return AcceptanceGate.forObjective(main.objective);
}

/** A rough per-instance weight for the baseline comparison: accelerators dominate, then vCPUs. */
function weight(j: SustainableTrainingJob): number {
  return j.instanceType.acceleratorCount > 0 ? 100 * j.instanceType.acceleratorCount : Math.max(1, j.instanceType.vcpus);
}
