/**
 * Finding the running jobs the guard watches.
 *
 * Default, `search`: one SageMaker `Search` call per 100 jobs, filtered server-side on
 * `TrainingJobStatus = InProgress` AND `Tags.sustainable-ml:guard = enabled`. Each record is a full TrainingJob
 * (Tags, ResourceConfig, StoppingCondition, SecondaryStatusTransitions), so no per-job call is needed and jobs
 * without the tag cost nothing: ceil(guarded / 100) calls.
 *
 * Alternative, `list`: ListTrainingJobs(StatusEquals=InProgress) pages of 100, then `ListTags` for every job
 * (summaries carry no tags; DescribeTrainingJob carries none either) and DescribeTrainingJob for each guarded job
 * (summaries carry no ResourceConfig): ceil(N / 100) + N + guarded calls. Kept for accounts that do not grant
 * sagemaker:Search; the bench prints both.
 */
import {
  DescribeTrainingJobCommand, ListTagsCommand, ListTrainingJobsCommand, SageMakerClient, SearchCommand, Tag,
} from '@aws-sdk/client-sagemaker';
import { GUARD_ENABLED, GuardTags } from '../../lib/guard/guard-tags';
import { GuardConfig, isGuarded } from './config';
import { isRunning, tagMap, watchedJob, WatchedJob } from './jobs';
import { errorText } from './metrics';

export interface Discovered {
  readonly jobs: WatchedJob[];
  /** Per-job or per-page errors (after the SDK's retries); the sweep goes on without them. */
  readonly errors: { job?: string; operation: string; error: string }[];
  /** False when a page could not be read: jobs after it were not seen this time. */
  readonly complete: boolean;
  readonly calls: number;
}

export const PAGE_SIZE = 100;

/**
 * @param canContinue checked before every call after the first: false (the time budget ran out) ends discovery with
 *   `complete: false`; the jobs not seen are found by the next sweep
 */
export async function discover(sm: SageMakerClient, config: GuardConfig, canContinue: () => boolean = () => true): Promise<Discovered> {
  return config.discovery === 'list' ? discoverByList(sm, canContinue) : discoverBySearch(sm, canContinue);
}

export async function discoverBySearch(sm: SageMakerClient, canContinue: () => boolean = () => true): Promise<Discovered> {
  const jobs: WatchedJob[] = [];
  const errors: Discovered['errors'] = [];
  let calls = 0;
  let nextToken: string | undefined;
  do {
    calls++;
    try {
      const out = await sm.send(new SearchCommand({
        Resource: 'TrainingJob',
        SearchExpression: {
          Filters: [
            { Name: 'TrainingJobStatus', Operator: 'Equals', Value: 'InProgress' },
            { Name: `Tags.${GuardTags.GUARD}`, Operator: 'Equals', Value: GUARD_ENABLED },
          ],
          Operator: 'And',
        },
        SortBy: 'CreationTime',
        SortOrder: 'Ascending',
        MaxResults: PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }));
      for (const rec of out.Results ?? []) {
        const tj = rec.TrainingJob;
        if (!tj?.TrainingJobName) continue;
        const job = watchedJob(tj);
        // The index is eventually consistent: check again what the filter promised; skip jobs already Stopping.
        if (isRunning(job) && isGuarded(job.tags)) jobs.push(job);
      }
      nextToken = out.NextToken;
    } catch (err) {
      errors.push({ operation: 'Search', error: errorText(err) });
      return { jobs, errors, complete: false, calls };
    }
  } while (nextToken && canContinue());
  return { jobs, errors, complete: !nextToken, calls };
}

/**
 * The tags of one job, with the permission the discovery mode already has: Search by name (search) or ListTags
 * (list). Used by the events path when an event carries no Tags.
 */
export async function jobTags(sm: SageMakerClient, config: GuardConfig, name: string, arn: string): Promise<Record<string, string>> {
  if (config.discovery === 'list') return (await listAllTags(sm, arn)).tags;
  const out = await sm.send(new SearchCommand({
    Resource: 'TrainingJob',
    SearchExpression: { Filters: [{ Name: 'TrainingJobName', Operator: 'Equals', Value: name }] },
    MaxResults: 1,
  }));
  return tagMap(out.Results?.[0]?.TrainingJob?.Tags);
}

/** All tags of a resource (ListTags pages). */
export async function listAllTags(sm: SageMakerClient, arn: string): Promise<{ tags: Record<string, string>; calls: number }> {
  const tags: Tag[] = [];
  let calls = 0;
  let nextToken: string | undefined;
  do {
    calls++;
    const out = await sm.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 100, ...(nextToken ? { NextToken: nextToken } : {}) }));
    tags.push(...(out.Tags ?? []));
    nextToken = out.NextToken;
  } while (nextToken);
  return { tags: tagMap(tags), calls };
}

export async function discoverByList(sm: SageMakerClient, canContinue: () => boolean = () => true): Promise<Discovered> {
  const jobs: WatchedJob[] = [];
  const errors: Discovered['errors'] = [];
  let calls = 0;
  let complete = true;
  const summaries: { name: string; arn: string }[] = [];
  let nextToken: string | undefined;
  do {
    calls++;
    try {
      const out = await sm.send(new ListTrainingJobsCommand({
        StatusEquals: 'InProgress', MaxResults: PAGE_SIZE, SortBy: 'CreationTime', SortOrder: 'Ascending',
        ...(nextToken ? { NextToken: nextToken } : {}),
      }));
      for (const s of out.TrainingJobSummaries ?? []) summaries.push({ name: s.TrainingJobName!, arn: s.TrainingJobArn! });
      nextToken = out.NextToken;
    } catch (err) {
      errors.push({ operation: 'ListTrainingJobs', error: errorText(err) });
      complete = false;
      break;
    }
  } while (nextToken && canContinue());
  if (nextToken) complete = false;
  for (const s of summaries) {
    if (!canContinue()) {
      complete = false;
      break;
    }
    try {
      const t = await listAllTags(sm, s.arn);
      calls += t.calls;
      if (!isGuarded(t.tags)) continue;
      calls++;
      const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: s.name }));
      const job = watchedJob(d, t.tags);
      if (isRunning(job)) jobs.push(job);
    } catch (err) {
      errors.push({ job: s.name, operation: 'ListTags/DescribeTrainingJob', error: errorText(err) });
    }
  }
  return { jobs, errors, complete, calls };
}
