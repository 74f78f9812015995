/**
 * Tags through which training jobs talk to the TrainingJobGuard (SML-GUARD). SustainableTrainingJob sets
 * `GuardTags.GUARD` on every job it renders unless `guard: false`; per-job overrides use the other keys.
 */
export class GuardTags {
  /** Marks a job the guard watches; value `enabled` (any other value, e.g. `disabled`, opts the job out). */
  public static readonly GUARD = 'sustainable-ml:guard';
  /** Utilisation threshold in percent below which the job counts as idle (overrides the guard's default). */
  public static readonly IDLE_THRESHOLD = 'sustainable-ml:guard-idle-threshold';
  /** Window in minutes over which idleness / stall is judged (overrides the guard's default). */
  public static readonly WINDOW_MINUTES = 'sustainable-ml:guard-window-minutes';
  /** Objective metric the guard watches for stalls (`<metric name>`), set from the job's objective. */
  public static readonly OBJECTIVE_METRIC = 'sustainable-ml:objective-metric';
  /** `Minimize` or `Maximize`, set from the job's objective. */
  public static readonly OBJECTIVE_DIRECTION = 'sustainable-ml:objective-direction';
  /** Training-loss metric name used with the objective metric for the overfitting check. */
  public static readonly TRAIN_METRIC = 'sustainable-ml:train-metric';
  /** `Minimize` (default: a loss) or `Maximize`: the direction in which `TRAIN_METRIC` improves. */
  public static readonly TRAIN_DIRECTION = 'sustainable-ml:train-direction';
  /** Number of objective-metric points without improvement after which the job counts as stalled. */
  public static readonly STALL_POINTS = 'sustainable-ml:guard-stall-points';
  /**
   * Comma-separated checks the guard applies to this job, out of `idle`, `stall`, `overfit`, `rules`
   * (Debugger/Profiler rule findings); `none` turns them all off. Overrides the guard's defaults.
   */
  public static readonly CHECKS = 'sustainable-ml:guard-checks';
  /** The value of `GUARD` that turns the guard on for a job. */
  public static readonly ENABLED = 'enabled';
}

/** The value of `GuardTags.GUARD` that turns the guard on for a job (internal alias of `GuardTags.ENABLED`). */
export const GUARD_ENABLED = GuardTags.ENABLED;
