/**
 * Structured JSON log lines. Every stop (or would-stop in dry run) writes exactly one line, which is also an
 * Embedded Metric Format (EMF) document: CloudWatch Logs extracts the metrics from it, so publishing them costs no
 * API call and no cloudwatch:PutMetricData permission.
 *
 * Lines go straight to stdout (not console.log): the Lambda Node.js runtime prefixes console output with a
 * timestamp, request id and level, and CloudWatch only extracts EMF from log events that are a JSON object.
 */
import { GUARD_METRICS } from '../../lib/guard/guard-env';
import type { GuardConfig } from './config';

export type LogLine = Record<string, unknown>;
export type LogSink = (line: LogLine) => void;

const stdoutSink: LogSink = (line) => {
  process.stdout.write(JSON.stringify(line) + '\n');
};

let sink: LogSink = stdoutSink;

/** Redirect log lines (tests); `undefined` restores stdout. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next ?? stdoutSink;
}

export function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: LogLine = {}): void {
  sink({ level, message, rule: 'SML-GUARD', ...fields });
}

/** What a stop is estimated to save; see `estimateSavings`. */
export interface Savings {
  readonly remainingHours: number;
  readonly instanceHours: number;
  readonly acceleratorHours: number;
}

export interface StopRecord {
  readonly action: 'stopped' | 'would-stop';
  readonly job: string;
  readonly jobArn: string;
  readonly reason: string;
  readonly instanceType?: string;
  readonly hosts: number;
  readonly figures: Record<string, unknown>;
  readonly savings: Savings;
  /** How the stop was settled (SDK attempts; the status read when the answer was ambiguous). */
  readonly evidence?: { readonly attempts: number; readonly confirmedStatus?: string };
}

/** Metric names (public: the construct's metric helpers read them). */
export const METRICS = GUARD_METRICS;

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The one line a stop writes: the reason, the figures behind it and, as EMF, the guard's metrics. */
export function logStop(config: GuardConfig, rec: StopRecord, now: Date): void {
  const stopped = rec.action === 'stopped';
  const metrics = stopped
    ? [
      { Name: METRICS.JOBS_STOPPED, Unit: 'Count' },
      { Name: METRICS.INSTANCE_HOURS_SAVED, Unit: 'None' },
      { Name: METRICS.ACCELERATOR_HOURS_SAVED, Unit: 'None' },
    ]
    : [{ Name: METRICS.JOBS_WOULD_STOP, Unit: 'Count' }];
  sink({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [{
        Namespace: config.metricNamespace,
        Dimensions: [['FunctionName'], ['FunctionName', 'Reason']],
        Metrics: metrics,
      }],
    },
    level: 'INFO',
    message: stopped ? `stopped training job ${rec.job}: ${rec.reason}` : `dry run: would stop training job ${rec.job}: ${rec.reason}`,
    rule: 'SML-GUARD',
    action: rec.action,
    dryRun: !stopped,
    FunctionName: config.functionName,
    Reason: rec.reason,
    job: rec.job,
    jobArn: rec.jobArn,
    ...(rec.instanceType ? { instanceType: rec.instanceType } : {}),
    hosts: rec.hosts,
    figures: rec.figures,
    ...(rec.evidence ? { evidence: rec.evidence } : {}),
    estimate: {
      remainingHours: round(rec.savings.remainingHours),
      method: 'upper bound: hours left until MaxRuntimeInSeconds x instances (x accelerators per instance)',
    },
    ...(stopped
      ? {
        [METRICS.JOBS_STOPPED]: 1,
        [METRICS.INSTANCE_HOURS_SAVED]: round(rec.savings.instanceHours),
        [METRICS.ACCELERATOR_HOURS_SAVED]: round(rec.savings.acceleratorHours),
      }
      : { [METRICS.JOBS_WOULD_STOP]: 1 }),
  });
}
