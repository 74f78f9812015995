import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import {
  AcceptanceGate, HyperparameterRange, Objective, SustainableTrainingJob, SustainableTuningJob, TrainingImage, TrainingWorkflow,
} from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidAsl, stateMachineDefinitions } from '../support/asl';
import { expectValidRequest } from '../support/api-model';
import { evalRule, runAsl, TaskError } from '../support/asl-run';
import { describeTrainingJob, describeTuningJob, expectValidResponse } from '../support/responses';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const AUC = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });
const RMSE = Objective.minimize('validation:rmse', 'rmse=([0-9\\.]+)', { target: 0.3 });

function machine(build: (stack: Stack) => void): any {
  const stack = newTestStack();
  build(stack);
  const [definition] = Object.values(stateMachineDefinitions(stack));
  expectValidAsl(definition);
  return definition;
}

const trainMachine = (objective: Objective) => machine((stack) => {
  new TrainingWorkflow(stack, 'Flow', { trainingJob: new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective }) });
});

/** A DescribeTrainingJob sample, checked against the DescribeTrainingJobResponse shape of the official model. */
function trained(metrics: { [name: string]: number }, billable = 1200): any {
  const r = describeTrainingJob('churn-0f8fad5b-d9cb-469f-a165-70867728950e', metrics, billable);
  expectValidResponse('DescribeTrainingJob', r);
  return r;
}

/** A DescribeHyperParameterTuningJob sample, checked against its response shape. */
function tuned(best: number | undefined, runtime: number | null = 15000): any {
  const r = describeTuningJob('churn-hpo-0f8fad5bd9cb469f', 'validation:auc', best, 4, runtime);
  expectValidResponse('DescribeHyperParameterTuningJob', r);
  return r;
}

const BEST_JOB = 'churn-hpo-0f8fad5bd9cb469f-003-0a1b2c3d';

/** The DescribeTrainingJob sample of the search's best training job, checked against its response shape. */
function bestJob(billable = 700, training = 1400): any {
  const r = describeTrainingJob(BEST_JOB, { 'validation:auc': 0.91 }, billable, training);
  expectValidResponse('DescribeTrainingJob', r);
  return r;
}

describe('AcceptanceGate', () => {
  test('compares with NumericGreaterThanEquals / GreaterThanOrEqualTo for Maximize and the Less… forms for Minimize', () => {
    const max = AcceptanceGate.forObjective(AUC);
    const min = AcceptanceGate.forObjective(RMSE);
    expect([max.stepFunctionsOperator, max.pipelineConditionType]).toEqual(['NumericGreaterThanEquals', 'GreaterThanOrEqualTo']);
    expect([min.stepFunctionsOperator, min.pipelineConditionType]).toEqual(['NumericLessThanEquals', 'LessThanOrEqualTo']);
    expect(max.pipelineCondition({ Get: 'x' })).toEqual({ Type: 'GreaterThanOrEqualTo', LeftValue: { Get: 'x' }, RightValue: 0.85 });
  });

  test('its Step Functions rule decides exactly as Objective.meets, the boundary included', () => {
    for (const [objective, values] of [[AUC, [0, 0.5, 0.8499, 0.85, 0.8501, 1]], [RMSE, [0, 0.2999, 0.3, 0.3001, 2]]] as const) {
      const gate = AcceptanceGate.forObjective(objective);
      const rule = gate.acceptsCondition('$.v').renderCondition();
      for (const v of values) expect(evalRule(rule, { v })).toBe(objective.meets(v));
      expect(evalRule(rule, {})).toBe(false);
      expect(evalRule(rule, { v: 'NaN' })).toBe(false);
    }
  });

  test('fails when the objective has no target', () => {
    expect(() => AcceptanceGate.forObjective(Objective.maximize('validation:auc', 'auc=([0-9.]+)'))).toThrow(/^SML-ACCEPT: objective.target 'validation:auc': an acceptance gate needs a target/);
  });

  test('fails when the metric name is a token, which the gate cannot write into its paths and messages', () => {
    const name = Lazy.string({ produce: () => 'validation:auc' });
    expect(() => AcceptanceGate.forObjective(Objective.maximize(name, 'auc=([0-9.]+)', { target: 0.8 }))).toThrow(/^SML-ACCEPT: objective.metricName \(a deploy-time value\): must be known at synth time/);
  });
});

describe('the gate after a training job, on sample DescribeTrainingJob outputs', () => {
  const definition = trainMachine(AUC);
  const run = (describe: any) => runAsl(definition, { uuids: ['0f8fad5b-d9cb-469f-a165-70867728950e'], tasks: { Train: describe } });

  test('an objective above the target is accepted; the output records the job, its objective and its billable seconds', () => {
    const r = run(trained({ 'validation:auc': 0.87, 'train:auc': 0.95 }, 1500));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path).toEqual(['Name run', 'Train', 'Objective reported?', 'Meets target?', 'Accept', 'Done']);
    expect(r.output).toEqual({
      acceptedBy: 'training',
      metric: 'validation:auc',
      direction: 'Maximize',
      target: 0.85,
      training: { jobName: 'churn-0f8fad5b-d9cb-469f-a165-70867728950e', objective: [0.87], billableSeconds: 1500, trainingSeconds: 3000 },
    });
  });

  test('the target itself is accepted', () => {
    expect(run(trained({ 'validation:auc': 0.85 })).status).toBe('SUCCEEDED');
  });

  test('below the target the execution fails with a clear cause (SML-ACCEPT)', () => {
    const r = run(trained({ 'validation:auc': 0.8 }));
    expect(r).toMatchObject({
      status: 'FAILED',
      error: 'ObjectiveMissed',
      cause: 'SML-ACCEPT: validation:auc reached 0.8 and the target is at least 0.85: the model is not accepted',
    });
  });

  test('a job that never reported the objective fails as not reported', () => {
    for (const metrics of [{ 'train:auc': 0.99 }, {}] as { [name: string]: number }[]) {
      const r = run(trained(metrics));
      expect(r).toMatchObject({ status: 'FAILED', error: 'ObjectiveNotReported' });
      expect(r.cause).toMatch(/^SML-ACCEPT: the training job reported no numeric value for 'validation:auc'/);
    }
  });

  test('Minimize: at or below the target is accepted, above it fails', () => {
    const d = trainMachine(RMSE);
    expect(d.States['Meets target?'].Choices[0]).toMatchObject({ NumericLessThanEquals: 0.3 });
    const r = (v: number) => runAsl(d, { tasks: { Train: trained({ 'validation:rmse': v }) } });
    expect(r(0.25).status).toBe('SUCCEEDED');
    expect(r(0.3).status).toBe('SUCCEEDED');
    expect(r(0.35)).toMatchObject({ status: 'FAILED', cause: 'SML-ACCEPT: validation:rmse reached 0.35 and the target is at most 0.3: the model is not accepted' });
  });
});

describe('the gate after a tuning job, on sample DescribeHyperParameterTuningJob outputs', () => {
  const definition = machine((stack) => {
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: AUC });
    const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, jobNamePrefix: 'churn-hpo', ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)] });
    new TrainingWorkflow(stack, 'Flow', { tuningJob });
  });
  const run = (describe: any, best: unknown = bestJob()) => runAsl(definition, {
    uuids: ['0f8fad5b-d9cb-469f-a165-70867728950e'],
    tasks: { 'Tune': describe, 'Describe best training job': best },
  });

  test('the best training job\'s objective is compared with the target', () => {
    expect(definition.States['Meets target?'].Choices[0]).toEqual({
      Variable: '$.tuning.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value', NumericGreaterThanEquals: 0.85, Next: 'Search runtime reported?',
    });
  });

  test('a best job above the target is accepted; the output records the search and its resources', () => {
    const r = run(tuned(0.91));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path).toEqual([
      'Name run', 'Name tuning run', 'Tune', 'Objective reported?', 'Meets target?', 'Search runtime reported?', 'Describe best training job',
      'Best job times reported?', 'Accept', 'Done',
    ]);
    expect(r.output).toEqual({
      acceptedBy: 'tuning',
      metric: 'validation:auc',
      direction: 'Maximize',
      target: 0.85,
      tuning: {
        jobName: 'churn-hpo-0f8fad5bd9cb469f',
        bestTrainingJobName: BEST_JOB,
        objective: [0.91],
        trainingJobs: { Completed: 4, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 1 },
        runtimeSeconds: 15000,
        bestBillableSeconds: 700,
        bestTrainingSeconds: 1400,
      },
    });
  });

  test('the best job is described by its name (aws-sdk DescribeTrainingJob, retried), a request valid against the official model', () => {
    const describe = definition.States['Describe best training job'];
    expect(describe.Resource).toBe('arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob');
    expect(describe.Retry).toEqual([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }]);
    const r = run(tuned(0.91));
    expect(r.taskParameters['Describe best training job']).toEqual({ TrainingJobName: BEST_JOB });
    expectValidRequest('sagemaker', 'DescribeTrainingJob', r.taskParameters['Describe best training job']);
  });

  test('a search whose runtime SageMaker does not report records null, and still records the best job', () => {
    const r = run(tuned(0.91, null));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path).toContain('Search runtime unknown');
    expect(r.output.tuning).toMatchObject({ runtimeSeconds: null, bestBillableSeconds: 700, bestTrainingSeconds: 1400 });
  });

  test('a best job that cannot be described leaves its seconds null and does not fail the accepted run', () => {
    const r = run(tuned(0.91), new TaskError('SageMaker.SageMakerException', 'Rate exceeded'));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path).toEqual(expect.arrayContaining(['Describe best training job', 'Best job times unknown', 'Accept']));
    expect(r.output.tuning).toMatchObject({ runtimeSeconds: 15000, bestBillableSeconds: null, bestTrainingSeconds: null });
  });

  test('a best job described without billable time (not in the response) records null rather than failing on the missing path', () => {
    const { BillableTimeInSeconds: _b, TrainingTimeInSeconds: _t, ...partial } = bestJob();
    expectValidResponse('DescribeTrainingJob', partial);
    const r = run(tuned(0.91), partial);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path).toContain('Best job times unknown');
    expect(r.output.tuning).toMatchObject({ bestBillableSeconds: null, bestTrainingSeconds: null });
  });

  test('a best job below the target fails the execution', () => {
    expect(run(tuned(0.8))).toMatchObject({ status: 'FAILED', error: 'ObjectiveMissed', cause: 'SML-ACCEPT: validation:auc reached 0.8 and the target is at least 0.85: the model is not accepted' });
  });

  test('a search without a best job fails as not reported', () => {
    expect(run(tuned(undefined))).toMatchObject({ status: 'FAILED', error: 'ObjectiveNotReported' });
  });
});

describe('SML-BASELINE: a cheap model first', () => {
  const baselineProps = { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/linear:1'), jobNamePrefix: 'churn-linear', objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)'), maxRuntime: Duration.hours(1) };
  const definition = machine((stack) => {
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: AUC });
    new TrainingWorkflow(stack, 'Flow', { trainingJob, baseline: new SustainableTrainingJob(stack, 'Baseline', baselineProps) });
  });
  const base = (v: number | undefined, billable = 300) => ({ ...trained(v === undefined ? {} : { 'validation:auc': v }, billable), TrainingJobName: 'churn-linear-1', TrainingTimeInSeconds: 400 });
  const main = (v: number, billable = 5400) => ({ ...trained({ 'validation:auc': v }, billable), TrainingJobName: 'churn-2' });

  test('when the baseline meets the target, the expensive job never runs and the output records the baseline', () => {
    const r = runAsl(definition, { tasks: { Baseline: base(0.86) } });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path).not.toContain('Train');
    expect(r.path).toEqual(['Name run', 'Baseline', 'Baseline meets target?', 'Accept baseline', 'Done']);
    expect(r.output).toEqual({
      acceptedBy: 'baseline', metric: 'validation:auc', direction: 'Maximize', target: 0.85,
      baseline: { jobName: 'churn-linear-1', objective: [0.86], billableSeconds: 300, trainingSeconds: 400 },
    });
  });

  test('when the baseline misses, the expensive job runs; the output records both objectives and both billable times', () => {
    const r = runAsl(definition, { tasks: { Baseline: base(0.8), Train: main(0.9) } });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({
      acceptedBy: 'training', metric: 'validation:auc', direction: 'Maximize', target: 0.85,
      training: { jobName: 'churn-2', objective: [0.9], billableSeconds: 5400, trainingSeconds: 3000 },
      baseline: { jobName: 'churn-linear-1', objective: [0.8], billableSeconds: 300, trainingSeconds: 400 },
    });
  });

  test('a baseline that reports no objective counts as a miss', () => {
    const r = runAsl(definition, { tasks: { Baseline: base(undefined), Train: main(0.9) } });
    expect(r.path).toContain('Train');
    expect(r.output.baseline.objective).toEqual([]);
  });

  test('when both miss, the execution fails on the expensive job\'s value', () => {
    expect(runAsl(definition, { tasks: { Baseline: base(0.7), Train: main(0.8) } })).toMatchObject({ status: 'FAILED', error: 'ObjectiveMissed', cause: expect.stringContaining('reached 0.8') });
  });

  test('with a tuning job as the expensive job', () => {
    const d = machine((stack) => {
      const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: AUC });
      const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, jobNamePrefix: 'churn-hpo', ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)] });
      new TrainingWorkflow(stack, 'Flow', { tuningJob, baseline: new SustainableTrainingJob(stack, 'Baseline', baselineProps) });
    });
    const met = runAsl(d, { tasks: { Baseline: base(0.9) } });
    expect(met.path).not.toContain('Tune');
    const r = runAsl(d, { tasks: { 'Baseline': base(0.8), 'Tune': tuned(0.88), 'Describe best training job': bestJob(900, 1800) } });
    expect(r.path).toEqual([
      'Name run', 'Baseline', 'Baseline meets target?', 'Name tuning run', 'Tune', 'Objective reported?', 'Meets target?',
      'Search runtime reported?', 'Describe best training job', 'Best job times reported?', 'Accept', 'Done',
    ]);
    // Both objectives and both sides' resources: the gain against the extra resources (issue 3).
    expect(r.output).toEqual({
      acceptedBy: 'tuning', metric: 'validation:auc', direction: 'Maximize', target: 0.85,
      tuning: {
        jobName: expect.stringMatching(/^churn-hpo-[0-9a-f]{16}$/),
        bestTrainingJobName: BEST_JOB,
        objective: [0.88],
        trainingJobs: { Completed: 4, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 1 },
        runtimeSeconds: 15000,
        bestBillableSeconds: 900,
        bestTrainingSeconds: 1800,
      },
      baseline: { jobName: 'churn-linear-1', objective: [0.8], billableSeconds: 300, trainingSeconds: 400 },
    });
    expectValidAsl(d);
  });
});
