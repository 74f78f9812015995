/**
 * When a guarded training job ends (SML-MEASURE): read its utilisation over its run, publish the average and peak as
 * Embedded Metric Format metrics (lib/guard/right-sizing.ts) and log a right-sizing recommendation
 * (right-sizing.ts), in one JSON line.
 *
 * How the end is detected: an EventBridge rule on "SageMaker Training Job State Change" with TrainingJobStatus
 * Completed, Failed or Stopped and the guard tag (TrainingJobGuard's `JobEnd` rule), not the sweep noticing jobs that
 * left InProgress. Why:
 * - the event carries what the report needs (TrainingStartTime, TrainingEndTime, ResourceConfig, Tags; SageMaker
 *   Developer Guide, "Events that Amazon SageMaker AI sends to Amazon EventBridge", training job state change
 *   example), so no SageMaker call is needed, only GetMetricData;
 * - the sweep keeps no state between runs: telling "left InProgress since the last sweep" apart would need a stored
 *   list or a Search on TrainingEndTime windows, which a missed or late scheduled run would skip or count twice;
 *   jobs shorter than the schedule are never seen InProgress at all;
 * - it costs the sweep nothing (its own invocation and time budget).
 * The price: "SageMaker AI may send multiple events to EventBridge for each state change" (same page), and a job
 * with Debugger/Profiler rules sends further events with the same end status while its rules finish. A repeat that
 * reaches the same warm function instance is dropped (best effort); one that reaches another instance is reported
 * again, which counts the job twice in `JobsEnded` and weighs it twice in averages. The alarm on over-provisioned jobs
 * uses the Maximum statistic, which a repeat does not change.
 *
 * Metrics read (namespace /aws/sagemaker/TrainingJobs, dimension Host = `<job>/algo-<n>`, one series per host;
 * SageMaker Developer Guide, "Amazon SageMaker AI metrics in Amazon CloudWatch", job metrics): CPUUtilization (the
 * sum over vCPUs: "if there are four CPUs, the CPUUtilization range is 0%–400%"), MemoryUtilization (0–100 %),
 * DiskUtilization (0–100 %) and, on GPU types, GPUUtilization and GPUMemoryUtilization (0–100 % times the GPUs),
 * each with the Average and Maximum statistics, from TrainingStartTime to TrainingEndTime, in as few GetMetricData
 * calls as the 500-query limit allows (one for up to 50 GPU hosts): the period is the smallest whole minute that
 * keeps every query's points within the 100,800 points a call returns, and a multiple of 5 minutes when the run
 * started more than 15 days ago (GetMetricData, Period: "Start time between 15 and 63 days ago - Use a multiple of 300
 * seconds"; a multiple of 3600 beyond 63 days).
 */
import {
  ACCELERATOR_KIND_VALUES, RIGHT_SIZING_DEFAULTS, RIGHT_SIZING_DIMENSION_SETS, RIGHT_SIZING_DIMENSIONS, RIGHT_SIZING_METRICS,
} from '../../lib/guard/right-sizing';
import { TimeBudget } from './budget';
import { GuardConfig, isGuarded } from './config';
import { jobTags } from './discovery';
import { StateChangeEvent, toDate } from './events';
import { watchedJob, WatchedJob } from './jobs';
import { log } from './log';
import { fetchSeries, FetchResult, MAX_DATAPOINTS_PER_CALL, MAX_QUERIES_PER_CALL, SeriesRequest } from './metrics';
import { JobUsage, recommend, Recommendation, ResourceUsage } from './right-sizing';
import type { Deps } from './sweep';

/** The end statuses the JobEnd rule matches. */
export const END_STATUSES: readonly string[] = ['Completed', 'Failed', 'Stopped'];

export interface JobEndResult {
  readonly kind: 'job-end';
  readonly job?: string;
  /** `reported`: the line was written; `duplicate`: this instance already reported the job's end. */
  readonly outcome: 'reported' | 'ignored' | 'duplicate';
  readonly why?: string;
  readonly verdict?: Recommendation['verdict'];
  readonly recommendedType?: string;
  /** GetMetricData calls (each may include SDK retries). */
  readonly getMetricDataCalls?: number;
}

/** True for a state change whose status is an end status. */
export function isJobEnd(event: StateChangeEvent): boolean {
  return END_STATUSES.includes(event.detail?.TrainingJobStatus ?? '');
}

/** The utilisation metrics read per host, and how each is normalised to percent of the instance. */
type Resource = 'cpu' | 'memory' | 'disk' | 'gpu' | 'gpuMemory';
const SAGEMAKER_METRIC: Record<Resource, string> = {
  cpu: 'CPUUtilization', memory: 'MemoryUtilization', disk: 'DiskUtilization', gpu: 'GPUUtilization', gpuMemory: 'GPUMemoryUtilization',
};
const PUBLISHED: Record<Resource, { average: string; peak: string }> = {
  cpu: { average: RIGHT_SIZING_METRICS.CPU_AVERAGE, peak: RIGHT_SIZING_METRICS.CPU_PEAK },
  memory: { average: RIGHT_SIZING_METRICS.MEMORY_AVERAGE, peak: RIGHT_SIZING_METRICS.MEMORY_PEAK },
  disk: { average: RIGHT_SIZING_METRICS.DISK_AVERAGE, peak: RIGHT_SIZING_METRICS.DISK_PEAK },
  gpu: { average: RIGHT_SIZING_METRICS.GPU_AVERAGE, peak: RIGHT_SIZING_METRICS.GPU_PEAK },
  gpuMemory: { average: RIGHT_SIZING_METRICS.GPU_MEMORY_AVERAGE, peak: RIGHT_SIZING_METRICS.GPU_MEMORY_PEAK },
};

/** The resources read for a job: GPU figures only on GPU types (Trainium: SageMaker publishes no Neuron metric). */
export function resourcesFor(job: WatchedJob): Resource[] {
  return job.spec.accelerator === 'gpu' ? ['cpu', 'memory', 'disk', 'gpu', 'gpuMemory'] : ['cpu', 'memory', 'disk'];
}

/** The divisor that turns SageMaker's figure into percent of the instance (undefined: the count is unknown). */
function divisor(job: WatchedJob, r: Resource): number | undefined {
  if (r === 'cpu') return job.spec.vcpus;
  if (r === 'gpu' || r === 'gpuMemory') return job.spec.acceleratorCount;
  return 1;
}

const DAY_MS = 86_400_000;

/**
 * The period of the reads, in seconds: the smallest whole minute that keeps `points x queries` within one call's
 * 100,800 points (queries capped at 500 a call), at least the resolution CloudWatch keeps for a run that started this
 * long ago (60 s up to 15 days, 300 s up to 63 days, 3600 s beyond).
 */
export function readPeriodSeconds(start: Date, end: Date, queries: number, now: Date): number {
  const perCall = Math.max(1, Math.min(queries, MAX_QUERIES_PER_CALL));
  const pointsPerQuery = Math.max(1, Math.floor(MAX_DATAPOINTS_PER_CALL / perCall));
  const minutes = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 60_000));
  const age = now.getTime() - start.getTime();
  const floor = age > 63 * DAY_MS ? 3600 : age > 15 * DAY_MS ? 300 : 60;
  const seconds = Math.ceil(minutes / pointsPerQuery) * 60;
  return Math.ceil(Math.max(seconds, floor) / floor) * floor;
}

/** The reads for one ended job: every host, every resource, Average and Maximum. */
export function usageRequests(job: WatchedJob): SeriesRequest[] {
  const out: SeriesRequest[] = [];
  for (let h = 1; h <= job.hosts; h++) {
    for (const r of resourcesFor(job)) {
      for (const stat of ['Average', 'Maximum'] as const) {
        out.push({ job: job.name, role: 'usage', host: h, metricName: SAGEMAKER_METRIC[r], dimension: { Name: 'Host', Value: `${job.name}/algo-${h}` }, stat });
      }
    }
  }
  return out;
}

/**
 * Average and peak per resource over every host, in percent of the instance. A resource is left out when a host
 * has no data for it (a partial picture would understate the peak) or its device count is unknown.
 */
export function summarizeUsage(job: WatchedJob, requests: readonly SeriesRequest[], fetched: FetchResult): Partial<Record<Resource, ResourceUsage>> {
  const out: Partial<Record<Resource, ResourceUsage>> = {};
  const index = new Map(requests.map((q, i) => [`${q.host}|${q.metricName}|${q.stat}`, i]));
  for (const r of resourcesFor(job)) {
    const div = divisor(job, r);
    if (!div) continue;
    let sumOfMeans = 0;
    let peak = -Infinity;
    let points = Infinity;
    let hosts = 0;
    for (let h = 1; h <= job.hosts; h++) {
      const series = (stat: 'Average' | 'Maximum') => {
        const i = index.get(`${h}|${SAGEMAKER_METRIC[r]}|${stat}`);
        return i === undefined ? undefined : fetched.series.get(i);
      };
      const avg = series('Average');
      const max = series('Maximum');
      if (!avg || !max || avg.v.length === 0 || max.v.length === 0) break;
      sumOfMeans += avg.v.reduce((a, b) => a + b, 0) / avg.v.length;
      peak = Math.max(peak, ...max.v);
      points = Math.min(points, avg.v.length);
      hosts++;
    }
    if (hosts !== job.hosts || hosts === 0) continue;
    out[r] = { averagePercent: round3(sumOfMeans / hosts / div), peakPercent: round3(peak / div), points };
  }
  return out;
}

/** Job ends this function instance already reported (best effort against repeated events), oldest first. */
const reported = new Set<string>();
const REMEMBERED = 1000;

/** Forget the ends reported by this instance (tests). */
export function forgetReportedJobs(): void {
  reported.clear();
}

/**
 * Report one ended job. Throws when its metrics cannot be read (after the SDK's retries) or the time budget ran out,
 * having written nothing: Lambda then retries the asynchronous invocation (twice by default), and the report is
 * written once, when the read succeeds.
 */
export async function handleJobEnd(event: StateChangeEvent, deps: Deps): Promise<JobEndResult> {
  const detail = event.detail ?? {};
  const name = detail.TrainingJobName;
  if (!name) return { kind: 'job-end', outcome: 'ignored', why: 'no TrainingJobName' };
  const tags = detail.Tags ?? await jobTags(deps.sagemaker, deps.config, name, detail.TrainingJobArn ?? '');
  if (!isGuarded(tags)) return { kind: 'job-end', job: name, outcome: 'ignored', why: 'job not guarded' };
  const now = deps.now();
  const start = toDate(detail.TrainingStartTime);
  const end = toDate(detail.TrainingEndTime) ?? now;
  if (!start || end.getTime() - start.getTime() < 60_000) {
    return { kind: 'job-end', job: name, outcome: 'ignored', why: start ? 'ran less than a minute' : 'never started training' };
  }
  const key = `${name}|${end.getTime()}`;
  if (reported.has(key)) return { kind: 'job-end', job: name, outcome: 'duplicate' };

  const job = watchedJob({
    TrainingJobName: name,
    TrainingJobArn: detail.TrainingJobArn ?? '',
    TrainingJobStatus: detail.TrainingJobStatus,
    ...(detail.ResourceConfig ? { ResourceConfig: detail.ResourceConfig } : {}),
    TrainingStartTime: start,
  }, tags);
  const requests = job.heterogeneous ? [] : usageRequests(job);
  const period = readPeriodSeconds(start, end, requests.length, now);
  const from = new Date(Math.floor(start.getTime() / (period * 1000)) * period * 1000);
  const to = new Date(Math.ceil(end.getTime() / 60_000) * 60_000 + 60_000);
  const budget = new TimeBudget(deps.remainingTimeMs, deps.config.reserveMs);
  const fetched = requests.length
    ? await fetchSeries(deps.cloudwatch, requests, from, to, period, () => budget.allows('metrics'))
    : { series: new Map(), failed: new Map(), skipped: new Set<number>(), calls: 0 };
  const failure = [...fetched.failed.values()][0];
  if (failure || fetched.skipped.size) {
    const error = failure ?? 'the time budget ran out before the metrics were read';
    log('ERROR', `could not read the utilisation of ended job ${name}; the invocation fails so Lambda retries it`, { job: name, error, rule: 'SML-MEASURE' });
    throw new Error(`right-sizing ${name}: ${error}`);
  }

  const measured = summarizeUsage(job, requests, fetched);
  const hours = (end.getTime() - start.getTime()) / 3_600_000;
  const usage: JobUsage = {
    ...(job.instanceType ? { instanceType: job.instanceType } : {}), hosts: job.hosts, hours, heterogeneous: job.heterogeneous, ...measured,
  };
  const rec = recommend(usage, { headroom: deps.config.rightSizingHeadroom, minPoints: RIGHT_SIZING_DEFAULTS.minDataPoints });
  writeReport(deps.config, { job, status: detail.TrainingJobStatus ?? 'Unknown', start, end, hours, usage, rec, period, now });
  reported.add(key);
  if (reported.size > REMEMBERED) reported.delete(reported.values().next().value!);
  return {
    kind: 'job-end', job: name, outcome: 'reported', verdict: rec.verdict,
    ...(rec.recommendedType ? { recommendedType: rec.recommendedType } : {}), getMetricDataCalls: fetched.calls,
  };
}

interface Report {
  readonly job: WatchedJob;
  readonly status: string;
  readonly start: Date;
  readonly end: Date;
  readonly hours: number;
  readonly usage: JobUsage;
  readonly rec: Recommendation;
  readonly period: number;
  readonly now: Date;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The one line an ended job writes: figures and recommendation, and as EMF the right-sizing metrics. */
function writeReport(config: GuardConfig, r: Report): void {
  const values: Record<string, number> = { [RIGHT_SIZING_METRICS.JOBS_ENDED]: 1 };
  const metrics: { Name: string; Unit: string }[] = [{ Name: RIGHT_SIZING_METRICS.JOBS_ENDED, Unit: 'Count' }];
  const utilization: Record<string, unknown> = {};
  for (const res of resourcesFor(r.job)) {
    const u = r.usage[res];
    if (!u) continue;
    utilization[res] = u;
    values[PUBLISHED[res].average] = u.averagePercent;
    values[PUBLISHED[res].peak] = u.peakPercent;
    metrics.push({ Name: PUBLISHED[res].average, Unit: 'Percent' }, { Name: PUBLISHED[res].peak, Unit: 'Percent' });
  }
  if (r.rec.verdict !== 'unknown') {
    const over = r.rec.verdict === 'downsize';
    values[RIGHT_SIZING_METRICS.JOBS_OVER_PROVISIONED] = over ? 1 : 0;
    values[RIGHT_SIZING_METRICS.OVER_PROVISIONED_INSTANCE_HOURS] = over ? round3(r.hours * r.job.hosts) : 0;
    metrics.push(
      { Name: RIGHT_SIZING_METRICS.JOBS_OVER_PROVISIONED, Unit: 'Count' },
      { Name: RIGHT_SIZING_METRICS.OVER_PROVISIONED_INSTANCE_HOURS, Unit: 'None' },
    );
  }
  log('INFO', `right-sizing ${r.job.name}: ${r.rec.text}`, {
    _aws: {
      Timestamp: r.now.getTime(),
      CloudWatchMetrics: [{ Namespace: config.metricNamespace, Dimensions: RIGHT_SIZING_DIMENSION_SETS, Metrics: metrics }],
    },
    rule: 'SML-MEASURE',
    action: 'job-ended',
    [RIGHT_SIZING_DIMENSIONS.FUNCTION_NAME]: config.functionName,
    [RIGHT_SIZING_DIMENSIONS.INSTANCE_TYPE]: r.job.instanceType ?? 'unknown',
    [RIGHT_SIZING_DIMENSIONS.ACCELERATOR_KIND]: ACCELERATOR_KIND_VALUES[r.job.spec.accelerator],
    job: r.job.name,
    jobArn: r.job.arn,
    status: r.status,
    hosts: r.job.hosts,
    trainingStartTime: r.start.toISOString(),
    trainingEndTime: r.end.toISOString(),
    hours: round3(r.hours),
    readPeriodSeconds: r.period,
    utilization,
    basis: 'percent of the instance: CPU per vCPU, GPU and GPU memory per GPU; average = mean of the hosts\' means, peak = highest period Maximum on any host',
    recommendation: r.rec,
    ...values,
  });
}
