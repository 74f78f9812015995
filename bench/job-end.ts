/**
 * The end-of-job path (right-sizing, SML-MEASURE): API calls for one ended guarded job, counted at the loopback fake
 * (every HTTP request), for jobs of different shapes. The goal: no SageMaker call when the event carries the job's
 * tags (the JobEnd rule only matches events that do), and ceil(queries / 500) GetMetricData calls, queries = hosts x
 * metrics (3 on CPU and Trainium types, 5 on GPU types) x 2 statistics.
 */
import { configFromEnv } from '../lambda/training-job-guard/config';
import { guard, setLogSink } from '../lambda/training-job-guard/index';
import { forgetReportedJobs, JobEndResult } from '../lambda/training-job-guard/job-end';
import { MAX_QUERIES_PER_CALL } from '../lambda/training-job-guard/metrics';
import { clientsFor, FakeAws } from '../test/support/fake-aws';
import { addEndedJob, jobEndEvent, steady } from '../test/support/job-end';

export interface JobEndCount {
  readonly shape: string;
  readonly hosts: number;
  readonly hours: number;
  readonly queries: number;
  readonly getMetricData: number;
  readonly sageMaker: number;
  readonly periodSeconds: number;
  readonly verdict: string;
  readonly goal: number;
  readonly wallMs: number;
}

const END = new Date('2026-11-26T12:00:00Z');

export async function countJobEnd(shape: string, instanceType: string, hosts: number, hours: number, tagsInEvent = true): Promise<JobEndCount> {
  const fake = await FakeAws.start();
  try {
    const gpu = /^ml\.(p|g)\d/.test(instanceType);
    const metrics = {
      CPUUtilization: steady(100, 200), MemoryUtilization: steady(20, 30), DiskUtilization: steady(10),
      ...(gpu ? { GPUUtilization: steady(100, 150), GPUMemoryUtilization: steady(100, 150) } : {}),
    };
    const withTags = addEndedJob(fake, END, 'bench-job', { instanceType, hosts, hours, metrics });
    const event = tagsInEvent ? withTags : jobEndEvent(fake, 'bench-job', {
      instanceType, hosts, start: new Date(END.getTime() - hours * 3_600_000), end: END, tags: null,
    });
    forgetReportedJobs();
    const lines: Record<string, any>[] = [];
    setLogSink((l) => lines.push(l));
    const t0 = performance.now();
    const result = (await guard(event, {
      ...clientsFor(fake), config: configFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'bench' }), now: () => new Date(END.getTime() + 60_000),
    })) as JobEndResult;
    const wallMs = performance.now() - t0;
    setLogSink(undefined);
    if (fake.problems.length) throw new Error(`invalid requests:\n${fake.problems.join('\n')}`);
    if (result.outcome !== 'reported') throw new Error(`unexpected result ${JSON.stringify(result)}`);
    const queries = hosts * (gpu ? 5 : 3) * 2;
    const report = lines.find((l) => l.action === 'job-ended')!;
    return {
      shape, hosts, hours, queries,
      getMetricData: fake.count('GetMetricData'),
      sageMaker: fake.calls.filter((c) => c.service === 'sagemaker').length,
      periodSeconds: report.readPeriodSeconds,
      verdict: report.recommendation.recommendedType ?? report.recommendation.verdict,
      goal: Math.ceil(queries / MAX_QUERIES_PER_CALL) + (tagsInEvent ? 0 : 1),
      wallMs,
    };
  } finally {
    await fake.close();
  }
}
