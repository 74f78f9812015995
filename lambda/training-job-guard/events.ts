/**
 * The EventBridge path: "SageMaker Training Job State Change" events whose Debugger or Profiler rule evaluation
 * statuses report `IssuesFound`. Profiler rules (LowGPUUtilization, …) cannot stop a job themselves and built-in
 * actions do not work with spot interruptions, network isolation or VPC jobs: the guard stops the job instead.
 *
 * The event detail carries the job's Tags as a map (SageMaker EventBridge event reference); when it does not, the
 * tags are read with the discovery mode's own permission (Search by name, or ListTags). No status read before the
 * stop: StopTrainingJob refuses a job that is no longer InProgress (see actions.ts).
 */
import { stopJob, StopOutcome } from './actions';
import { isGuarded, isIgnoredRule, jobSettings } from './config';
import { jobTags } from './discovery';
import { isRunning, TrainingJobLike, watchedJob } from './jobs';
import { log } from './log';
import { errorText } from './metrics';
import type { Deps } from './sweep';

export const DETAIL_TYPE = 'SageMaker Training Job State Change';

interface RuleStatus {
  RuleConfigurationName?: string;
  RuleEvaluationStatus?: string;
  StatusDetails?: string;
}

export interface StateChangeEvent {
  source?: string;
  'detail-type'?: string;
  detail?: {
    TrainingJobName?: string;
    TrainingJobArn?: string;
    TrainingJobStatus?: string;
    SecondaryStatus?: string;
    ResourceConfig?: TrainingJobLike['ResourceConfig'];
    StoppingCondition?: TrainingJobLike['StoppingCondition'];
    TrainingStartTime?: number | string;
    TrainingEndTime?: number | string;
    DebugRuleEvaluationStatuses?: RuleStatus[];
    ProfilerRuleEvaluationStatuses?: RuleStatus[];
    Tags?: Record<string, string>;
  };
}

export interface EventResult {
  readonly kind: 'event';
  readonly job?: string;
  readonly outcome: StopOutcome | 'ignored' | 'error';
  readonly why?: string;
  readonly rules?: string[];
}

export function isStateChange(event: unknown): event is StateChangeEvent {
  const e = event as StateChangeEvent | undefined;
  return !!e && e.source === 'aws.sagemaker' && e['detail-type'] === DETAIL_TYPE;
}

/** An event time (epoch milliseconds as a number or string, or an ISO string) as a Date; undefined when absent or unreadable. */
export function toDate(v: number | string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  const d = Number.isFinite(n) ? new Date(n) : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export async function handleStateChange(event: StateChangeEvent, deps: Deps): Promise<EventResult> {
  const detail = event.detail ?? {};
  const name = detail.TrainingJobName;
  if (!name) return { kind: 'event', outcome: 'ignored', why: 'no TrainingJobName' };
  const findings = [
    ...(detail.DebugRuleEvaluationStatuses ?? []).map((s) => ({ ...s, type: 'debug' })),
    ...(detail.ProfilerRuleEvaluationStatuses ?? []).map((s) => ({ ...s, type: 'profiler' })),
  ].filter((s) => s.RuleEvaluationStatus === 'IssuesFound' && !isIgnoredRule(s.RuleConfigurationName ?? '', deps.config));
  if (findings.length === 0) return { kind: 'event', job: name, outcome: 'ignored', why: 'no rule reports IssuesFound' };
  if (!isRunning({ status: detail.TrainingJobStatus ?? 'Unknown', ...(detail.SecondaryStatus ? { secondaryStatus: detail.SecondaryStatus } : {}) })) {
    return { kind: 'event', job: name, outcome: 'ignored', why: `status ${detail.TrainingJobStatus}` };
  }
  const rules = findings.map((f) => f.RuleConfigurationName ?? '?');
  try {
    const tags = detail.Tags ?? await jobTags(deps.sagemaker, deps.config, name, detail.TrainingJobArn ?? '');
    if (!isGuarded(tags)) return { kind: 'event', job: name, outcome: 'ignored', why: 'job not guarded', rules };
    if (!jobSettings(tags, deps.config).checks.has('rules')) {
      return { kind: 'event', job: name, outcome: 'ignored', why: 'rule findings check disabled', rules };
    }
    const start = toDate(detail.TrainingStartTime);
    const job = watchedJob({
      TrainingJobName: name,
      TrainingJobArn: detail.TrainingJobArn ?? '',
      TrainingJobStatus: detail.TrainingJobStatus,
      ...(detail.SecondaryStatus ? { SecondaryStatus: detail.SecondaryStatus } : {}),
      ...(detail.ResourceConfig ? { ResourceConfig: detail.ResourceConfig } : {}),
      ...(detail.StoppingCondition ? { StoppingCondition: detail.StoppingCondition } : {}),
      ...(start ? { TrainingStartTime: start } : {}),
    }, tags);
    const outcome = await stopJob({ sm: deps.sagemaker, config: deps.config, now: deps.now(), handled: new Set() }, job, 'rule-findings', {
      rules: findings.map((f) => ({ name: f.RuleConfigurationName, type: f.type, details: f.StatusDetails })),
    });
    return { kind: 'event', job: name, outcome, rules };
  } catch (err) {
    const error = errorText(err);
    log('ERROR', `could not act on rule findings for ${name}`, { job: name, rules, error });
    return { kind: 'event', job: name, outcome: 'error', why: error, rules };
  }
}
