/**
 * A loopback HTTP server (127.0.0.1, random port) that answers the real AWS SDK v3 clients the guard uses:
 *
 * - SageMaker: AWS JSON 1.1 (`content-type: application/x-amz-json-1.1`, `x-amz-target: SageMaker.<Op>`):
 *   Search, ListTrainingJobs, ListTags, DescribeTrainingJob, StopTrainingJob;
 * - CloudWatch: AWS JSON 1.0 (`application/x-amz-json-1.0`, `x-amz-target: GraniteServiceVersion20100801.<Op>`),
 *   which is what @aws-sdk/client-cloudwatch 3.1142.0 sends (checked on the wire; the botocore model lists Smithy
 *   RPC v2 CBOR first, but this client uses `AwsJson1_0Protocol` with `x-amzn-query-mode: true`): GetMetricData.
 *
 * Every request body is validated against the official botocore models (test/support/api-model.ts); any problem
 * (and any request in a protocol or operation the fake does not know) is recorded in `problems` and answered with a
 * 400, so tests assert `problems` is empty. Faults (throttling, 5xx) are injected per operation; a fault can also
 * take effect first and fail afterwards (`afterEffect`: the server did the work, the answer was lost). `latencyMs`
 * delays every answer and `throttle` applies a token bucket per operation (answering ThrottlingException when it is
 * empty), so benches can measure a sweep against realistic API latency.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { GuardTags } from '../../lib/guard/guard-tags';
import { ServiceName, validateRequest } from './api-model';

// The SDK warns once per process that its 2027 releases need Node >= 22 (this machine runs Node 20): not news
// for a test run. The Lambda runtime is Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const TRAINING_JOBS_NAMESPACE = '/aws/sagemaker/TrainingJobs';
export const REGION = 'eu-west-1';
export const ACCOUNT = '111122223333';

export interface FakeJob {
  name: string;
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  secondaryStatus?: string;
  tags: Record<string, string>;
  instanceType?: string;
  instanceCount?: number;
  instanceGroups?: { InstanceType: string; InstanceCount: number; InstanceGroupName: string }[];
  creationTime: Date;
  trainingStartTime?: Date;
  /** When the current `Training` secondary status began (defaults to trainingStartTime). */
  trainingPhaseStart?: Date;
  maxRuntimeSeconds?: number;
  metricDefinitions?: string[];
  /** What Search reports as status (simulates the eventually consistent index); defaults to `status`. */
  searchStatus?: string;
  /** What Search reports as secondary status; defaults to `secondaryStatus`. */
  searchSecondaryStatus?: string;
}

export interface Fault {
  service?: ServiceName;
  operation: string;
  /** How many matching requests fail (default: all). */
  times?: number;
  status: number;
  code: string;
  /** Only requests whose body matches. */
  match?: (body: any) => boolean;
  /**
   * Perform the operation first (whatever it answers: success or its own error), then answer the fault instead: the
   * change took effect, the answer was lost.
   */
  afterEffect?: boolean;
}

/** A token bucket per operation: `ratePerSecond` requests per second sustained, `burst` at once. */
export interface Throttle {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Operations it applies to (default: every operation). */
  readonly operations?: readonly string[];
}

export interface Call {
  service: ServiceName;
  operation: string;
  /** From the `amz-sdk-request` header: 1 for the first attempt, 2+ for SDK retries. */
  attempt: number;
  status: number;
  /** The error code answered (`__type`), when the status is 400 or more. */
  error?: string;
  body: any;
}

type Point = { t: number; v: number };

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64');
const unb64 = (s: string): any => JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
const secs = (d: Date | undefined): number | undefined => (d ? d.getTime() / 1000 : undefined);
const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export class FakeAws {
  /** Start a server on 127.0.0.1 with a random port. */
  static async start(): Promise<FakeAws> {
    const fake = new FakeAws();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  readonly jobs = new Map<string, FakeJob>();
  readonly calls: Call[] = [];
  readonly problems: string[] = [];
  /** Jobs a StopTrainingJob actually stopped (also when its answer was then lost to an injected fault), in order. */
  readonly stops: string[] = [];
  faults: Fault[] = [];
  /** Data points a GetMetricData response may hold before it pages (API: 100,800). */
  maxDatapointsPerCall = 100_800;
  /** Delay before every answer, in milliseconds (simulated API latency). */
  latencyMs = 0;
  /** Token-bucket throttling per operation; undefined: never throttles. */
  throttle?: Throttle;
  /** Most requests of one operation in flight at once (arrived, not yet answered). */
  readonly maxInFlight = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly metrics = new Map<string, Point[]>();
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
        const now = (this.inFlight.get(op) ?? 0) + 1;
        this.inFlight.set(op, now);
        this.maxInFlight.set(op, Math.max(now, this.maxInFlight.get(op) ?? 0));
        res.on('finish', () => this.inFlight.set(op, (this.inFlight.get(op) ?? 1) - 1));
        if (this.latencyMs > 0) setTimeout(() => this.dispatch(req, body, res), this.latencyMs);
        else this.dispatch(req, body, res);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  arn(name: string): string {
    return `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${name}`;
  }

  addJob(job: FakeJob): FakeJob {
    this.jobs.set(job.name, job);
    return job;
  }

  /** Store per-minute points of a metric in the training-jobs namespace. */
  putMetric(metricName: string, dimension: { Name: string; Value: string }, points: readonly [Date | number, number][]): void {
    const key = this.metricKey(TRAINING_JOBS_NAMESPACE, metricName, [dimension]);
    const list = this.metrics.get(key) ?? [];
    for (const [t, v] of points) list.push({ t: typeof t === 'number' ? t : t.getTime(), v });
    list.sort((a, b) => a.t - b.t);
    this.metrics.set(key, list);
  }

  /** Requests for an operation (every attempt); `firstOnly` counts logical calls without SDK retries. */
  count(operation: string, firstOnly = false): number {
    return this.calls.filter((c) => c.operation === operation && (!firstOnly || c.attempt === 1)).length;
  }

  private metricKey(ns: string, name: string, dims: readonly { Name: string; Value: string }[]): string {
    return `${ns}|${name}|${[...dims].map((d) => `${d.Name}=${d.Value}`).sort().join(',')}`;
  }

  private dispatch(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const contentType = String(req.headers['content-type'] ?? '');
    const target = String(req.headers['x-amz-target'] ?? '');
    let service: ServiceName;
    let operation: string;
    if (contentType === 'application/x-amz-json-1.1' && target.startsWith('SageMaker.')) {
      service = 'sagemaker';
      operation = target.slice('SageMaker.'.length);
    } else if (contentType === 'application/x-amz-json-1.0' && target.startsWith('GraniteServiceVersion20100801.')) {
      service = 'cloudwatch';
      operation = target.slice('GraniteServiceVersion20100801.'.length);
    } else {
      const what = contentType.includes('cbor')
        ? 'Smithy RPC v2 CBOR request: this fake decodes AWS JSON only (add a CBOR decoder library)'
        : `unknown protocol content-type='${contentType}' x-amz-target='${target}'`;
      this.problems.push(`${req.method} ${req.url}: ${what}`);
      this.send(res, 'application/x-amz-json-1.0', 400, { __type: 'UnknownOperationException', message: what });
      return;
    }
    const scope = service === 'sagemaker' ? '/sagemaker/aws4_request' : '/monitoring/aws4_request';
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('AWS4-HMAC-SHA256 Credential=') || !auth.includes(scope)) {
      this.problems.push(`${service}.${operation}: request not SigV4-signed for ${scope}: '${auth.slice(0, 60)}'`);
    }
    const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
    let body: any;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      this.problems.push(`${service}.${operation}: body is not JSON`);
      body = undefined;
    }
    const call: Call = { service, operation, attempt, status: 200, body };
    this.calls.push(call);
    const reply = (status: number, payload: unknown): void => {
      call.status = status;
      if (status >= 400) {
        const code = (payload as { __type: string }).__type;
        call.error = code;
        res.setHeader('x-amzn-ErrorType', code);
        if (service === 'cloudwatch') res.setHeader('x-amzn-query-error', `${code};${status >= 500 ? 'Receiver' : 'Sender'}`);
      }
      this.send(res, contentType, status, payload);
    };
    if (body === undefined) return reply(400, { __type: 'SerializationException', message: 'bad JSON' });
    const problems = validateRequest(service, operation, body);
    if (problems.length) {
      this.problems.push(...problems.map((p) => `${service}: ${p}`));
      return reply(400, { __type: 'ValidationException', message: problems.join('; ') });
    }
    if (this.throttled(operation)) return reply(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    const fault = this.faults.find((f) => (f.service ?? service) === service && f.operation === operation
      && (f.times ?? Infinity) > 0 && (!f.match || f.match(body)));
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      if (!fault.afterEffect) return reply(fault.status, { __type: fault.code, message: `injected ${fault.code}` });
    }
    try {
      const handler = (this as any)[`${service}_${operation}`] as ((b: any) => unknown) | undefined;
      if (!handler) {
        this.problems.push(`${service}.${operation}: operation not implemented by the fake`);
        return reply(400, { __type: 'UnknownOperationException', message: operation });
      }
      if (fault) {
        try {
          handler.call(this, body);
        } catch { /* the operation's own answer is lost too */ }
        return reply(fault.status, { __type: fault.code, message: `injected ${fault.code} after the operation ran` });
      }
      reply(200, handler.call(this, body));
    } catch (err) {
      if (err instanceof ApiError) return reply(err.status, { __type: err.code, message: err.message });
      this.problems.push(`${service}.${operation}: fake crashed: ${(err as Error).stack}`);
      reply(500, { __type: 'InternalFailure', message: String(err) });
    }
  }

  /** Take a token from the operation's bucket; true when it is empty. */
  private throttled(operation: string): boolean {
    const t = this.throttle;
    if (!t || (t.operations && !t.operations.includes(operation))) return false;
    const now = performance.now();
    const b = this.buckets.get(operation) ?? { tokens: t.burst, at: now };
    b.tokens = Math.min(t.burst, b.tokens + ((now - b.at) / 1000) * t.ratePerSecond);
    b.at = now;
    this.buckets.set(operation, b);
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }

  private send(res: http.ServerResponse, contentType: string, status: number, payload: unknown): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': 'fake' });
    res.end(text);
  }

  // ---------------------------------------------------------------- SageMaker

  private describe(job: FakeJob, forSearch: boolean): Record<string, unknown> {
    const status = forSearch ? job.searchStatus ?? job.status : job.status;
    const phase = job.trainingPhaseStart ?? job.trainingStartTime;
    const secondary = (forSearch ? job.searchSecondaryStatus : undefined) ?? job.secondaryStatus ?? (status === 'InProgress' ? 'Training' : status);
    return {
      TrainingJobName: job.name,
      TrainingJobArn: this.arn(job.name),
      TrainingJobStatus: status,
      SecondaryStatus: secondary,
      AlgorithmSpecification: {
        TrainingImage: '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.6-gpu-py312',
        TrainingInputMode: 'File',
        ...(job.metricDefinitions ? { MetricDefinitions: job.metricDefinitions.map((n) => ({ Name: n, Regex: `${n}=(\\S+)` })) } : {}),
      },
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerRole`,
      OutputDataConfig: { S3OutputPath: 's3://bucket/output' },
      ResourceConfig: job.instanceGroups
        ? { InstanceGroups: job.instanceGroups, VolumeSizeInGB: 30 }
        : { InstanceType: job.instanceType ?? 'ml.m5.xlarge', InstanceCount: job.instanceCount ?? 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: job.maxRuntimeSeconds ?? 86_400 },
      CreationTime: secs(job.creationTime),
      ...(job.trainingStartTime ? { TrainingStartTime: secs(job.trainingStartTime) } : {}),
      LastModifiedTime: secs(job.creationTime),
      SecondaryStatusTransitions: [
        { Status: 'Starting', StartTime: secs(job.creationTime), EndTime: secs(job.trainingStartTime ?? job.creationTime) },
        ...(phase && secondary === 'Training' ? [{ Status: 'Training', StartTime: secs(phase) }] : []),
      ],
      ...(forSearch ? { Tags: Object.entries(job.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    };
  }

  private page<T>(items: T[], body: { NextToken?: string; MaxResults?: number }, fallbackSize: number): { items: T[]; next?: string } {
    const offset = body.NextToken ? unb64(body.NextToken).offset : 0;
    const size = body.MaxResults ?? fallbackSize;
    const slice = items.slice(offset, offset + size);
    return { items: slice, ...(offset + size < items.length ? { next: b64({ offset: offset + size }) } : {}) };
  }

  private sorted(jobs: FakeJob[], order: string | undefined): FakeJob[] {
    const out = [...jobs].sort((a, b) => a.creationTime.getTime() - b.creationTime.getTime() || a.name.localeCompare(b.name));
    return order === 'Descending' ? out.reverse() : out;
  }

  sagemaker_Search(body: any): unknown {
    if (body.Resource !== 'TrainingJob') throw new ApiError(400, 'ValidationException', 'fake supports Resource=TrainingJob only');
    const expr = body.SearchExpression ?? {};
    if (expr.NestedFilters || expr.SubExpressions || (expr.Operator && expr.Operator !== 'And')) {
      this.problems.push('Search: fake supports only a flat And of Filters');
    }
    const filters: { Name: string; Operator?: string; Value?: string }[] = expr.Filters ?? [];
    const value = (job: FakeJob, name: string): string | undefined => {
      if (name === 'TrainingJobStatus') return job.searchStatus ?? job.status;
      if (name === 'TrainingJobName') return job.name;
      if (name.startsWith('Tags.')) return job.tags[name.slice(5)];
      this.problems.push(`Search: filter on '${name}' not supported by the fake`);
      return undefined;
    };
    const matching = [...this.jobs.values()].filter((job) => filters.every((f) => {
      if ((f.Operator ?? 'Equals') !== 'Equals') this.problems.push(`Search: operator ${f.Operator} not supported by the fake`);
      return value(job, f.Name) === f.Value;
    }));
    if (body.SortBy && body.SortBy !== 'CreationTime') this.problems.push(`Search: SortBy ${body.SortBy} not supported by the fake`);
    const p = this.page(this.sorted(matching, body.SortOrder), body, 10);
    return { Results: p.items.map((j) => ({ TrainingJob: this.describe(j, true) })), ...(p.next ? { NextToken: p.next } : {}) };
  }

  sagemaker_ListTrainingJobs(body: any): unknown {
    const jobs = [...this.jobs.values()].filter((j) => !body.StatusEquals || j.status === body.StatusEquals);
    const p = this.page(this.sorted(jobs, body.SortOrder), body, 10);
    return {
      TrainingJobSummaries: p.items.map((j) => ({
        TrainingJobName: j.name, TrainingJobArn: this.arn(j.name), CreationTime: secs(j.creationTime),
        TrainingJobStatus: j.status, LastModifiedTime: secs(j.creationTime),
      })),
      ...(p.next ? { NextToken: p.next } : {}),
    };
  }

  sagemaker_ListTags(body: any): unknown {
    const job = [...this.jobs.values()].find((j) => this.arn(j.name) === body.ResourceArn);
    if (!job) throw new ApiError(400, 'ValidationException', `Resource ${body.ResourceArn} not found`);
    const p = this.page(Object.entries(job.tags).map(([Key, Value]) => ({ Key, Value })), body, 50);
    return { Tags: p.items, ...(p.next ? { NextToken: p.next } : {}) };
  }

  sagemaker_DescribeTrainingJob(body: any): unknown {
    const job = this.jobs.get(body.TrainingJobName);
    if (!job) throw new ApiError(400, 'ValidationException', 'Requested resource not found.');
    return this.describe(job, false);
  }

  sagemaker_StopTrainingJob(body: any): unknown {
    const job = this.jobs.get(body.TrainingJobName);
    if (!job) throw new ApiError(400, 'ValidationException', 'Requested resource not found.');
    if (job.status !== 'InProgress') {
      throw new ApiError(400, 'ValidationException', `The job ${job.name} is in status ${job.status} and cannot be stopped.`);
    }
    job.status = 'Stopping';
    job.secondaryStatus = 'Stopping';
    this.stops.push(job.name);
    return {};
  }

  // ---------------------------------------------------------------- CloudWatch

  cloudwatch_GetMetricData(body: any): unknown {
    const queries: any[] = body.MetricDataQueries;
    if (queries.length > 500) throw new ApiError(400, 'ValidationError', `${queries.length} queries > 500`);
    const ids = new Set<string>();
    for (const q of queries) {
      if (!METRIC_ID.test(q.Id)) this.problems.push(`GetMetricData: Id '${q.Id}' must start with a lower-case letter`);
      if (ids.has(q.Id)) this.problems.push(`GetMetricData: duplicate Id ${q.Id}`);
      ids.add(q.Id);
      if (!q.MetricStat || q.Expression) this.problems.push('GetMetricData: fake supports MetricStat queries only');
    }
    const start = body.StartTime * 1000;
    const end = body.EndTime * 1000;
    if (!(start < end)) throw new ApiError(400, 'ValidationError', 'StartTime must be before EndTime');
    const ascending = body.ScanBy === 'TimestampAscending';
    // Full results, then paged by data points: NextToken = { query index, point offset }.
    const full = queries.map((q) => {
      const m = q.MetricStat;
      const pts = (this.metrics.get(this.metricKey(m.Metric.Namespace, m.Metric.MetricName, m.Metric.Dimensions ?? [])) ?? [])
        .filter((p) => p.t >= start && p.t < end);
      const buckets = new Map<number, number[]>();
      const periodMs = m.Period * 1000;
      for (const p of pts) {
        const b = Math.floor(p.t / periodMs) * periodMs;
        buckets.set(b, [...(buckets.get(b) ?? []), p.v]);
      }
      const agg = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, vs]) => {
        const stat = m.Stat;
        const v = stat === 'Maximum' ? Math.max(...vs) : stat === 'Minimum' ? Math.min(...vs)
          : stat === 'Sum' ? vs.reduce((a, b) => a + b, 0) : stat === 'SampleCount' ? vs.length
            : vs.reduce((a, b) => a + b, 0) / vs.length;
        return { t, v };
      });
      return ascending ? agg : agg.reverse();
    });
    const cursor = body.NextToken ? unb64(body.NextToken) : { q: 0, o: 0 };
    let budget = body.MaxDatapoints ?? this.maxDatapointsPerCall;
    const results: unknown[] = [];
    let next: { q: number; o: number } | undefined;
    for (let qi = cursor.q; qi < queries.length; qi++) {
      const from = qi === cursor.q ? cursor.o : 0;
      const take = full[qi].slice(from, from + budget);
      budget -= take.length;
      const done = from + take.length >= full[qi].length;
      results.push({
        Id: queries[qi].Id,
        Label: queries[qi].MetricStat.Metric.MetricName,
        Timestamps: take.map((p) => p.t / 1000),
        Values: take.map((p) => p.v),
        StatusCode: done ? 'Complete' : 'PartialData',
      });
      if (!done) {
        next = { q: qi, o: from + take.length };
        break;
      }
      if (budget <= 0 && qi + 1 < queries.length) {
        next = { q: qi + 1, o: 0 };
        break;
      }
    }
    return { MetricDataResults: results, Messages: [], ...(next ? { NextToken: b64(next) } : {}) };
  }
}

// -------------------------------------------------------------------- scenario helpers

/** Per-minute points ending at `end` (exclusive), oldest first: `value(i)` for i = 0 … minutes-1. */
export function minutes(end: Date, count: number, value: (i: number) => number): [number, number][] {
  const last = Math.floor(end.getTime() / 60_000) * 60_000 - 60_000;
  return Array.from({ length: count }, (_, i) => [last - (count - 1 - i) * 60_000, value(i)] as [number, number]);
}

/** Points every `everyMinutes` ending before `end`, oldest first. */
export function every(end: Date, everyMinutes: number, values: readonly number[]): [number, number][] {
  const last = Math.floor(end.getTime() / 60_000) * 60_000 - 60_000;
  return values.map((v, i) => [last - (values.length - 1 - i) * everyMinutes * 60_000, v] as [number, number]);
}

/** The real SDK v3 clients pointed at the fake, with fake credentials and 1 ms retry delays. */
export function clientsFor(fake: FakeAws, maxAttempts = 3): { sagemaker: SageMakerClient; cloudwatch: CloudWatchClient } {
  const common = {
    endpoint: fake.url,
    region: REGION,
    credentials: { accessKeyId: 'AKIDFAKEFAKEFAKE', secretAccessKey: 'fake-secret' },
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 1),
  };
  return { sagemaker: new SageMakerClient(common), cloudwatch: new CloudWatchClient(common) };
}

export const GUARDED: Record<string, string> = { [GuardTags.GUARD]: 'enabled' };

export interface RunningJob {
  instanceType?: string;
  hosts?: number;
  tags?: Record<string, string>;
  /** Minutes since the job entered Training (default 120). */
  trainingMinutes?: number;
  secondaryStatus?: string;
  status?: FakeJob['status'];
  /** Instance utilisation metric (summed over devices, as SageMaker publishes it) per host and minute. */
  util?: (host: number, minute: number) => number;
  /** Metric name of `util` (default: GPUUtilization for ml.p/g, CPUUtilization otherwise). */
  utilMetric?: string;
  /** Minutes of utilisation data, ending now (default 60). */
  utilMinutes?: number;
  /** Algorithm metrics by name: values emitted every `metricEveryMinutes` (default 5), ending now. */
  algorithm?: Record<string, number[]>;
  metricEveryMinutes?: number;
}

/** Add an in-progress job with its metrics. */
export function addRunningJob(fake: FakeAws, now: Date, name: string, o: RunningJob = {}): FakeJob {
  const instanceType = o.instanceType ?? 'ml.g5.xlarge';
  const start = new Date(now.getTime() - (o.trainingMinutes ?? 120) * 60_000);
  const job = fake.addJob({
    name,
    status: o.status ?? 'InProgress',
    ...(o.secondaryStatus ? { secondaryStatus: o.secondaryStatus } : {}),
    tags: o.tags ?? GUARDED,
    instanceType,
    instanceCount: o.hosts ?? 1,
    creationTime: new Date(start.getTime() - 5 * 60_000),
    trainingStartTime: start,
    maxRuntimeSeconds: 6 * 3600,
    metricDefinitions: Object.keys(o.algorithm ?? {}),
  });
  if (o.util) {
    const metric = o.utilMetric ?? (/^ml\.(p|g)\d/.test(instanceType) ? 'GPUUtilization' : 'CPUUtilization');
    for (let h = 1; h <= (o.hosts ?? 1); h++) {
      fake.putMetric(metric, { Name: 'Host', Value: `${name}/algo-${h}` }, minutes(now, o.utilMinutes ?? 60, (i) => o.util!(h, i)));
    }
  }
  for (const [metric, values] of Object.entries(o.algorithm ?? {})) {
    fake.putMetric(metric, { Name: 'TrainingJobName', Value: name }, every(now, o.metricEveryMinutes ?? 5, values));
  }
  return job;
}

/** `count` busy, guarded single-GPU jobs (`<prefix>-<i>`), optionally with an improving objective and train loss. */
export function addHealthyJobs(fake: FakeAws, now: Date, count: number, prefix = 'healthy', withObjective = false): string[] {
  const names: string[] = [];
  const improving = Array.from({ length: 20 }, (_, i) => 2 - i * 0.05);
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${String(i).padStart(4, '0')}`;
    names.push(name);
    addRunningJob(fake, now, name, {
      utilMinutes: 35,
      util: (_h, m) => 60 + ((i + m) % 30),
      ...(withObjective
        ? {
          tags: {
            ...GUARDED,
            [GuardTags.OBJECTIVE_METRIC]: 'validation:loss', [GuardTags.OBJECTIVE_DIRECTION]: 'Minimize',
            [GuardTags.TRAIN_METRIC]: 'train:loss',
          },
          algorithm: { 'validation:loss': improving, 'train:loss': improving.map((v) => v * 0.9) },
        }
        : {}),
    });
  }
  return names;
}
