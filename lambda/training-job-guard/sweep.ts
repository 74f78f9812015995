/**
 * The scheduled sweep: discover guarded running jobs, read their metrics in batches, judge each job, stop the ones
 * that idle, stall or overfit. An error on one job (or one metric batch) is logged and the sweep goes on.
 *
 * API calls for N guarded single-instance jobs (search discovery): ceil(N / 100) Search + ceil(series / 500)
 * GetMetricData, at most 3 series per job (utilisation, objective, training metric), plus one
 * DescribeTrainingJob + one StopTrainingJob per job actually stopped.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { stopJob, StopOutcome } from './actions';
import { GuardConfig, jobSettings, JobSettings } from './config';
import { discover } from './discovery';
import { evaluateIdle, evaluateOverfit, evaluateStall, Series, Verdict } from './evaluate';
import type { WatchedJob } from './jobs';
import { log } from './log';
import { errorText, fetchSeries, seriesFor, SeriesRequest } from './metrics';

export interface Deps {
  readonly sagemaker: SageMakerClient;
  readonly cloudwatch: CloudWatchClient;
  readonly config: GuardConfig;
  readonly now: () => Date;
}

export interface JobResult {
  readonly job: string;
  readonly outcome: StopOutcome | 'ok' | 'insufficient-data' | 'error';
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
  readonly errors: number;
  readonly apiCalls: { discovery: number; getMetricData: number };
  readonly results: JobResult[];
}

/** Which check fired, in order of precedence (idle first: it is the clearest waste). */
export function decide(
  job: WatchedJob, settings: JobSettings, config: GuardConfig, now: Date,
  get: (role: 'util' | 'objective' | 'train', host?: number) => Series | undefined,
): { reason?: 'idle' | 'stalled' | 'overfitting'; verdicts: Record<string, Verdict> } {
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

export async function runSweep(deps: Deps): Promise<SweepSummary> {
  const { config } = deps;
  const now = deps.now();
  const found = await discover(deps.sagemaker, config);
  for (const e of found.errors) log('ERROR', `${e.operation} failed${e.job ? ` for ${e.job}` : ''}; sweep continues`, { ...e });

  const settings = new Map<string, JobSettings>();
  const requests: SeriesRequest[] = [];
  for (const job of found.jobs) {
    const s = jobSettings(job.tags, config);
    settings.set(job.name, s);
    if (s.problems.length) log('WARN', `job ${job.name}: ${s.problems.join('; ')}`, { job: job.name });
    requests.push(...seriesFor(job, s, config, now));
  }

  // One time range for every query (the longest look-back needed), aligned to the minute.
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - config.lookbackMinutes * 60_000);
  const fetched = requests.length > 0
    ? await fetchSeries(deps.cloudwatch, requests, start, end, config.periodSeconds)
    : { series: new Map<number, Series>(), failed: new Map<number, string>(), calls: 0 };

  const byJob = new Map<string, { index: number; req: SeriesRequest }[]>();
  requests.forEach((req, index) => {
    const list = byJob.get(req.job) ?? [];
    list.push({ index, req });
    byJob.set(req.job, list);
  });

  const results: JobResult[] = [];
  const handled = new Set<string>();
  for (const job of found.jobs) {
    const s = settings.get(job.name)!;
    const mine = byJob.get(job.name) ?? [];
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
    try {
      const outcome = await stopJob({ sm: deps.sagemaker, config, now, handled }, job, reason, verdicts[key].figures);
      results.push({ job: job.name, outcome, reason });
    } catch (err) {
      const error = errorText(err);
      log('ERROR', `could not stop ${job.name}; sweep continues`, { job: job.name, reason, error });
      results.push({ job: job.name, outcome: 'error', reason, error });
    }
  }

  const summary: SweepSummary = {
    kind: 'sweep',
    dryRun: config.dryRun,
    discoveryComplete: found.complete,
    jobsWatched: found.jobs.length,
    stopped: results.filter((r) => r.outcome === 'stopped').map((r) => r.job),
    wouldStop: results.filter((r) => r.outcome === 'would-stop').map((r) => r.job),
    errors: found.errors.length + results.filter((r) => r.outcome === 'error').length,
    apiCalls: { discovery: found.calls, getMetricData: fetched.calls },
    results,
  };
  log('INFO', 'sweep complete', {
    jobsWatched: summary.jobsWatched, stopped: summary.stopped.length, wouldStop: summary.wouldStop.length,
    errors: summary.errors, discoveryComplete: summary.discoveryComplete, apiCalls: summary.apiCalls,
  });
  return summary;
}
