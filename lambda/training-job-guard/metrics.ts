/**
 * Reads the metrics every watched job needs with as few GetMetricData calls as possible: one query per series,
 * all queries over one time range, packed up to 500 per call (the API limit) and fewer when the data points would
 * exceed the 100,800 a call returns; NextToken pages are followed.
 *
 * Series per job:
 * - idle: one per host, namespace /aws/sagemaker/TrainingJobs, dimension Host = `<job>/algo-<n>`, per-minute Maximum
 *   of GPUUtilization (ml.p*, ml.g*), the Neuron metric (ml.trn*) or CPUUtilization;
 * - stall / overfit: the objective (and training) metric, same namespace, dimension TrainingJobName = `<job>`,
 *   per-minute Average (SageMaker publishes the algorithm's MetricDefinitions there).
 */
import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GuardConfig, JobSettings, TRAINING_JOBS_NAMESPACE } from './config';
import type { Series } from './evaluate';
import { idleNotJudgeable, utilisationMetric } from './evaluate';
import type { WatchedJob } from './jobs';

/** GetMetricData limits (CloudWatch API reference). */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/** `util`: the idle check; `objective`/`train`: stall and overfit; `usage`: an ended job's utilisation (job-end.ts). */
export type SeriesRole = 'util' | 'objective' | 'train' | 'usage';

export interface SeriesRequest {
  readonly job: string;
  readonly role: SeriesRole;
  /** 1-based host number for `util`. */
  readonly host?: number;
  readonly metricName: string;
  readonly dimension: { readonly Name: string; readonly Value: string };
  readonly stat: 'Maximum' | 'Average';
}

/** The series one job needs, given its settings (no utilisation series while the idle check cannot judge it). */
export function seriesFor(job: WatchedJob, settings: JobSettings, config: GuardConfig, now: Date): SeriesRequest[] {
  const out: SeriesRequest[] = [];
  if (settings.checks.has('idle') && job.hosts > 0 && !idleNotJudgeable(job, settings, now)) {
    const metricName = utilisationMetric(job, config);
    for (let h = 1; h <= job.hosts; h++) {
      out.push({ job: job.name, role: 'util', host: h, metricName, dimension: { Name: 'Host', Value: `${job.name}/algo-${h}` }, stat: 'Maximum' });
    }
  }
  const objective = settings.objective;
  if (objective && (settings.checks.has('stall') || (settings.checks.has('overfit') && settings.train))) {
    out.push({ job: job.name, role: 'objective', metricName: objective.name, dimension: { Name: 'TrainingJobName', Value: job.name }, stat: 'Average' });
  }
  if (objective && settings.train && settings.checks.has('overfit')) {
    out.push({ job: job.name, role: 'train', metricName: settings.train.name, dimension: { Name: 'TrainingJobName', Value: job.name }, stat: 'Average' });
  }
  return out;
}

export interface FetchResult {
  /** Series by request index; absent when the metric had no data. */
  readonly series: Map<number, Series>;
  /** Request indexes whose batch failed (after the SDK's retries), with the error. */
  readonly failed: Map<number, string>;
  /** Request indexes not read because the time budget ran out (their jobs wait for the next sweep). */
  readonly skipped: Set<number>;
  readonly calls: number;
}

/** How many queries fit in one call for this range. */
export function queriesPerCall(pointsPerQuery: number): number {
  return Math.max(1, Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_DATAPOINTS_PER_CALL / Math.max(1, pointsPerQuery))));
}

/** @param canContinue checked before every batch: false (the time budget ran out) skips the remaining batches */
export async function fetchSeries(
  cw: CloudWatchClient, requests: readonly SeriesRequest[], start: Date, end: Date, periodSeconds: number,
  canContinue: () => boolean = () => true,
): Promise<FetchResult> {
  const series = new Map<number, Series>();
  const failed = new Map<number, string>();
  const skipped = new Set<number>();
  let calls = 0;
  const perCall = queriesPerCall(Math.ceil((end.getTime() - start.getTime()) / 1000 / periodSeconds));
  for (let offset = 0; offset < requests.length; offset += perCall) {
    const batch = requests.slice(offset, offset + perCall);
    if (!canContinue()) {
      batch.forEach((_, i) => skipped.add(offset + i));
      continue;
    }
    // Ids must start with a lower-case letter; the index in the batch maps them back.
    const queries: MetricDataQuery[] = batch.map((r, i) => ({
      Id: `q${i}`,
      MetricStat: {
        Metric: { Namespace: TRAINING_JOBS_NAMESPACE, MetricName: r.metricName, Dimensions: [r.dimension] },
        Period: periodSeconds,
        Stat: r.stat,
      },
      ReturnData: true,
    }));
    const points = new Map<number, { t: number; v: number }[]>();
    let nextToken: string | undefined;
    try {
      do {
        calls++;
        const out = await cw.send(new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: start,
          EndTime: end,
          ScanBy: 'TimestampAscending',
          ...(nextToken ? { NextToken: nextToken } : {}),
        }));
        for (const res of out.MetricDataResults ?? []) {
          const i = Number((res.Id ?? '').slice(1));
          if (!Number.isInteger(i) || i < 0 || i >= batch.length) continue;
          const list = points.get(i) ?? [];
          const ts = res.Timestamps ?? [];
          const vs = res.Values ?? [];
          for (let k = 0; k < Math.min(ts.length, vs.length); k++) list.push({ t: ts[k].getTime(), v: vs[k] });
          points.set(i, list);
        }
        nextToken = out.NextToken;
      } while (nextToken);
    } catch (err) {
      const msg = errorText(err);
      batch.forEach((_, i) => failed.set(offset + i, msg));
      continue;
    }
    for (const [i, list] of points) {
      if (list.length === 0) continue;
      list.sort((a, b) => a.t - b.t);
      series.set(offset + i, { t: list.map((p) => p.t), v: list.map((p) => p.v) });
    }
  }
  return { series, failed, skipped, calls };
}

/** A short, loggable description of an SDK error. */
export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const status = e?.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode}, ${e.$metadata.attempts ?? 1} attempts)` : '';
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}${status}`;
}
