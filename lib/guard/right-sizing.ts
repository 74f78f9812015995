/**
 * The right-sizing contract between TrainingJobGuard (lib/guard/training-job-guard.ts) and its handler
 * (lambda/training-job-guard/job-end.ts, right-sizing.ts) (SML-MEASURE): when a guarded training job ends, the
 * handler publishes its utilisation and a right-sizing verdict as Embedded Metric Format metrics under these names and
 * dimensions, and the construct's alarms and metric helpers read them. Dependency-free, so esbuild bundles it into
 * the handler.
 *
 * Alarms cannot use SEARCH expressions, and SageMaker's own instance metrics carry the job name in their `Host`
 * dimension, unknown at synth: hence these metrics, one data point per ended job, with a small fixed set of
 * dimensions (never the job's name).
 */

/** The defaults of right-sizing: the one home of each value (the construct writes them, the handler falls back to them). */
export const RIGHT_SIZING_DEFAULTS = Object.freeze({
  /**
   * Headroom kept above each measured peak (CPU, memory, GPU, GPU memory) when choosing the smallest type that would
   * do, in percent. 20 % is AWS Compute Optimizer's default CPU and memory utilisation headroom
   * (PutRecommendationPreferences, `utilizationPreferences`: "PERCENT_20 for headroom",
   * https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_PutRecommendationPreferences.html).
   */
  headroomPercent: 20,
  /**
   * Average utilisation, in percent (per vCPU for CPU jobs, per GPU for GPU jobs), under which the ended jobs of a day
   * raise the low-utilisation alarms. A setting of this library, not a published figure.
   */
  lowUtilizationThresholdPercent: 20,
  /** Per-period points a metric needs (on every host) before a verdict is given: shorter jobs get none. */
  minDataPoints: 10,
  /** Period of the right-sizing alarms, in seconds (one day). */
  alarmPeriodSeconds: 86_400,
});

/**
 * Metric names the handler publishes when a guarded job ends (namespace `GUARD_DEFAULTS.metricNamespace`). The
 * utilisation metrics are in percent of the instance: CPU per vCPU (SageMaker's CPUUtilization divided by the
 * vCPUs), GPU and GPU memory per GPU (divided by the GPUs), memory and disk as SageMaker reports them; `…Average` is
 * the job's mean over its run (mean of its hosts), `…Peak` its highest one-period maximum on any host.
 */
export const RIGHT_SIZING_METRICS = Object.freeze({
  /** One per ended guarded job reported (Count). */
  JOBS_ENDED: 'JobsEnded',
  /** 1 when a smaller type of the family would have done, 0 when the type was right (jobs with a verdict only). */
  JOBS_OVER_PROVISIONED: 'JobsOverProvisioned',
  /** Instance-hours of the ended jobs that a smaller type would have done (run hours x instances). */
  OVER_PROVISIONED_INSTANCE_HOURS: 'OverProvisionedInstanceHours',
  CPU_AVERAGE: 'JobCPUUtilizationAverage',
  CPU_PEAK: 'JobCPUUtilizationPeak',
  MEMORY_AVERAGE: 'JobMemoryUtilizationAverage',
  MEMORY_PEAK: 'JobMemoryUtilizationPeak',
  GPU_AVERAGE: 'JobGPUUtilizationAverage',
  GPU_PEAK: 'JobGPUUtilizationPeak',
  GPU_MEMORY_AVERAGE: 'JobGPUMemoryUtilizationAverage',
  GPU_MEMORY_PEAK: 'JobGPUMemoryUtilizationPeak',
  DISK_AVERAGE: 'JobDiskUtilizationAverage',
  DISK_PEAK: 'JobDiskUtilizationPeak',
} as const);

/** Dimension names of the right-sizing metrics. */
export const RIGHT_SIZING_DIMENSIONS = Object.freeze({
  FUNCTION_NAME: 'FunctionName',
  INSTANCE_TYPE: 'InstanceType',
  ACCELERATOR_KIND: 'AcceleratorKind',
} as const);

/**
 * The dimension sets every right-sizing metric is published under: overall (per guard function), per instance type
 * and per accelerator kind. Small and fixed: no job name, so alarms can name them at synth.
 */
export const RIGHT_SIZING_DIMENSION_SETS: readonly (readonly string[])[] = Object.freeze([
  Object.freeze([RIGHT_SIZING_DIMENSIONS.FUNCTION_NAME]),
  Object.freeze([RIGHT_SIZING_DIMENSIONS.FUNCTION_NAME, RIGHT_SIZING_DIMENSIONS.INSTANCE_TYPE]),
  Object.freeze([RIGHT_SIZING_DIMENSIONS.FUNCTION_NAME, RIGHT_SIZING_DIMENSIONS.ACCELERATOR_KIND]),
]);

/**
 * Values of the `AcceleratorKind` dimension, by the handler's own kind names; equal to the values of the public
 * `AcceleratorKind` enum (lib/training/instance.ts), which a test checks.
 */
export const ACCELERATOR_KIND_VALUES = Object.freeze({
  none: 'none',
  gpu: 'nvidia-gpu',
  neuron: 'trainium',
} as const);
