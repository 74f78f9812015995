/**
 * The BUNDLED handler (assets/training-job-guard/index.js, built by `npm run build:lambda`), loaded as the Lambda
 * runtime loads it: configured only through the environment (AWS_ENDPOINT_URL, fake credentials, GUARD_*), its
 * lines written to stdout, the SDK's default retry strategy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GuardTags } from '../../lib/guard/guard-tags';
import { addHealthyJobs, addRunningJob, FakeAws, GUARDED, REGION } from '../support/fake-aws';
import { addEndedJob, steady } from '../support/job-end';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'training-job-guard', 'index.js');
const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_MAX_ATTEMPTS',
  'AWS_LAMBDA_FUNCTION_NAME', 'GUARD_IDLE_WINDOW_MINUTES', 'GUARD_DRY_RUN'];

let fake: FakeAws;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build:lambda\``);
  fake = await FakeAws.start();
  for (const k of ENV_KEYS) saved[k] = process.env[k];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_MAX_ATTEMPTS: '3', AWS_LAMBDA_FUNCTION_NAME: 'bundled-guard', GUARD_IDLE_WINDOW_MINUTES: '20',
  });
  delete process.env.AWS_SESSION_TOKEN;
});

afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await fake.close();
  expect(fake.problems).toEqual([]);
});

test('the bundle keeps the AWS SDK external and stays small', () => {
  const code = fs.readFileSync(BUNDLE, 'utf8');
  expect(code).toContain('require("@aws-sdk/client-sagemaker")');
  expect(code).toContain('require("@aws-sdk/client-cloudwatch")');
  expect(code.length).toBeLessThan(64 * 1024);
});

test('the bundled handler sweeps (with a retried 5xx) and acts on a rule-finding event, writing JSON lines to stdout', async () => {
  const now = new Date();
  addHealthyJobs(fake, now, 150);
  addRunningJob(fake, now, 'idle-bundled', { instanceType: 'ml.g5.2xlarge', util: () => 0 });
  addRunningJob(fake, now, 'profiled', { instanceType: 'ml.g5.2xlarge', util: () => 80 });
  addRunningJob(fake, now, 'unguarded', { util: () => 0, tags: { team: 'x' } });
  fake.faults = [{ operation: 'GetMetricData', times: 1, status: 500, code: 'InternalFailure' }];

  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const { handler } = require(BUNDLE);
    const sweep = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    expect(sweep).toMatchObject({ kind: 'sweep', stopped: ['idle-bundled'], jobsWatched: 152, errors: 0 });
    const event = await handler({
      source: 'aws.sagemaker', 'detail-type': 'SageMaker Training Job State Change',
      detail: {
        TrainingJobName: 'profiled', TrainingJobArn: fake.arn('profiled'), TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training',
        ProfilerRuleEvaluationStatuses: [{ RuleConfigurationName: 'LowGPUUtilization', RuleEvaluationStatus: 'IssuesFound' }],
        Tags: { ...GUARDED, [GuardTags.OBJECTIVE_METRIC]: 'loss' },
      },
    });
    expect(event).toMatchObject({ kind: 'event', outcome: 'stopped', job: 'profiled' });
  } finally {
    spy.mockRestore();
  }
  expect(fake.stops).toEqual(['idle-bundled', 'profiled']);
  expect(fake.calls.some((c) => c.operation === 'GetMetricData' && c.attempt === 2)).toBe(true);
  const parsed = out.join('').trim().split('\n').map((l) => JSON.parse(l));
  const stops = parsed.filter((l) => l.action === 'stopped');
  expect(stops.map((l) => [l.job, l.Reason, l.FunctionName])).toEqual([
    ['idle-bundled', 'idle', 'bundled-guard'], ['profiled', 'rule-findings', 'bundled-guard'],
  ]);
  expect(stops[0].figures).toMatchObject({ windowMinutes: 20 });
});

test('the bundled handler takes its time budget from the Lambda context', async () => {
  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    out.push(String(chunk));
    return true;
  });
  const before = fake.calls.length;
  try {
    const { handler } = require(BUNDLE);
    const summary = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, { getRemainingTimeInMillis: () => 5_000 });
    expect(summary).toMatchObject({ kind: 'sweep', budget: { remainingAtStartMs: 5_000, reserveMs: 15_000, exhaustedIn: 'start' } });
  } finally {
    spy.mockRestore();
  }
  expect(fake.calls.length).toBe(before); // no call started
  const summaryLines = out.join('').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => /^sweep complete/.test(l.message));
  expect(summaryLines).toHaveLength(1);
});

test('the bundled handler reports an ended job: the instance tables are in the bundle, the EMF line goes to stdout', async () => {
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const event = addEndedJob(fake, end, 'ended-bundled', {
    instanceType: 'ml.m5.4xlarge', hours: 1, metrics: { CPUUtilization: steady(192, 288), MemoryUtilization: steady(10, 15) },
  });
  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const { handler } = require(BUNDLE);
    expect(await handler(event)).toMatchObject({ kind: 'job-end', outcome: 'reported', verdict: 'downsize', recommendedType: 'ml.m5.xlarge' });
  } finally {
    spy.mockRestore();
  }
  const lines = out.join('').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    action: 'job-ended', FunctionName: 'bundled-guard', InstanceType: 'ml.m5.4xlarge', JobsOverProvisioned: 1,
    _aws: { CloudWatchMetrics: [{ Namespace: 'cdk-sustainable-ml/TrainingJobGuard' }] },
  });
  expect(lines[0].message).toMatch(/12 % of 16 vCPUs on ml\.m5\.4xlarge over 1 h: ml\.m5\.xlarge would do/);
});
