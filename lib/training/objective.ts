import { refuse } from '../private/messages';
import { checkNumber } from '../private/synth-value';
import { captureGroups, METRIC_REGEX_FIX, METRIC_REGEX_PROBLEM } from '../rules/accept';

/** Whether a smaller or a larger objective value is better. */
export enum ObjectiveDirection {
  /** Smaller is better (loss, error). */
  MINIMIZE = 'Minimize',
  /** Larger is better (accuracy, AUC). */
  MAXIMIZE = 'Maximize',
}

/** A metric SageMaker reads from the training log with a regular expression. */
export interface MetricDefinition {
  /** Metric name, e.g. `validation:loss`. */
  readonly name: string;
  /** Regular expression with one capture group around the value, e.g. `val_loss=([0-9.]+)`. */
  readonly regex: string;
}

/** Options of an objective. */
export interface ObjectiveOptions {
  /**
   * The acceptable value (SML-ACCEPT): tuning completes when a job reaches it, and the acceptance gate fails a
   * run that does not.
   * @default - no target: tuning runs to its limits and no gate is applied
   */
  readonly target?: number;
  /**
   * The matching training-set metric, for the guard's overfitting check (validation worsens while training improves).
   * @default - no overfitting check
   */
  readonly trainingMetric?: MetricDefinition;
}

/** The metric a job is judged by (SML-ACCEPT), shared by tuning, the acceptance gate and the guard. */
export class Objective {
  /** An objective where smaller is better. */
  public static minimize(metricName: string, regex: string, options: ObjectiveOptions = {}): Objective {
    return new Objective(metricName, regex, ObjectiveDirection.MINIMIZE, options);
  }

  /** An objective where larger is better. */
  public static maximize(metricName: string, regex: string, options: ObjectiveOptions = {}): Objective {
    return new Objective(metricName, regex, ObjectiveDirection.MAXIMIZE, options);
  }

  /** The acceptable value, if any. */
  public readonly target?: number;
  /** The training-set metric for the overfitting check, if any. */
  public readonly trainingMetric?: MetricDefinition;

  private constructor(
    /** Metric name. */
    public readonly metricName: string,
    /** Regular expression with one capture group. */
    public readonly regex: string,
    /** Direction. */
    public readonly direction: ObjectiveDirection,
    options: ObjectiveOptions,
  ) {
    checkMetric('objective', { name: metricName, regex });
    if (options.trainingMetric) checkMetric('objective.trainingMetric', options.trainingMetric);
    checkNumber('SML-ACCEPT', 'objective.target', options.target);
    if (options.target !== undefined && !Number.isFinite(options.target)) {
      refuse('SML-ACCEPT', {
        prop: 'objective.target',
        value: options.target,
        problem: 'is not a finite number',
        fix: 'set the metric value the business accepts, e.g. 0.9 for accuracy',
      });
    }
    this.target = options.target;
    this.trainingMetric = options.trainingMetric;
  }

  /** The metric definitions SageMaker needs to read this objective (and its training metric). */
  public metricDefinitions(): MetricDefinition[] {
    return [{ name: this.metricName, regex: this.regex }, ...(this.trainingMetric ? [this.trainingMetric] : [])];
  }

  /** True when `value` meets the target (always true without a target). */
  public meets(value: number): boolean {
    if (this.target === undefined) return true;
    return this.direction === ObjectiveDirection.MINIMIZE ? value <= this.target : value >= this.target;
  }
}

function checkMetric(prop: string, m: MetricDefinition): void {
  if (!/^.+$/.test(m.name) || m.name.length > 255) {
    refuse('SML-ACCEPT', { prop: `${prop}.name`, value: m.name, problem: 'must be 1 to 255 characters', fix: 'name the metric, e.g. validation:loss' });
  }
  if (captureGroups(m.regex) < 1) {
    refuse('SML-ACCEPT', {
      prop: `${prop}.regex`,
      value: m.regex,
      problem: METRIC_REGEX_PROBLEM,
      fix: METRIC_REGEX_FIX,
    });
  }
}
