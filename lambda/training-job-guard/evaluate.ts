/**
 * The three metric checks, as pure functions over time series (no I/O), so each rule is testable alone.
 *
 * - idle: every host's utilisation, normalised per accelerator (GPU) or per vCPU (CPU jobs), stayed under the
 *   threshold at every point of the window (per-minute Maximum), with the window covered by data.
 * - stalled: the best objective value of the last N points is no better than the best value before them (by more
 *   than the minimum relative improvement). Modelled on Debugger's LossNotDecreasing (num_steps 10,
 *   diff_percent 0.1).
 * - overfitting: over the last M points the validation (objective) metric trends worse by at least the minimum
 *   change while the training metric trends better, and the latest validation value is worse than its best.
 * Missing or short data never stops a job: the verdict is `insufficient`.
 */
import type { Direction, GuardConfig, JobSettings } from './config';
import type { WatchedJob } from './jobs';

/** A metric series: timestamps (ms) ascending, values. */
export interface Series {
  readonly t: number[];
  readonly v: number[];
}

export interface Verdict {
  /** `stop`: the check fired; `ok`: it ran and passed; `insufficient`: not enough data or not applicable. */
  readonly outcome: 'stop' | 'ok' | 'insufficient';
  readonly figures: Record<string, unknown>;
}

const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The divisor that turns an instance metric into a per-device percentage (1 when the count is unknown). */
export function normaliser(job: WatchedJob): number {
  if (job.spec.accelerator === 'gpu') return job.spec.acceleratorCount ?? 1;
  if (job.spec.accelerator === 'neuron') return 1; // the Neuron metric is read as a 0-100 % average already
  return job.spec.vcpus ?? 1;
}

/**
 * @param hostSeries one entry per host (`algo-1` first); undefined when the host returned no data
 * @param now the sweep time
 */
export function evaluateIdle(
  job: WatchedJob, hostSeries: readonly (Series | undefined)[], settings: JobSettings, config: GuardConfig, now: Date,
): Verdict {
  const windowMs = settings.idleWindowMinutes * 60_000;
  const base = { metric: utilisationMetric(job, config), thresholdPercent: settings.idleThresholdPercent, windowMinutes: settings.idleWindowMinutes };
  const notYet = idleNotJudgeable(job, settings, now);
  if (notYet) return { outcome: 'insufficient', figures: { ...base, note: notYet } };
  const from = now.getTime() - windowMs;
  const expected = Math.floor(windowMs / (config.periodSeconds * 1000));
  const needed = Math.max(1, Math.ceil(expected * config.minCoverage));
  const div = normaliser(job);
  let judged = 0;
  let peak = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < hostSeries.length; i++) {
    const s = hostSeries[i];
    const values = s ? s.v.filter((_, k) => s.t[k] >= from) : [];
    if (values.length === 0 && job.heterogeneous) continue; // a group without this metric
    if (values.length < needed) {
      return { outcome: 'insufficient', figures: { ...base, note: `host algo-${i + 1} has ${values.length} of ${needed} points needed` } };
    }
    judged++;
    for (const v of values) {
      const pct = v / div;
      peak = Math.max(peak, pct);
      sum += pct;
      count++;
    }
  }
  if (judged === 0) return { outcome: 'insufficient', figures: { ...base, note: 'no host published the metric' } };
  const figures = {
    ...base, hostsJudged: judged, peakPercent: r3(peak), meanPercent: r3(sum / count), perDeviceDivisor: div,
  };
  return { outcome: peak < settings.idleThresholdPercent ? 'stop' : 'ok', figures };
}

/**
 * Why the idle check cannot judge the job now (undefined when it can): only jobs in the `Training` phase for at
 * least the window are judged, so data downloads and instance start-up never count as idle time.
 */
export function idleNotJudgeable(job: WatchedJob, settings: JobSettings, now: Date): string | undefined {
  if (job.secondaryStatus !== undefined && job.secondaryStatus !== 'Training') return `secondary status ${job.secondaryStatus}`;
  const phase = job.trainingPhaseStart ?? job.trainingStartTime;
  if (!phase || now.getTime() - phase.getTime() < settings.idleWindowMinutes * 60_000) return 'training for less than the window';
  return undefined;
}

/** The metric the idle check reads for this job. */
export function utilisationMetric(job: WatchedJob, config: GuardConfig): string {
  if (job.spec.accelerator === 'gpu') return 'GPUUtilization';
  if (job.spec.accelerator === 'neuron') return config.neuronMetricName;
  return 'CPUUtilization';
}

const better = (a: number, b: number, d: Direction): boolean => (d === 'Minimize' ? a < b : a > b);
const best = (vs: readonly number[], d: Direction): number => (d === 'Minimize' ? Math.min(...vs) : Math.max(...vs));

/** True when `candidate` improves on `reference` by more than `minImprovement` (relative). */
export function improves(candidate: number, reference: number, d: Direction, minImprovement: number): boolean {
  const tolerance = minImprovement * Math.max(Math.abs(reference), 1e-12);
  return d === 'Minimize' ? reference - candidate > tolerance : candidate - reference > tolerance;
}

export function evaluateStall(series: Series | undefined, metric: string, d: Direction, points: number, minImprovement: number): Verdict {
  const v = series?.v ?? [];
  const base = { metric, direction: d, stallPoints: points, points: v.length };
  if (v.length < points + 1) return { outcome: 'insufficient', figures: base };
  const before = best(v.slice(0, v.length - points), d);
  const recent = best(v.slice(v.length - points), d);
  const figures = { ...base, bestBefore: before, bestRecent: recent, minImprovementPercent: minImprovement * 100 };
  return { outcome: improves(recent, before, d, minImprovement) ? 'ok' : 'stop', figures };
}

/** Least-squares slope of v over t (per ms). */
function slope(t: readonly number[], v: readonly number[]): number {
  const n = t.length;
  const mt = t.reduce((a, b) => a + b, 0) / n;
  const mv = v.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (t[i] - mt) * (v[i] - mv);
    den += (t[i] - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Relative change of the fitted line over the span of the points, signed so that positive = improving. */
function trend(s: Series, d: Direction): number {
  const span = s.t[s.t.length - 1] - s.t[0];
  const mean = s.v.reduce((a, b) => a + b, 0) / s.v.length;
  const change = (slope(s.t, s.v) * span) / Math.max(Math.abs(mean), 1e-12);
  return d === 'Minimize' ? -change : change;
}

function last(s: Series, n: number): Series {
  return { t: s.t.slice(-n), v: s.v.slice(-n) };
}

export function evaluateOverfit(
  validation: Series | undefined, train: Series | undefined,
  objective: { name: string; direction: Direction }, trainMetric: { name: string; direction: Direction },
  points: number, minImprovement: number, minChange: number,
): Verdict {
  const base = { validationMetric: objective.name, trainMetric: trainMetric.name, overfitPoints: points };
  if (!validation || !train || validation.v.length < points || train.v.length < points) {
    return { outcome: 'insufficient', figures: { ...base, validationPoints: validation?.v.length ?? 0, trainPoints: train?.v.length ?? 0 } };
  }
  const val = last(validation, points);
  const tr = last(train, points);
  const valTrend = trend(val, objective.direction);
  const trainTrend = trend(tr, trainMetric.direction);
  const latest = val.v[val.v.length - 1];
  const bestSeen = best(validation.v, objective.direction);
  const figures = {
    ...base,
    validationTrendPercent: r3(valTrend * 100),
    trainTrendPercent: r3(trainTrend * 100),
    validationLatest: latest,
    validationBest: bestSeen,
    minChangePercent: minChange * 100,
  };
  const overfitting = valTrend <= -minChange && trainTrend > minImprovement && better(bestSeen, latest, objective.direction);
  return { outcome: overfitting ? 'stop' : 'ok', figures };
}
