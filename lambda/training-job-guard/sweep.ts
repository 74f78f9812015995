/**
 * The scheduled sweep, in phases: discover guarded running jobs, plan and read their metrics in batches, judge each
 * job, stop the ones that idle, stall or overfit, write the summary. An error on one job (or one metric batch) is
 * logged and the sweep goes on. Each phase is a function of its own, so further phases (publishing utilisation, …)
 * plug in between without touching the others.
 *
 * API calls for N guarded single-instance jobs (search discovery): ceil(N / 100) Search + ceil(series / 500)
 * GetMetricData, at most 3 series per job (utilisation, objective, training metric), plus one StopTrainingJob per job
 * stopped (no read before it: see actions.ts; a DescribeTrainingJob only when a stop's answer was ambiguous).
 *
 * Time: stops run `stopConcurrency` at a time, most savings first; no call starts once the invocation's remaining
 * time falls under the reserve. The summary is always written; jobs not reached are `deferred` to the next sweep.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { estimateSavings, stopJob, StopOutcome } from './actions';
import { inPool, RemainingTime, TimeBudget } from './budget';
import { GuardConfig, jobSettings, JobSettings } from './config';
import { discover, Discovered } from './discovery';
import { evaluateIdle, evaluateOverfit, evaluateStall, Series, Verdict } from './evaluate';
import type { WatchedJob } from './jobs';
import { log } from './log';
import { errorText, FetchResult, fetchSeries, seriesFor, SeriesRequest } from './metrics';

export interface Deps {
  readonly sagemaker: SageMakerClient;
  readonly cloudwatch: CloudWatchClient;
  readonly config: GuardConfig;
  readonly now: () => Date;
  /** Milliseconds left in the invocation (the Lambda context's `getRemainingTimeInMillis`); absent: no deadline. */
  readonly remainingTimeMs?: RemainingTime;
}

export interface JobResult {
  readonly job: string;
  readonly outcome: StopOutcome | 'ok' | 'insufficient-data' | 'error' | 'deferred';
  readonly reason?: string;
  readonly error?: string;
}

export interface SweepSummary {
  readonly kind: 'sweep';
  readonly dryRun: boolean;
  readonly discoveryComplete: boolean;
  readonly jobsWatched: number;
  readonly stopped: string[];
  readonly wouldStop: string[];
  /** Jobs not judged or not stopped because the time budget ran out; the next sweep finds them again. */
  readonly deferred: string[];
  readonly errors: number;
  /** Logical calls (each may include SDK retries). */
  readonly apiCalls: { discovery: number; getMetricData: number; stopTrainingJob: number };
  /** Remaining invocation time at the start, the reserve, and the phase in which the budget ran out (if it did). */
  readonly budget: { remainingAtStartMs?: number; reserveMs: number; exhaustedIn?: string };
  readonly elapsedMs: number;
  readonly results: JobResult[];
}

/** The reasons a metric check stops a job. */
export type StopReason = 'idle' | 'stalled' | 'overfitting';

/** Which check fired, in order of precedence (idle first: it is the clearest waste). */
export function decide(
  job: WatchedJob, settings: JobSettings, config: GuardConfig, now: Date,
  get: (role: 'util' | 'objective' | 'train', host?: number) => Series | undefined,
): { reason?: StopReason; verdicts: Record<string, Verdict> } {
  const verdicts: Record<string, Verdict> = {};
  if (settings.checks.has('idle') && job.hosts > 0) {
    const hosts = Array.from({ length: job.hosts }, (_, i) => get('util', i + 1));
    verdicts.idle = evaluateIdle(job, hosts, settings, config, now);
    if (verdicts.idle.outcome === 'stop') return { reason: 'idle', verdicts };
  }
  const objective = settings.objective;
  if (objective && settings.checks.has('stall')) {
    verdicts.stall = evaluateStall(get('objective'), objective.name, objective.direction, settings.stallPoints, config.minImprovement);
    if (verdicts.stall.outcome === 'stop') return { reason: 'stalled', verdicts };
  }
  if (objective && settings.train && settings.checks.has('overfit')) {
    verdicts.overfit = evaluateOverfit(
      get('objective'), get('train'), objective, settings.train, config.overfitPoints, config.minImprovement, config.overfitMinChange,
    );
    if (verdicts.overfit.outcome === 'stop') return { reason: 'overfitting', verdicts };
  }
  return { verdicts };
}

/** The metric reads a sweep needs: each job's settings and the series requests, with their index per job. */
export interface MetricPlan {
  readonly settings: Map<string, JobSettings>;
  readonly requests: SeriesRequest[];
  readonly byJob: Map<string, { index: number; req: SeriesRequest }[]>;
  readonly start: Date;
  readonly end: Date;
}

export function planMetrics(jobs: readonly WatchedJob[], config: GuardConfig, now: Date): MetricPlan {
  const settings = new Map<string, JobSettings>();
  const requests: SeriesRequest[] = [];
  for (const job of jobs) {
    const s = jobSettings(job.tags, config);
    settings.set(job.name, s);
    if (s.problems.length) log('WARN', `job ${job.name}: ${s.problems.join('; ')}`, { job: job.name });
    requests.push(...seriesFor(job, s, config, now));
  }
  const byJob = new Map<string, { index: number; req: SeriesRequest }[]>();
  requests.forEach((req, index) => {
    const list = byJob.get(req.job) ?? [];
    list.push({ index, req });
    byJob.set(req.job, list);
  });
  // One time range for every query (the longest look-back needed), aligned to the minute.
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - config.lookbackMinutes * 60_000);
  return { settings, requests, byJob, start, end };
}

export async function readMetrics(deps: Deps, plan: MetricPlan, budget: TimeBudget): Promise<FetchResult> {
  if (plan.requests.length === 0) return { series: new Map(), failed: new Map(), skipped: new Set(), calls: 0 };
  return fetchSeries(deps.cloudwatch, plan.requests, plan.start, plan.end, deps.config.periodSeconds, () => budget.allows('metrics'));
}

/** A job a check says to stop. */
export interface StopCandidate {
  readonly job: WatchedJob;
  readonly reason: StopReason;
  readonly figures: Record<string, unknown>;
}

/** Judge every job on its metrics: results for the jobs that keep running (or could not be judged), and candidates. */
export function judge(
  jobs: readonly WatchedJob[], plan: MetricPlan, fetched: FetchResult, config: GuardConfig, now: Date,
): { results: JobResult[]; candidates: StopCandidate[] } {
  const results: JobResult[] = [];
  const candidates: StopCandidate[] = [];
  for (const job of jobs) {
    const s = plan.settings.get(job.name)!;
    const mine = plan.byJob.get(job.name) ?? [];
    if (mine.some((m) => fetched.skipped.has(m.index))) {
      results.push({ job: job.name, outcome: 'deferred' });
      continue;
    }
    const failure = mine.map((m) => fetched.failed.get(m.index)).find((e) => e !== undefined);
    if (failure) {
      log('ERROR', `GetMetricData failed for ${job.name}; job skipped this sweep`, { job: job.name, error: failure });
      results.push({ job: job.name, outcome: 'error', error: failure });
      continue;
    }
    const get = (role: SeriesRequest['role'], host?: number): Series | undefined => {
      const m = mine.find((x) => x.req.role === role && x.req.host === host);
      return m ? fetched.series.get(m.index) : undefined;
    };
    const { reason, verdicts } = decide(job, s, config, now, get);
    if (!reason) {
      const insufficient = Object.values(verdicts).length > 0 && Object.values(verdicts).every((v) => v.outcome === 'insufficient');
      results.push({ job: job.name, outcome: insufficient ? 'insufficient-data' : 'ok' });
      continue;
    }
    const key = reason === 'idle' ? 'idle' : reason === 'stalled' ? 'stall' : 'overfit';
    candidates.push({ job, reason, figures: verdicts[key].figures });
  }
  return { results, candidates };
}

/** How often a stop still throttled after the SDK's retries goes back to the end of the queue. */
export const MAX_REQUEUES = 2;

/** A throttling answer (the request did not take effect). */
export function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 429 || ['ThrottlingException', 'Throttling', 'TooManyRequestsException'].includes(e?.name ?? '');
}

/**
 * Stop the candidates, `stopConcurrency` at a time, the largest estimated savings first (so a sweep cut short by
 * its budget has stopped the most wasteful jobs); candidates not started before the budget ran out are deferred. A
 * stop still throttled after the SDK's retries goes back to the end of the queue (at most MAX_REQUEUES times).
 */
export async function stopCandidates(
  deps: Deps, candidates: readonly StopCandidate[], now: Date, budget: TimeBudget,
): Promise<{ results: JobResult[]; calls: number }> {
  const results: JobResult[] = [];
  const handled = new Set<string>();
  const saved = (c: StopCandidate): number => {
    const s = estimateSavings(c.job, now);
    return s.acceleratorHours || s.instanceHours;
  };
  const queue = [...candidates].sort((a, b) => saved(b) - saved(a));
  const requeued = new Map<string, number>();
  let calls = 0;
  const notStarted = await inPool(queue, deps.config.stopConcurrency, () => budget.allows('stops'), async (c) => {
    if (!deps.config.dryRun) calls++;
    try {
      const outcome = await stopJob({ sm: deps.sagemaker, config: deps.config, now, handled }, c.job, c.reason, c.figures);
      results.push({ job: c.job.name, outcome, reason: c.reason });
    } catch (err) {
      // Still throttled after the SDK's retries: nothing happened, so try once more at the end of the queue.
      if (isThrottling(err) && (requeued.get(c.job.name) ?? 0) < MAX_REQUEUES) {
        requeued.set(c.job.name, (requeued.get(c.job.name) ?? 0) + 1);
        handled.delete(c.job.name);
        queue.push(c);
        return;
      }
      const error = errorText(err);
      log('ERROR', `could not stop ${c.job.name}; sweep continues`, { job: c.job.name, reason: c.reason, error });
      results.push({ job: c.job.name, outcome: 'error', reason: c.reason, error });
    }
  });
  for (const c of notStarted) results.push({ job: c.job.name, outcome: 'deferred', reason: c.reason });
  return { results, calls };
}

export async function runSweep(deps: Deps): Promise<SweepSummary> {
  const { config } = deps;
  const t0 = Date.now();
  const now = deps.now();
  const budget = new TimeBudget(deps.remainingTimeMs, config.reserveMs);
  const remainingAtStartMs = deps.remainingTimeMs?.();
  let found: Discovered = { jobs: [], errors: [], complete: false, calls: 0 };
  let metricCalls = 0;
  let stopCalls = 0;
  const results: JobResult[] = [];
  try {
    if (!budget.allows('start')) return summarize();
    found = await discover(deps.sagemaker, config, () => budget.allows('discovery'));
    for (const e of found.errors) log('ERROR', `${e.operation} failed${e.job ? ` for ${e.job}` : ''}; sweep continues`, { ...e });
    const plan = planMetrics(found.jobs, config, now);
    const fetched = await readMetrics(deps, plan, budget);
    metricCalls = fetched.calls;
    const judged = judge(found.jobs, plan, fetched, config, now);
    results.push(...judged.results);
    const acted = await stopCandidates(deps, judged.candidates, now, budget);
    stopCalls = acted.calls;
    results.push(...acted.results);
    return summarize();
  } catch (err) {
    // Not expected (every call above handles its own errors): still write the summary, then fail the invocation.
    log('ERROR', 'sweep failed', { error: errorText(err) });
    summarize();
    throw err;
  }

  function summarize(): SweepSummary {
    const summary: SweepSummary = {
      kind: 'sweep',
      dryRun: config.dryRun,
      discoveryComplete: found.complete,
      jobsWatched: found.jobs.length,
      stopped: results.filter((r) => r.outcome === 'stopped').map((r) => r.job),
      wouldStop: results.filter((r) => r.outcome === 'would-stop').map((r) => r.job),
      deferred: results.filter((r) => r.outcome === 'deferred').map((r) => r.job),
      errors: found.errors.length + results.filter((r) => r.outcome === 'error').length,
      apiCalls: { discovery: found.calls, getMetricData: metricCalls, stopTrainingJob: stopCalls },
      budget: {
        ...(remainingAtStartMs !== undefined ? { remainingAtStartMs } : {}),
        reserveMs: budget.reserveMs,
        ...(budget.exhaustedIn ? { exhaustedIn: budget.exhaustedIn } : {}),
      },
      elapsedMs: Date.now() - t0,
      results,
    };
    log(budget.exhaustedIn ? 'WARN' : 'INFO', budget.exhaustedIn ? 'sweep complete; time budget ran out, the rest waits for the next sweep' : 'sweep complete', {
      jobsWatched: summary.jobsWatched, stopped: summary.stopped.length, wouldStop: summary.wouldStop.length,
      deferred: summary.deferred.length, errors: summary.errors, discoveryComplete: summary.discoveryComplete,
      apiCalls: summary.apiCalls, budget: summary.budget, elapsedMs: summary.elapsedMs,
    });
    return summary;
  }
}
