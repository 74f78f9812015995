/**
 * Tags through which training jobs talk to the TrainingJobGuard (SML-GUARD). SustainableTrainingJob sets
 * `GUARD_TAG` on every job it renders unless `guard: false`; per-job overrides use the other keys.
 */
export const GuardTags = {
  /** Marks a job the guard watches; value `enabled` (any other value, e.g. `disabled`, opts the job out). */
  GUARD: 'sustainable-ml:guard',
  /** Utilisation threshold in percent below which the job counts as idle (overrides the guard's default). */
  IDLE_THRESHOLD: 'sustainable-ml:guard-idle-threshold',
  /** Window in minutes over which idleness / stall is judged (overrides the guard's default). */
  WINDOW_MINUTES: 'sustainable-ml:guard-window-minutes',
  /** Objective metric the guard watches for stalls (`<metric name>`), set from the job's objective. */
  OBJECTIVE_METRIC: 'sustainable-ml:objective-metric',
  /** `Minimize` or `Maximize`, set from the job's objective. */
  OBJECTIVE_DIRECTION: 'sustainable-ml:objective-direction',
  /** Training-loss metric name used with the objective metric for the overfitting check. */
  TRAIN_METRIC: 'sustainable-ml:train-metric',
  /** `Minimize` (default: a loss) or `Maximize`: the direction in which `TRAIN_METRIC` improves. */
  TRAIN_DIRECTION: 'sustainable-ml:train-direction',
  /** Number of objective-metric points without improvement after which the job counts as stalled. */
  STALL_POINTS: 'sustainable-ml:guard-stall-points',
  /**
   * Comma-separated checks the guard applies to this job, out of `idle`, `stall`, `overfit`, `rules`
   * (Debugger/Profiler rule findings); `none` turns them all off. Overrides the guard's defaults.
   */
  CHECKS: 'sustainable-ml:guard-checks',
} as const;

/** The value of `GuardTags.GUARD` that turns the guard on for a job. */
export const GUARD_ENABLED = 'enabled';
