/**
 * Every numeric, Duration and Size prop of every public construct, given a deploy-time value (a CfnParameter token):
 * nothing throws, except the props whose JSDoc says "Synth-time only", which are refused with a message saying so.
 * The table is checked for completeness against the props interfaces' source, so a new numeric prop without a row
 * fails here. Durations and Sizes are given in the unit their JSDoc names for deploy-time values (the unit the API
 * takes); another unit is refused with the unit to use.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Aspects, CfnParameter, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import {
  BoundedLogRetention, CarbonAwareSchedule, CarbonIntensitySource, HyperparameterRange, MlArtifactsBucket, NotebookIdleShutdown,
  Objective, SageMakerLogRetention, StudioIdleShutdown, Footprint, FootprintReport, SustainableNotebookInstance,
  SustainableTrainingJob, SustainableTuningJob, TrainingImage,
  TrainingInstance, TrainingJobGuard, TrainingPipeline, TrainingWorkflow, TuningStrategy,
  TrainingEfficiencyDashboard, SustainableMlPlatform,
} from '../lib';
import type { CarbonAwareStartOptions } from '../lib';
import { newTestStack } from './support/app';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const objective = (target?: number) => Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: target ?? 0.85 });

/** A deploy-time number: the value of a Number parameter named `P`. */
function param(stack: Stack, id = 'P'): number {
  return new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
}

function job(stack: Stack, props: Record<string, unknown> = {}, id = 'Job'): SustainableTrainingJob {
  return new SustainableTrainingJob(stack, id, { image: IMAGE, jobNamePrefix: id.toLowerCase(), objective: objective(), ...props });
}

function tuning(stack: Stack, props: Record<string, unknown> = {}, trainingJob = job(stack)): SustainableTuningJob {
  return new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)], ...props });
}

interface Row {
  /** The props interface (in `file`) the prop belongs to. */
  readonly iface: string;
  readonly file: string;
  readonly prop: string;
  /** Build the construct with the prop set to `t` (a deploy-time number) in the documented unit. */
  readonly build: (stack: Stack, t: number) => unknown;
  /** The info note naming the rule whose check was skipped, when one is. */
  readonly info?: RegExp;
  /** Documented "Synth-time only": refused. */
  readonly synthOnly?: boolean;
}

const vpc = (s: Stack) => new ec2.Vpc(s, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
const domain = (s: Stack) => new sagemaker.CfnDomain(s, 'Domain', {
  domainName: 'd', authMode: 'IAM', vpcId: 'vpc-1', subnetIds: ['subnet-1'], defaultUserSettings: { executionRole: 'arn:aws:iam::123456789012:role/r' },
});

/** A carbon-aware source: a Lambda function of the account (imported). */
const carbonSource = (s: Stack) => CarbonIntensitySource.fromFunction(lambda.Function.fromFunctionArn(s, 'Intensity', 'arn:aws:lambda:us-west-2:123456789012:function:grid-intensity'));
/** A workflow with a carbon-aware start; `options` override the defaults. */
const carbonAware = (s: Stack, options: Partial<CarbonAwareStartOptions>) => new TrainingWorkflow(s, 'Flow', {
  trainingJob: job(s), carbonAwareStart: { source: carbonSource(s), threshold: 100, maxDelay: Duration.hours(6), ...options },
});

const C = 'lib/orchestration/carbon-aware-start.ts';
const T = 'lib/training/training-job.ts';
const U = 'lib/tuning/tuning-job.ts';
const ROWS: Row[] = [
  // SustainableTrainingJob
  { iface: 'SustainableTrainingJobProps', file: T, prop: 'instanceCount', build: (s, t) => job(s, { instanceCount: t }), info: /^SML-START-SMALL: instanceCount is a token/ },
  { iface: 'SustainableTrainingJobProps', file: T, prop: 'volumeSize', build: (s, t) => job(s, { volumeSize: Size.gibibytes(t) }), info: /^SML-START-SMALL: volumeSize is a token/ },
  { iface: 'SustainableTrainingJobProps', file: T, prop: 'maxRuntime', build: (s, t) => job(s, { maxRuntime: Duration.seconds(t), maxWait: Duration.seconds(param(s, 'W')) }), info: /^SML-MAXRUN: maxRuntime is a token/ },
  { iface: 'SustainableTrainingJobProps', file: T, prop: 'maxWait', build: (s, t) => job(s, { maxWait: Duration.seconds(t) }), info: /^SML-MAXRUN: maxWait is a token.*MaxWaitTimeInSeconds ≥ MaxRuntimeInSeconds/ },
  { iface: 'SustainableTrainingJobProps', file: T, prop: 'retryAttempts', build: (s, t) => job(s, { retryAttempts: t }), info: /^SML-MAXRUN: retryAttempts is a token/ },
  // SustainableTuningJob and its strategy options
  { iface: 'SustainableTuningJobOptions', file: U, prop: 'maxTrainingJobs', build: (s, t) => tuning(s, { maxTrainingJobs: t, maxRuntime: Duration.days(2) }), info: /^SML-HPO-SPACE: maxTrainingJobs is a token/ },
  { iface: 'SustainableTuningJobOptions', file: U, prop: 'maxParallelTrainingJobs', build: (s, t) => tuning(s, { maxParallelTrainingJobs: t, maxRuntime: Duration.days(2) }), info: /^SML-HPO-PARALLEL: maxParallelTrainingJobs is a token/ },
  { iface: 'SustainableTuningJobOptions', file: U, prop: 'maxRuntime', build: (s, t) => tuning(s, { maxRuntime: Duration.seconds(t) }), info: /^SML-MAXRUN: maxRuntime is a token/ },
  { iface: 'SustainableTuningJobOptions', file: U, prop: 'maxJobsNotImproving', build: (s, t) => tuning(s, { maxJobsNotImproving: t }), info: /^SML-ACCEPT: maxJobsNotImproving is a token/ },
  { iface: 'SustainableTuningJobOptions', file: U, prop: 'randomSeed', build: (s, t) => tuning(s, { randomSeed: t }), info: /^SML-HPO-STRATEGY: randomSeed is a token/ },
  { iface: 'HyperbandOptions', file: U, prop: 'minResource', build: (s, t) => tuning(s, { strategy: TuningStrategy.hyperband({ minResource: t, maxResource: 50 }) }), info: /^SML-HPO-STRATEGY: strategy.minResource is a token/ },
  { iface: 'HyperbandOptions', file: U, prop: 'maxResource', build: (s, t) => tuning(s, { strategy: TuningStrategy.hyperband({ maxResource: t }) }), info: /^SML-HPO-STRATEGY: strategy.maxResource is a token/ },
  // range bounds are method arguments, not props: listed here so that they are covered too
  { iface: '(HyperparameterRange.continuous)', file: '', prop: 'min', build: (s, t) => tuning(s, { ranges: [HyperparameterRange.continuous('eta', t, 0.3)] }), info: /^SML-HPO-SPACE: ranges\[eta\]\.min\/max is a token/ },
  { iface: '(HyperparameterRange.integer)', file: '', prop: 'max', build: (s, t) => tuning(s, { ranges: [HyperparameterRange.integer('depth', 3, t)] }), info: /^SML-HPO-SPACE: ranges\[depth\]\.min\/max is a token/ },
  { iface: 'ObjectiveOptions', file: 'lib/training/objective.ts', prop: 'target', build: (s, t) => new TrainingWorkflow(s, 'Flow', { tuningJob: tuning(s, {}, job(s, { objective: objective(t) })) }) },
  // orchestration
  { iface: 'TrainingWorkflowOptions', file: 'lib/orchestration/workflow.ts', prop: 'timeout', build: (s, t) => new TrainingWorkflow(s, 'Flow', { trainingJob: job(s), timeout: Duration.seconds(t) }), info: /^SML-MAXRUN: timeout is a token/ },
  { iface: 'TrainingWorkflowOptions', file: 'lib/orchestration/workflow.ts', prop: 'logRetention', build: (s, t) => new TrainingWorkflow(s, 'Flow', { trainingJob: job(s), logRetention: t }), info: /^SML-LOGS: logRetention is a token/ },
  { iface: 'CarbonAwareStartOptions', file: C, prop: 'threshold', build: (s, t) => carbonAware(s, { threshold: t }), info: /^SML-TIMESHIFT: carbonAwareStart.threshold is a token/ },
  { iface: 'CarbonAwareStartOptions', file: C, prop: 'maxDelay', synthOnly: true, build: (s, t) => carbonAware(s, { maxDelay: Duration.seconds(t) }) },
  { iface: 'CarbonAwareStartOptions', file: C, prop: 'checkEvery', synthOnly: true, build: (s, t) => carbonAware(s, { checkEvery: Duration.seconds(t) }) },
  { iface: 'CarbonAwareStartOptions', file: C, prop: 'sourceRetries', synthOnly: true, build: (s, t) => carbonAware(s, { sourceRetries: t }) },
  { iface: 'CarbonAwareStartOptions', file: C, prop: 'retryInterval', synthOnly: true, build: (s, t) => carbonAware(s, { retryInterval: Duration.seconds(t) }) },
  {
    iface: 'CarbonAwareScheduleProps', file: 'lib/orchestration/carbon-aware-schedule.ts', prop: 'logRetention', info: /^SML-LOGS: logRetention is a token/,
    build: (s, t) => new CarbonAwareSchedule(s, 'When', {
      pipeline: new TrainingPipeline(s, 'Pipe', { trainingJob: job(s) }), schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      carbonAwareStart: { source: carbonSource(s), threshold: 100, maxDelay: Duration.hours(6) }, logRetention: t,
    }),
  },
  { iface: 'TrainingPipelineProps', file: 'lib/orchestration/pipeline.ts', prop: 'cacheExpireAfter', build: (s, t) => new TrainingPipeline(s, 'Pipe', { trainingJob: job(s), cacheExpireAfter: Duration.days(t) }), info: /^SML-CACHE: cacheExpireAfter is a token/ },
  // storage
  { iface: 'MlArtifactsBucketProps', file: 'lib/storage/artifacts-bucket.ts', prop: 'scratchExpiration', build: (s, t) => new MlArtifactsBucket(s, 'B', { scratchExpiration: Duration.days(t) }), info: /^SML-ARTIFACTS: scratchExpiration is a token/ },
  { iface: 'MlArtifactsBucketProps', file: 'lib/storage/artifacts-bucket.ts', prop: 'checkpointExpiration', build: (s, t) => job(s, { artifactsBucket: new MlArtifactsBucket(s, 'B', { checkpointExpiration: Duration.days(t) }) }), info: /^SML-CKPT: artifactsBucket.checkpointExpiration is a token/ },
  { iface: 'MlArtifactsBucketProps', file: 'lib/storage/artifacts-bucket.ts', prop: 'noncurrentVersionExpiration', build: (s, t) => new MlArtifactsBucket(s, 'B', { noncurrentVersionExpiration: Duration.days(t) }), info: /^SML-ARTIFACTS: noncurrentVersionExpiration is a token/ },
  {
    iface: 'BoundedLogRetentionProps', file: 'lib/storage/bounded-log-retention.ts', prop: 'retention', info: /^SML-LOGS: retention is a token/,
    build: (s, t) => { new logs.CfnLogGroup(s, 'Raw'); Aspects.of(s).add(new BoundedLogRetention({ retention: t })); },
  },
  { iface: 'SageMakerLogRetentionProps', file: 'lib/storage/log-retention.ts', prop: 'retention', build: (s, t) => new SageMakerLogRetention(s, 'Logs', { retention: t }), info: /^SML-LOGS: retention is a token/ },
  // platform
  { iface: 'SustainableMlPlatformProps', file: 'lib/platform/sustainable-ml-platform.ts', prop: 'logRetention', build: (s, t) => new SustainableMlPlatform(s, 'Platform', { logRetention: t, checks: false }), info: /^SML-LOGS: logRetention is a token/ },
  // monitoring
  { iface: 'TrainingEfficiencyDashboardProps', file: 'lib/monitoring/dashboard.ts', prop: 'period', build: (s, t) => new TrainingEfficiencyDashboard(s, 'Dash', { period: Duration.seconds(t) }), info: /^SML-MEASURE: period is a token/ },
  { iface: 'TrainingEfficiencyDashboardProps', file: 'lib/monitoring/dashboard.ts', prop: 'defaultInterval', synthOnly: true, build: (s, t) => new TrainingEfficiencyDashboard(s, 'Dash', { defaultInterval: Duration.days(t) }) },
  // guard
  ...(['idleThresholdPercent', 'stallPoints', 'overfitPoints', 'minImprovementPercent', 'overfitMinChangePercent'] as const).map((prop): Row => ({
    iface: 'TrainingJobGuardProps', file: 'lib/guard/training-job-guard.ts', prop, build: (s, t) => new TrainingJobGuard(s, 'Guard', { [prop]: t }), info: new RegExp(`^SML-GUARD: ${prop} is a token`),
  })),
  { iface: 'TrainingJobGuardProps', file: 'lib/guard/training-job-guard.ts', prop: 'schedule', build: (s, t) => new TrainingJobGuard(s, 'Guard', { schedule: Duration.minutes(t) }), info: /^SML-GUARD: schedule is a token/ },
  { iface: 'TrainingJobGuardProps', file: 'lib/guard/training-job-guard.ts', prop: 'idleWindow', build: (s, t) => new TrainingJobGuard(s, 'Guard', { idleWindow: Duration.minutes(t) }), info: /^SML-GUARD: idleWindow is a token/ },
  { iface: 'TrainingJobGuardProps', file: 'lib/guard/training-job-guard.ts', prop: 'metricLookback', build: (s, t) => new TrainingJobGuard(s, 'Guard', { metricLookback: Duration.minutes(t) }), info: /^SML-GUARD: metricLookback is a token/ },
  { iface: 'TrainingJobGuardProps', file: 'lib/guard/training-job-guard.ts', prop: 'logRetention', build: (s, t) => new TrainingJobGuard(s, 'Guard', { logRetention: t }), info: /^SML-LOGS: logRetention is a token/ },
  ...(['rightSizingHeadroomPercent', 'lowUtilizationThresholdPercent'] as const).map((prop): Row => ({
    iface: 'TrainingJobGuardProps', file: 'lib/guard/training-job-guard.ts', prop, build: (s, t) => new TrainingJobGuard(s, 'Guard', { [prop]: t }), info: new RegExp(`^SML-MEASURE: ${prop} is a token`),
  })),
  // idle
  { iface: 'NotebookIdleShutdownProps', file: 'lib/idle/notebook-idle-shutdown.ts', prop: 'idleThreshold', synthOnly: true, build: (s, t) => new NotebookIdleShutdown(s, 'Idle', { idleThreshold: Duration.seconds(t) }) },
  { iface: 'NotebookIdleShutdownProps', file: 'lib/idle/notebook-idle-shutdown.ts', prop: 'cpuActivityThreshold', synthOnly: true, build: (s, t) => new NotebookIdleShutdown(s, 'Idle', { cpuActivityThreshold: t }) },
  { iface: 'NotebookIdleShutdownProps', file: 'lib/idle/notebook-idle-shutdown.ts', prop: 'checkInterval', synthOnly: true, build: (s, t) => new NotebookIdleShutdown(s, 'Idle', { checkInterval: Duration.minutes(t) }) },
  { iface: 'SustainableNotebookInstanceProps', file: 'lib/idle/notebook-instance.ts', prop: 'volumeSize', build: (s, t) => new SustainableNotebookInstance(s, 'Nb', { vpc: vpc(s), volumeSize: Size.gibibytes(t) }), info: /^SML-START-SMALL: volumeSize is a token/ },
  { iface: 'SustainableNotebookInstanceProps', file: 'lib/idle/notebook-instance.ts', prop: 'idleThreshold', synthOnly: true, build: (s, t) => new SustainableNotebookInstance(s, 'Nb', { vpc: vpc(s), idleThreshold: Duration.seconds(t) }) },
  // Carbon budgets and footprint estimates are computed at synth (SML-BUDGET, SML-MEASURE)
  { iface: 'TrainingWorkflowOptions', file: 'lib/orchestration/workflow.ts', prop: 'carbonBudget', synthOnly: true, build: (s, t) => new TrainingWorkflow(s, 'Flow', { trainingJob: job(s), carbonBudget: t }) },
  { iface: 'TrainingPipelineProps', file: 'lib/orchestration/pipeline.ts', prop: 'carbonBudget', synthOnly: true, build: (s, t) => new TrainingPipeline(s, 'Pipe', { trainingJob: job(s), carbonBudget: t }) },
  ...(['carbonBudget', 'expectedUtilization', 'expectedTuningSavings'] as const).map((prop): Row => ({
    iface: 'FootprintReportProps', file: 'lib/carbon/report.ts', prop, synthOnly: true, build: (s, t) => new FootprintReport(s, 'Report', { [prop]: t }),
  })),
  ...(['expectedUtilization', 'expectedTuningSavings'] as const).map((prop): Row => ({
    iface: 'FootprintOptions', file: 'lib/carbon/footprint.ts', prop, synthOnly: true, build: (s, t) => Footprint.ofTrainingJob(job(s), { [prop]: t }),
  })),
  ...(['idleTimeout', 'minIdleTimeout', 'maxIdleTimeout'] as const).map((prop): Row => ({
    iface: 'StudioIdleShutdownProps', file: 'lib/idle/studio-idle-shutdown.ts', prop, build: (s, t) => new StudioIdleShutdown({ [prop]: Duration.minutes(t) }).applyTo(domain(s)), info: new RegExp(`^SML-IDLE-STUDIO: ${prop} is a token`),
  })),
];

/** The JSDoc of each numeric, Duration, Size or RetentionDays prop of an interface, read from its source. */
function numericProps(file: string, iface: string): Map<string, string> {
  const src = fs.readFileSync(path.join(__dirname, '..', file), 'utf8');
  const start = src.indexOf(`export interface ${iface} `);
  if (start < 0) throw new Error(`${iface} not found in ${file}`);
  const body = src.slice(start, src.indexOf('\n}\n', start));
  const out = new Map<string, string>();
  for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*readonly (\w+)\??: ([\w.]+);/g)) {
    if (/^(number|Duration|Size|logs\.RetentionDays)$/.test(m[3])) out.set(m[2], m[1]);
  }
  return out;
}

describe('the table covers every numeric, Duration, Size and retention prop of every public props interface', () => {
  const interfaces = [...new Set(ROWS.filter((r) => r.file).map((r) => `${r.file}#${r.iface}`))];
  test.each(interfaces)('%s', (key) => {
    const [file, iface] = key.split('#');
    const documented = numericProps(file, iface);
    const rows = ROWS.filter((r) => r.iface === iface);
    expect(rows.map((r) => r.prop).sort()).toEqual([...documented.keys()].sort());
    for (const r of rows) {
      // "Synth-time only" in the JSDoc exactly when the prop refuses a deploy-time value
      expect([r.prop, /Synth-time only/.test(documented.get(r.prop)!)]).toEqual([r.prop, !!r.synthOnly]);
    }
  });

  test('every exported props interface with such props is in the table', () => {
    const covered = new Set(interfaces.map((k) => k.split('#')[1]));
    const lib = path.join(__dirname, '..', 'lib');
    const missing: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && e.name !== 'private') walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
          const src = fs.readFileSync(p, 'utf8');
          for (const m of src.matchAll(/export interface (\w+(?:Props|Options)) /g)) {
            if (!covered.has(m[1]) && numericProps(path.relative(path.join(__dirname, '..'), p), m[1]).size > 0) missing.push(m[1]);
          }
        }
      }
    };
    walk(lib);
    expect(missing).toEqual([]);
  });
});

describe('every numeric, Duration and Size prop given a CfnParameter token', () => {
  test.each(ROWS.filter((r) => !r.synthOnly).map((r) => [`${r.iface}.${r.prop}`, r] as const))('%s: no throw, the value reaches the template', (_name, row) => {
    const stack = newTestStack();
    const t = param(stack);
    let built: unknown;
    expect(() => { built = row.build(stack, t); }).not.toThrow();
    // A job definition alone is in no template: its rendered request carries the value.
    const rendered = built instanceof SustainableTrainingJob || built instanceof SustainableTuningJob ? built.renderRequest() : {};
    const output = JSON.stringify([Template.fromStack(stack).toJSON().Resources, stack.resolve(rendered)]);
    expect(output).toContain('{"Ref":"P"}');
    if (row.info) {
      const infos = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp(row.info.source.replace(/^\^/, '')));
      expect(infos.map((i) => String(i.entry.data))).toEqual([expect.stringMatching(row.info)]);
    }
  });

  test.each(ROWS.filter((r) => r.synthOnly).map((r) => [`${r.iface}.${r.prop}`, r] as const))('fails when %s (documented synth-time only) is a token', (_name, row) => {
    const stack = newTestStack();
    // A prop of an options struct is named by its path (carbonAwareStart.maxDelay).
    expect(() => row.build(stack, param(stack))).toThrow(new RegExp(`^SML-[A-Z-]+: (?:\\w+\\.)?${row.prop} \\(a deploy-time value\\): must be known at synth time: .+Fix: `));
  });
});

describe('deploy-time values in other places', () => {
  test('the request carries the tokens where the API takes them (seconds, GiB, counts)', () => {
    const stack = newTestStack();
    const j = job(stack, {
      instanceCount: param(stack, 'Count'), volumeSize: Size.gibibytes(param(stack, 'Volume')),
      maxRuntime: Duration.seconds(param(stack, 'Runtime')), maxWait: Duration.seconds(param(stack, 'Wait')),
    });
    const req = stack.resolve(j.renderRequest());
    expect(req.ResourceConfig).toEqual({ InstanceType: 'ml.m5.large', InstanceCount: { Ref: 'Count' }, VolumeSizeInGB: { Ref: 'Volume' } });
    expect(req.StoppingCondition).toEqual({ MaxRuntimeInSeconds: { Ref: 'Runtime' }, MaxWaitTimeInSeconds: { Ref: 'Wait' } });
    // a deploy-time count may be more than one: inter-container traffic is encrypted
    expect(req.EnableInterContainerTrafficEncryption).toBe(true);
  });

  test('range bounds render as strings resolved at deploy time, not as -1.9e+289', () => {
    const stack = newTestStack();
    const t = tuning(stack, { ranges: [HyperparameterRange.continuous('eta', param(stack, 'Lo'), param(stack, 'Hi'))] });
    const ranges = stack.resolve(t.renderRequest()).HyperParameterTuningJobConfig.ParameterRanges;
    expect(ranges.ContinuousParameterRanges).toEqual([{ Name: 'eta', MinValue: { Ref: 'Lo' }, MaxValue: { Ref: 'Hi' }, ScalingType: 'Auto' }]);
  });

  test('guard settings reach the function environment as deploy-time text', () => {
    const stack = newTestStack();
    new TrainingJobGuard(stack, 'Guard', { idleThresholdPercent: param(stack, 'Idle'), idleWindow: Duration.minutes(param(stack, 'Window')) });
    const env = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
    expect(env.GUARD_IDLE_THRESHOLD_PERCENT).toEqual({ Ref: 'Idle' });
    expect(env.GUARD_IDLE_WINDOW_MINUTES).toEqual({ Ref: 'Window' });
  });

  test('a deploy-time target reaches the gate\'s conditions and messages', () => {
    const stack = newTestStack();
    const flow = new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack, { objective: objective(param(stack, 'Target')) }) });
    const definition = JSON.stringify(stack.resolve((flow.stateMachine.node.defaultChild as any).definitionString));
    expect(definition).not.toMatch(/e\+289/);
    expect(definition).toContain('{"Ref":"Target"}');
  });

  test('a deploy-time cache expiry becomes an ISO 8601 duration resolved at deploy time', () => {
    const stack = newTestStack();
    const pipe = new TrainingPipeline(stack, 'Pipe', { trainingJob: job(stack, { spot: false }), cacheExpireAfter: Duration.days(param(stack, 'Days')) });
    expect(JSON.stringify(stack.resolve(stack.toJsonString(pipe.definition)))).toMatch(/\\"ExpireAfter\\":\\"P",\{"Ref":"Days"\},"D\\"/);
  });

  test('the workflow derives no timeout from a deploy-time limit, and says so', () => {
    const stack = newTestStack();
    const flow = new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack, { maxWait: Duration.seconds(param(stack)) }) });
    const json = JSON.stringify(stack.resolve((flow.stateMachine.node.defaultChild as any).definitionString));
    expect(json).not.toContain('TimeoutSeconds');
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('^SML-MAXRUN: trainingJob.maxWait is a token .*no execution timeout is derived from it'))).toHaveLength(1);
  });

  test('a baseline with a deploy-time limit is not compared with the main job, and the note says so', () => {
    const stack = newTestStack();
    const main = job(stack);
    const baseline = job(stack, { maxRuntime: Duration.seconds(param(stack)), maxWait: Duration.hours(4) }, 'Baseline');
    new TrainingWorkflow(stack, 'Flow', { trainingJob: main, baseline });
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('^SML-BASELINE: a limit of the baseline or the main job is a token')).map((i) => i.id)).toEqual(['/TestStack/Flow']);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-BASELINE'))).toHaveLength(0);
  });

  test('a tuning bound derived from a deploy-time job count falls back to the 30-day API limit, with a warning', () => {
    const stack = newTestStack();
    const t = tuning(stack, { maxTrainingJobs: param(stack) });
    expect(t.maxRuntime.toDays()).toBe(30);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-MAXRUN: maxRuntime defaults to 30 days'))).toHaveLength(1);
  });

  test('the footprint report prints "set at deploy time" instead of -1.9e+289', () => {
    const stack = newTestStack();
    const j = job(stack, { instanceCount: param(stack, 'Count'), maxRuntime: Duration.seconds(param(stack, 'Runtime')), maxWait: Duration.seconds(param(stack, 'Wait')) });
    tuning(stack, { maxTrainingJobs: param(stack, 'Jobs'), maxRuntime: Duration.days(1) }, j);
    const text = FootprintReport.format(stack);
    expect(text).not.toMatch(/e\+\d{3}/);
    expect(text).toMatch(/ {4}tuning Tune +set at deploy time jobs × set at deploy time × ml\.m5\.large +on +24 +set at deploy time +set at deploy time/);
    expect(text).toContain('Tune: maxTrainingJobs set at deploy time; Job: instanceCount set at deploy time; Job: maxRuntime set at deploy time');
    const [run] = FootprintReport.of(stack).runs;
    expect(run.worstCaseInstanceHours).toBeUndefined();
    expect(run.unknowns).toEqual([
      'tuning (TestStack/Tune): instanceCount is set at deploy time',
      'tuning (TestStack/Tune): maxRuntime is set at deploy time',
      'tuning (TestStack/Tune): maxTrainingJobs is set at deploy time',
    ]);
  });
});

describe('refusals of deploy-time values, each saying why', () => {
  const cases: [string, (s: Stack) => unknown, RegExp][] = [
    ['maxRuntime is a token and maxWait is unset with spot on (its default, 2 × maxRuntime, cannot be computed)',
      (s) => job(s, { maxRuntime: Duration.seconds(param(s)) }), /^SML-MAXRUN: maxWait undefined: must be given when maxRuntime is a deploy-time value: its default, 2 × maxRuntime, cannot be computed at synth/],
    ['a deploy-time maxRuntime is not in seconds (the API takes seconds and a token cannot be converted)',
      (s) => job(s, { maxRuntime: Duration.hours(param(s)), maxWait: Duration.hours(20) }), /^SML-MAXRUN: maxRuntime 'Duration.hours\(<deploy-time value>\)': a deploy-time Duration cannot be converted at synth, and this setting is rendered in seconds. Fix: give it in seconds: Duration.seconds\(parameter.valueAsNumber\)/],
    ['a deploy-time volume is not in GiB', (s) => job(s, { volumeSize: Size.mebibytes(param(s)) }), /^SML-START-SMALL: volumeSize 'Size.mebibytes\(<deploy-time value>\)': a deploy-time Size cannot be converted at synth.*Size.gibibytes/],
    ['a deploy-time guard window is not in minutes', (s) => new TrainingJobGuard(s, 'G', { idleWindow: Duration.hours(param(s)) }), /^SML-GUARD: idleWindow 'Duration.hours\(<deploy-time value>\)'.*rendered in minutes/],
    ['a deploy-time Studio idle timeout is not in minutes', () => new StudioIdleShutdown({ idleTimeout: Duration.hours(param(newTestStack())) }), /^SML-IDLE-STUDIO: idleTimeout 'Duration.hours\(<deploy-time value>\)'.*rendered in minutes/],
    ['a deploy-time scratch expiration is not in days', (s) => new MlArtifactsBucket(s, 'B', { scratchExpiration: Duration.hours(param(s)) }), /^SML-ARTIFACTS: scratchExpiration 'Duration.hours\(<deploy-time value>\)'.*rendered in days/],
    ['a deploy-time guard schedule is in seconds (EventBridge rates take minutes, hours or days)', (s) => new TrainingJobGuard(s, 'G', { schedule: Duration.seconds(param(s)) }), /^SML-GUARD: schedule 'Duration.seconds\(<deploy-time value>\)'.*rendered in minutes/],
    ['a deploy-time cache expiry is in seconds (ISO 8601 minutes are the finest unit SageMaker accepts)', (s) => new TrainingPipeline(s, 'Pipe', { trainingJob: job(s), cacheExpireAfter: Duration.seconds(param(s)) }), /^SML-CACHE: cacheExpireAfter 'Duration.seconds\(<deploy-time value>\)'.*rendered in minutes/],
    ['a deploy-time workflow timeout is not in seconds', (s) => new TrainingWorkflow(s, 'F', { trainingJob: job(s), timeout: Duration.hours(param(s)) }), /^SML-MAXRUN: timeout 'Duration.hours\(<deploy-time value>\)'.*rendered in seconds/],
    ['the instance type is a token (the defaults are chosen by its accelerator and generation)',
      (s) => TrainingInstance.of(new CfnParameter(s, 'Type').valueAsString), /^SML-SILICON: instanceType \(a deploy-time value\): must be known at synth time: the library chooses and checks the job's defaults.*Fix: .*TrainingPipeline \(InstanceType parameter, allowedInstanceTypes\)/],
  ];
  test.each(cases)('fails when %s', (_name, build, message) => {
    expect(() => build(newTestStack())).toThrow(message);
  });
  test('the instance-type refusal offers no near match for a token', () => {
    const stack = newTestStack();
    expect(() => TrainingInstance.of(new CfnParameter(stack, 'Type').valueAsString)).not.toThrow(/use one of/);
    expect(Token.isUnresolved(new CfnParameter(stack, 'T2').valueAsString)).toBe(true);
  });
  test('a deploy-time retention of the log group the workflow creates is passed through', () => {
    const stack = newTestStack();
    new TrainingWorkflow(stack, 'F', { trainingJob: job(stack), logRetention: param(stack) as logs.RetentionDays });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: { Ref: 'P' } });
  });
});
