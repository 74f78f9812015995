/**
 * The guard's settings: defaults from the function's environment (set by the TrainingJobGuard construct), per-job
 * overrides from the job's tags (GuardTags).
 */
import { GUARD_ENABLED, GuardTags } from '../../lib/guard/guard-tags';
import { GUARD_DEFAULTS, GUARD_ENV, TRAINING_JOBS_METRIC_NAMESPACE } from '../../lib/guard/guard-env';
import { RIGHT_SIZING_DEFAULTS } from '../../lib/guard/right-sizing';

/** The checks the guard can apply. */
export type Check = 'idle' | 'stall' | 'overfit' | 'rules';
export const ALL_CHECKS: readonly Check[] = ['idle', 'stall', 'overfit', 'rules'];

/** How the sweep finds guarded jobs. */
export type Discovery = 'search' | 'list';

/** Names of the environment variables the construct sets (the contract between construct and handler). */
export const ENV = GUARD_ENV;

/** SageMaker's namespace for training-job instance and algorithm metrics. */
export const TRAINING_JOBS_NAMESPACE = TRAINING_JOBS_METRIC_NAMESPACE;

/** Settings for one invocation. */
export interface GuardConfig {
  readonly dryRun: boolean;
  readonly checks: ReadonlySet<Check>;
  /** Mean utilisation per accelerator (or per vCPU for CPU jobs), in percent, under which a host counts as idle. */
  readonly idleThresholdPercent: number;
  readonly idleWindowMinutes: number;
  /** Objective points without improvement after which a job is stalled. */
  readonly stallPoints: number;
  /** Points over which the overfitting trend is judged. */
  readonly overfitPoints: number;
  /** Relative change (fraction) that counts as an improvement of the objective. */
  readonly minImprovement: number;
  /** Relative worsening (fraction) of the validation metric over `overfitPoints` that counts as overfitting. */
  readonly overfitMinChange: number;
  /** How far back metrics are read (covers the idle window and the objective history). */
  readonly lookbackMinutes: number;
  /** Period of the metric queries; SageMaker publishes instance metrics every minute. */
  readonly periodSeconds: number;
  /** Fraction of the expected data points a host must have in the window to be judged idle. */
  readonly minCoverage: number;
  readonly discovery: Discovery;
  readonly neuronMetricName: string;
  /** Debugger/Profiler rule configuration names (prefixes) whose findings never stop a job. */
  readonly ignoredRules: readonly string[];
  readonly metricNamespace: string;
  readonly functionName: string;
  /** StopTrainingJob calls in flight at once. */
  readonly stopConcurrency: number;
  /** Milliseconds of remaining invocation time kept back for in-flight calls and the summary. */
  readonly reserveMs: number;
  /** Headroom (fraction) kept above measured peaks when recommending an instance type for an ended job. */
  readonly rightSizingHeadroom: number;
}

function num(env: NodeJS.ProcessEnv, key: string, fallback: number, ok: (n: number) => boolean): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !ok(n)) throw new Error(`${key}=${raw} is not valid`);
  return n;
}

/** Parse a comma-separated check list; `none` (or empty) means no check. Unknown names are reported. */
export function parseChecks(raw: string, problems: string[] = []): Set<Check> {
  const out = new Set<Check>();
  for (const part of raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (part === 'none') continue;
    if ((ALL_CHECKS as readonly string[]).includes(part)) out.add(part as Check);
    else problems.push(`unknown check '${part}'`);
  }
  return out;
}

/**
 * The settings from the environment; a variable that is not set takes its default from GUARD_DEFAULTS (the same
 * values the construct writes). Throws on a malformed value (a deployment error, not a job's).
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): GuardConfig {
  const discovery = (env[ENV.DISCOVERY] ?? GUARD_DEFAULTS.discovery).toLowerCase();
  if (discovery !== 'search' && discovery !== 'list') throw new Error(`${ENV.DISCOVERY}=${discovery} is not valid`);
  const problems: string[] = [];
  const checks = env[ENV.CHECKS] === undefined ? new Set(ALL_CHECKS) : parseChecks(env[ENV.CHECKS]!, problems);
  if (problems.length) throw new Error(`${ENV.CHECKS}: ${problems.join(', ')}`);
  const idleWindowMinutes = num(env, ENV.IDLE_WINDOW_MINUTES, GUARD_DEFAULTS.idleWindowMinutes, (n) => n >= 1);
  return {
    dryRun: ['true', '1', 'yes'].includes((env[ENV.DRY_RUN] ?? '').toLowerCase()),
    checks,
    idleThresholdPercent: num(env, ENV.IDLE_THRESHOLD_PERCENT, GUARD_DEFAULTS.idleThresholdPercent, (n) => n >= 0 && n <= 100),
    idleWindowMinutes,
    stallPoints: num(env, ENV.STALL_POINTS, GUARD_DEFAULTS.stallPoints, (n) => Number.isInteger(n) && n >= 2),
    overfitPoints: num(env, ENV.OVERFIT_POINTS, GUARD_DEFAULTS.overfitPoints, (n) => Number.isInteger(n) && n >= 3),
    minImprovement: num(env, ENV.MIN_IMPROVEMENT_PERCENT, GUARD_DEFAULTS.minImprovementPercent, (n) => n >= 0) / 100,
    overfitMinChange: num(env, ENV.OVERFIT_MIN_CHANGE_PERCENT, GUARD_DEFAULTS.overfitMinChangePercent, (n) => n >= 0) / 100,
    lookbackMinutes: Math.max(
      num(env, ENV.LOOKBACK_MINUTES, GUARD_DEFAULTS.lookbackMinutes, (n) => n >= 1),
      idleWindowMinutes,
    ),
    periodSeconds: 60,
    minCoverage: 0.8,
    discovery,
    neuronMetricName: env[ENV.NEURON_METRIC] || GUARD_DEFAULTS.neuronMetricName,
    ignoredRules: env[ENV.IGNORED_RULES] === undefined
      ? GUARD_DEFAULTS.ignoredRules
      : env[ENV.IGNORED_RULES]!.split(',').map((s) => s.trim()).filter(Boolean),
    metricNamespace: env[ENV.METRIC_NAMESPACE] || GUARD_DEFAULTS.metricNamespace,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
    stopConcurrency: num(env, ENV.STOP_CONCURRENCY, GUARD_DEFAULTS.stopConcurrency, (n) => Number.isInteger(n) && n >= 1 && n <= 100),
    reserveMs: num(env, ENV.RESERVE_SECONDS, GUARD_DEFAULTS.reserveSeconds, (n) => n >= 0) * 1000,
    rightSizingHeadroom: num(env, ENV.RIGHT_SIZING_HEADROOM_PERCENT, RIGHT_SIZING_DEFAULTS.headroomPercent, (n) => n >= 0 && n <= 100) / 100,
  };
}

/** `Minimize` or `Maximize`. */
export type Direction = 'Minimize' | 'Maximize';

/** A metric the job's algorithm publishes (name from its MetricDefinitions) and the direction it improves in. */
export interface WatchedMetric {
  readonly name: string;
  readonly direction: Direction;
}

/** The settings for one job: the invocation's defaults with the job's tag overrides applied. */
export interface JobSettings {
  readonly checks: ReadonlySet<Check>;
  readonly idleThresholdPercent: number;
  readonly idleWindowMinutes: number;
  readonly stallPoints: number;
  readonly objective?: WatchedMetric;
  readonly train?: WatchedMetric;
  /** Tag values that were ignored (malformed), for the log. */
  readonly problems: readonly string[];
}

/** True when the job carries the guard tag with the value `enabled`. */
export function isGuarded(tags: Readonly<Record<string, string>>): boolean {
  return tags[GuardTags.GUARD] === GUARD_ENABLED;
}

function direction(raw: string | undefined, fallback: Direction | undefined): Direction | undefined {
  if (raw === undefined) return fallback;
  const v = raw.trim().toLowerCase();
  if (v === 'minimize') return 'Minimize';
  if (v === 'maximize') return 'Maximize';
  return undefined;
}

/** Apply the job's tags to the defaults. A malformed tag value is ignored (and reported), never fatal. */
export function jobSettings(tags: Readonly<Record<string, string>>, config: GuardConfig): JobSettings {
  const problems: string[] = [];
  const tagNum = (key: string, fallback: number, ok: (n: number) => boolean): number => {
    const raw = tags[key];
    if (raw === undefined) return fallback;
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(n) || !ok(n)) {
      problems.push(`tag ${key}='${raw}' ignored`);
      return fallback;
    }
    return n;
  };
  let checks: ReadonlySet<Check> = config.checks;
  if (tags[GuardTags.CHECKS] !== undefined) {
    const found: string[] = [];
    checks = parseChecks(tags[GuardTags.CHECKS], found);
    problems.push(...found.map((p) => `tag ${GuardTags.CHECKS}: ${p}`));
  }
  const objectiveName = tags[GuardTags.OBJECTIVE_METRIC]?.trim();
  const objectiveDirection = direction(tags[GuardTags.OBJECTIVE_DIRECTION], undefined);
  if (objectiveName && !objectiveDirection) {
    problems.push(`tag ${GuardTags.OBJECTIVE_DIRECTION}='${tags[GuardTags.OBJECTIVE_DIRECTION] ?? ''}' is not Minimize or Maximize`);
  }
  const trainName = tags[GuardTags.TRAIN_METRIC]?.trim();
  const trainDirection = direction(tags[GuardTags.TRAIN_DIRECTION], 'Minimize');
  if (trainName && !trainDirection) problems.push(`tag ${GuardTags.TRAIN_DIRECTION}='${tags[GuardTags.TRAIN_DIRECTION]}' ignored`);
  return {
    checks,
    idleThresholdPercent: tagNum(GuardTags.IDLE_THRESHOLD, config.idleThresholdPercent, (n) => n >= 0 && n <= 100),
    // The window cannot exceed the metrics the sweep reads.
    idleWindowMinutes: tagNum(GuardTags.WINDOW_MINUTES, config.idleWindowMinutes, (n) => n >= 1 && n <= config.lookbackMinutes),
    stallPoints: tagNum(GuardTags.STALL_POINTS, config.stallPoints, (n) => Number.isInteger(n) && n >= 2),
    ...(objectiveName && objectiveDirection ? { objective: { name: objectiveName, direction: objectiveDirection } } : {}),
    ...(trainName && trainDirection ? { train: { name: trainName, direction: trainDirection } } : {}),
    problems,
  };
}

/** True when a Debugger/Profiler rule's findings are ignored by configuration (prefix match). */
export function isIgnoredRule(ruleName: string, config: GuardConfig): boolean {
  return config.ignoredRules.some((prefix) => ruleName.startsWith(prefix));
}
