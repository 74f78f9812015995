/**
 * Names of the environment variables TrainingJobGuard sets and its handler reads: the one contract between the
 * construct (lib/idle/training-job-guard.ts) and the bundled handler (lambda/training-job-guard/config.ts).
 * Dependency-free, so esbuild bundles it into the handler.
 */
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
} as const;
