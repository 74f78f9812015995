/**
 * Names of the environment variables TrainingJobGuard sets and its handler reads: the one contract between the
 * construct (lib/guard/training-job-guard.ts) and the bundled handler (lambda/training-job-guard/config.ts).
 * Dependency-free, so esbuild bundles it into the handler.
 */
/** The CloudWatch namespace SageMaker publishes training-job instance and algorithm metrics to. */
export const TRAINING_JOBS_METRIC_NAMESPACE = '/aws/sagemaker/TrainingJobs';

export const GUARD_ENV = {
  DRY_RUN: 'GUARD_DRY_RUN',
  CHECKS: 'GUARD_CHECKS',
  IDLE_THRESHOLD_PERCENT: 'GUARD_IDLE_THRESHOLD_PERCENT',
  IDLE_WINDOW_MINUTES: 'GUARD_IDLE_WINDOW_MINUTES',
  STALL_POINTS: 'GUARD_STALL_POINTS',
  OVERFIT_POINTS: 'GUARD_OVERFIT_POINTS',
  MIN_IMPROVEMENT_PERCENT: 'GUARD_MIN_IMPROVEMENT_PERCENT',
  OVERFIT_MIN_CHANGE_PERCENT: 'GUARD_OVERFIT_MIN_CHANGE_PERCENT',
  LOOKBACK_MINUTES: 'GUARD_LOOKBACK_MINUTES',
  DISCOVERY: 'GUARD_DISCOVERY',
  NEURON_METRIC: 'GUARD_NEURON_METRIC',
  IGNORED_RULES: 'GUARD_IGNORED_RULES',
  METRIC_NAMESPACE: 'GUARD_METRIC_NAMESPACE',
  STOP_CONCURRENCY: 'GUARD_STOP_CONCURRENCY',
  RESERVE_SECONDS: 'GUARD_RESERVE_SECONDS',
  RIGHT_SIZING_HEADROOM_PERCENT: 'GUARD_RIGHT_SIZING_HEADROOM_PERCENT',
} as const;

/**
 * The guard's defaults (SML-GUARD): the one home of each value. The construct (lib/guard/training-job-guard.ts)
 * writes them into the function's environment when a prop is not given, and the handler
 * (lambda/training-job-guard/config.ts) falls back to them when a variable is missing. Dependency-free, so
 * esbuild bundles it into the handler.
 */
export const GUARD_DEFAULTS = Object.freeze({
  /** Utilisation per accelerator (or per vCPU), in percent, under which a host counts as idle. */
  idleThresholdPercent: 5,
  /** How long a job must idle before it is stopped, in minutes. */
  idleWindowMinutes: 30,
  /** Objective points without improvement after which a job is stalled. */
  stallPoints: 10,
  /** Recent points over which overfitting is judged. */
  overfitPoints: 5,
  /** Smallest relative change of the objective, in percent, that counts as an improvement. */
  minImprovementPercent: 0.1,
  /** Smallest relative worsening of the validation metric, in percent, that counts as overfitting. */
  overfitMinChangePercent: 1,
  /** How far back metrics are read, in minutes (3 hours). */
  lookbackMinutes: 180,
  /** The Trainium (Neuron) utilisation metric read in `/aws/sagemaker/TrainingJobs`. */
  neuronMetricName: 'NeuronCoreUtilization',
  /** Rule configuration names (prefixes) whose findings never stop a job. */
  ignoredRules: Object.freeze(['ProfilerReport']) as readonly string[],
  /** How the sweep finds guarded jobs (`JobDiscovery.SEARCH`). */
  discovery: 'search',
  /** CloudWatch namespace of the guard's own metrics (EMF). */
  metricNamespace: 'cdk-sustainable-ml/TrainingJobGuard',
  /** The function's timeout, in seconds; the sweep's time budget comes from the invocation's remaining time. */
  timeoutSeconds: 120,
  /** StopTrainingJob calls in flight at once (the SDK's retries and back-off apply to each). */
  stopConcurrency: 10,
  /**
   * Seconds of the invocation's remaining time (Lambda `getRemainingTimeInMillis()`) kept back: no new call starts
   * once less than this is left, so in-flight stops finish and the sweep summary is written before the timeout.
   */
  reserveSeconds: 15,
});

/**
 * Names of the metrics the guard publishes (EMF, namespace `GUARD_DEFAULTS.metricNamespace`, dimension sets
 * [FunctionName] and [FunctionName, Reason]): written by the handler (lambda/training-job-guard/log.ts), read by
 * TrainingJobGuard's metric helpers and TrainingEfficiencyDashboard.
 */
export const GUARD_METRICS = Object.freeze({
  JOBS_STOPPED: 'JobsStopped',
  JOBS_WOULD_STOP: 'JobsWouldStop',
  INSTANCE_HOURS_SAVED: 'InstanceHoursSaved',
  ACCELERATOR_HOURS_SAVED: 'AcceleratorHoursSaved',
} as const);
