/**
 * The EventBridge path: "SageMaker Training Job State Change" events with Debugger/Profiler rule findings.
 * In-process handler, real SDK v3 clients, loopback fake with request validation.
 */
import { GuardTags } from '../../lib/guard/guard-tags';
import { configFromEnv, ENV } from '../../lambda/training-job-guard/config';
import type { EventResult } from '../../lambda/training-job-guard/events';
import { guard } from '../../lambda/training-job-guard/index';
import { ACCOUNT, addRunningJob, clientsFor, FakeAws, GUARDED, REGION } from '../support/fake-aws';
import { guardHarness } from '../support/guard-harness';

const NOW = new Date('2026-11-26T12:00:30Z');

const harness = guardHarness();
let fake: FakeAws;
let lines: Record<string, any>[];
beforeEach(() => {
  ({ fake, lines } = harness);
  addRunningJob(fake, NOW, 'gpu-job', { instanceType: 'ml.p4d.24xlarge', util: () => 400 });
});

interface Rule { RuleConfigurationName: string; RuleEvaluationStatus: string; StatusDetails?: string }

/** An event shaped like SageMaker's documented example (Tags as a map, times as epoch-ms strings). */
function stateChange(name: string, o: { status?: string; debug?: Rule[]; profiler?: Rule[]; tags?: Record<string, string> | null } = {}) {
  return {
    version: '0',
    id: '844e2571-85d4-695f-b930-0153b71dcb42',
    'detail-type': 'SageMaker Training Job State Change',
    source: 'aws.sagemaker',
    account: ACCOUNT,
    time: NOW.toISOString(),
    region: REGION,
    resources: [fake.arn(name)],
    detail: {
      TrainingJobName: name,
      TrainingJobArn: fake.arn(name),
      TrainingJobStatus: o.status ?? 'InProgress',
      SecondaryStatus: o.status && o.status !== 'InProgress' ? o.status : 'Training',
      ResourceConfig: { InstanceType: 'ml.p4d.24xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 6 * 3600 },
      CreationTime: String(NOW.getTime() - 7_500_000),
      TrainingStartTime: String(NOW.getTime() - 7_200_000),
      ...(o.debug ? { DebugRuleEvaluationStatuses: o.debug } : {}),
      ...(o.profiler ? { ProfilerRuleEvaluationStatuses: o.profiler } : {}),
      ...(o.tags === null ? {} : { Tags: o.tags ?? GUARDED }),
    },
  };
}

const lowGpu: Rule = { RuleConfigurationName: 'LowGPUUtilization', RuleEvaluationStatus: 'IssuesFound', StatusDetails: 'GPU p95 < 10 %' };

async function send(event: unknown, env: NodeJS.ProcessEnv = {}, maxAttempts = 3): Promise<EventResult> {
  return (await guard(event, { ...clientsFor(fake, maxAttempts), config: configFromEnv(env), now: () => NOW })) as EventResult;
}

test('stops a guarded job whose profiler rule reports IssuesFound, with one structured line', async () => {
  const result = await send(stateChange('gpu-job', { profiler: [lowGpu, { RuleConfigurationName: 'ProfilerReport', RuleEvaluationStatus: 'IssuesFound' }] }));
  expect(result).toEqual({ kind: 'event', job: 'gpu-job', outcome: 'stopped', rules: ['LowGPUUtilization'] });
  expect(fake.stops).toEqual(['gpu-job']);
  expect(fake.calls.map((c) => c.operation)).toEqual(['StopTrainingJob']); // no read before the stop
  const stop = lines.filter((l) => l.action === 'stopped');
  expect(stop).toHaveLength(1);
  expect(stop[0]).toMatchObject({
    Reason: 'rule-findings', job: 'gpu-job', JobsStopped: 1, InstanceHoursSaved: 4, AcceleratorHoursSaved: 32,
    figures: { rules: [{ name: 'LowGPUUtilization', type: 'profiler', details: 'GPU p95 < 10 %' }] },
  });
});

test('stops on a Debugger rule finding', async () => {
  const result = await send(stateChange('gpu-job', { debug: [{ RuleConfigurationName: 'Overfit', RuleEvaluationStatus: 'IssuesFound' }] }));
  expect(result.outcome).toBe('stopped');
  expect(fake.stops).toEqual(['gpu-job']);
});

test.each([
  ['only ignored rules (ProfilerReport) found issues', { profiler: [{ RuleConfigurationName: 'ProfilerReport', RuleEvaluationStatus: 'IssuesFound' }] }],
  ['rules found no issues', { debug: [{ RuleConfigurationName: 'Overfit', RuleEvaluationStatus: 'NoIssuesFound' }], profiler: [{ ...lowGpu, RuleEvaluationStatus: 'InProgress' }] }],
  ['the job is not guarded', { profiler: [lowGpu], tags: { team: 'a' } }],
  ['the job opted out', { profiler: [lowGpu], tags: { [GuardTags.GUARD]: 'disabled' } }],
  ['the job turned the rules check off', { profiler: [lowGpu], tags: { ...GUARDED, [GuardTags.CHECKS]: 'idle' } }],
  ['the job is Stopping', { profiler: [lowGpu], status: 'Stopping' }],
])('ignores the event when %s', async (_why, o) => {
  const result = await send(stateChange('gpu-job', o));
  expect(result.outcome).toBe('ignored');
  expect(fake.count('StopTrainingJob')).toBe(0);
});

test('an ended job\'s event with findings never stops it: it takes the end-of-job (right-sizing) path', async () => {
  const result = await guard(stateChange('gpu-job', { profiler: [lowGpu], status: 'Completed' }), {
    ...clientsFor(fake), config: configFromEnv({}), now: () => NOW,
  });
  expect(result).toMatchObject({ kind: 'job-end', job: 'gpu-job', outcome: 'reported' });
  expect(fake.count('StopTrainingJob')).toBe(0);
});

test('reads the tags with Search (or ListTags in list mode) when the event carries none', async () => {
  expect((await send(stateChange('gpu-job', { profiler: [lowGpu], tags: null }))).outcome).toBe('stopped');
  expect([fake.count('Search'), fake.count('ListTags')]).toEqual([1, 0]);
  addRunningJob(fake, NOW, 'listed-job', { instanceType: 'ml.p4d.24xlarge' });
  expect((await send(stateChange('listed-job', { profiler: [lowGpu], tags: null }), { [ENV.DISCOVERY]: 'list' })).outcome).toBe('stopped');
  expect([fake.count('Search'), fake.count('ListTags')]).toEqual([1, 1]);
});

test('duplicate events stop and record the job once: the service refuses the second stop', async () => {
  const event = stateChange('gpu-job', { profiler: [lowGpu] });
  const first = await send(event);
  const second = await send(event);
  expect([first.outcome, second.outcome]).toEqual(['stopped', 'already-stopping']);
  expect(fake.stops).toEqual(['gpu-job']);
  expect(fake.calls.filter((c) => c.operation === 'StopTrainingJob').map((c) => c.status)).toEqual([200, 400]);
  expect(lines.filter((l) => l.action === 'stopped')).toHaveLength(1);
});

test('a stop whose answer was lost after it took effect is recorded once (the retry\'s refusal is not "already stopping")', async () => {
  fake.faults = [{ operation: 'StopTrainingJob', times: 1, status: 500, code: 'InternalFailure', afterEffect: true }];
  const result = await send(stateChange('gpu-job', { profiler: [lowGpu] }));
  expect(result.outcome).toBe('stopped');
  expect(fake.calls.map((c) => [c.operation, c.status])).toEqual([
    ['StopTrainingJob', 500], ['StopTrainingJob', 400], ['DescribeTrainingJob', 200],
  ]);
  expect(lines.filter((l) => l.action === 'stopped')).toMatchObject([{ job: 'gpu-job', JobsStopped: 1, evidence: { attempts: 2, confirmedStatus: 'Stopping' } }]);
});

test('dry run only reports', async () => {
  const result = await send(stateChange('gpu-job', { profiler: [lowGpu] }), { [ENV.DRY_RUN]: 'true' });
  expect(result.outcome).toBe('would-stop');
  expect(fake.count('StopTrainingJob')).toBe(0);
  expect(lines.filter((l) => l.action === 'would-stop')).toHaveLength(1);
});

test('retries a throttled StopTrainingJob; a StopTrainingJob that keeps failing is reported, not thrown', async () => {
  fake.faults = [{ operation: 'StopTrainingJob', times: 1, status: 400, code: 'ThrottlingException' }];
  expect((await send(stateChange('gpu-job', { profiler: [lowGpu] }))).outcome).toBe('stopped');
  expect(fake.count('StopTrainingJob')).toBe(2);
  expect(fake.count('DescribeTrainingJob')).toBe(0);

  addRunningJob(fake, NOW, 'other-job', { instanceType: 'ml.p4d.24xlarge' });
  fake.faults = [{ operation: 'StopTrainingJob', status: 503, code: 'ServiceUnavailable' }];
  const failed = await send(stateChange('other-job', { profiler: [lowGpu] }), {}, 2);
  expect(failed).toMatchObject({ outcome: 'error', job: 'other-job' });
  expect(failed.why).toMatch(/ServiceUnavailable.*2 attempts/);
  expect(lines.some((l) => l.level === 'ERROR' && l.job === 'other-job')).toBe(true);
});
