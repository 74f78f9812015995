/**
 * Ended training jobs for the loopback fake: the job (Completed, Failed or Stopped), its per-minute instance metrics
 * as SageMaker publishes them (CPU summed over vCPUs, GPU and GPU memory summed over GPUs; namespace
 * /aws/sagemaker/TrainingJobs, dimension Host = `<job>/algo-<n>`), and the "SageMaker Training Job State Change"
 * event SageMaker sends when it ends, shaped like the documented example (times as epoch-millisecond strings, Tags as
 * a map; SageMaker Developer Guide, "Events that Amazon SageMaker AI sends to Amazon EventBridge").
 */
import { ACCOUNT, FakeAws, GUARDED, REGION } from './fake-aws';

/** One SageMaker instance metric, per host and minute since the run started. */
export type MetricShape = (host: number, minute: number) => number;

export interface EndedJob {
  instanceType: string;
  hosts?: number;
  /** Run time, TrainingStartTime to TrainingEndTime. */
  hours: number;
  status?: 'Completed' | 'Failed' | 'Stopped';
  tags?: Record<string, string>;
  /** Per-minute values by SageMaker metric name (CPUUtilization, MemoryUtilization, …). */
  metrics?: Record<string, MetricShape>;
}

/** Add an ended job with its metrics; returns the event SageMaker sends for its end. */
export function addEndedJob(fake: FakeAws, end: Date, name: string, o: EndedJob): ReturnType<typeof jobEndEvent> {
  const start = new Date(end.getTime() - o.hours * 3_600_000);
  const status = o.status ?? 'Completed';
  fake.addJob({
    name, status, tags: o.tags ?? GUARDED, instanceType: o.instanceType, instanceCount: o.hosts ?? 1,
    creationTime: new Date(start.getTime() - 5 * 60_000), trainingStartTime: start, maxRuntimeSeconds: 24 * 3600,
  });
  const minutes = Math.floor(o.hours * 60);
  const first = Math.ceil(start.getTime() / 60_000) * 60_000;
  for (const [metric, shape] of Object.entries(o.metrics ?? {})) {
    for (let h = 1; h <= (o.hosts ?? 1); h++) {
      fake.putMetric(metric, { Name: 'Host', Value: `${name}/algo-${h}` },
        Array.from({ length: minutes }, (_, m) => [first + m * 60_000, shape(h, m)] as [number, number]));
    }
  }
  return jobEndEvent(fake, name, { instanceType: o.instanceType, hosts: o.hosts ?? 1, start, end, status, tags: o.tags ?? GUARDED });
}

/** The end event of a job. `tags: null` leaves Tags out; `start: null` leaves TrainingStartTime out. */
export function jobEndEvent(fake: FakeAws, name: string, o: {
  instanceType: string; hosts?: number; start: Date | null; end: Date; status?: string; tags?: Record<string, string> | null;
}) {
  return {
    'version': '0',
    'id': '844e2571-85d4-695f-b930-0153b71dcb42',
    'detail-type': 'SageMaker Training Job State Change',
    'source': 'aws.sagemaker',
    'account': ACCOUNT,
    'time': o.end.toISOString(),
    'region': REGION,
    'resources': [fake.arn(name)],
    'detail': {
      TrainingJobName: name,
      TrainingJobArn: fake.arn(name),
      TrainingJobStatus: o.status ?? 'Completed',
      SecondaryStatus: o.status ?? 'Completed',
      ResourceConfig: { InstanceType: o.instanceType, InstanceCount: o.hosts ?? 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 24 * 3600 },
      CreationTime: String((o.start ?? o.end).getTime() - 300_000),
      ...(o.start ? { TrainingStartTime: String(o.start.getTime()) } : {}),
      TrainingEndTime: String(o.end.getTime()),
      LastModifiedTime: String(o.end.getTime()),
      SecondaryStatusTransitions: [],
      ...(o.tags === null ? {} : { Tags: o.tags ?? GUARDED }),
    },
  };
}

/** `level` every minute but one: `peak` at minute `at` (default 30). */
export function steady(level: number, peak = level, at = 30): MetricShape {
  return (_h, m) => (m === at ? peak : level);
}
