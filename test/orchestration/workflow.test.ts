import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  HyperparameterRange, Objective, SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob, SustainableTuningJobProps,
  TrainingImage, TrainingInstance, TrainingWorkflow, WarmStart, WarmStartParent, WarmStartType,
} from '../../lib';
import type { TrainingWorkflowProps } from '../../lib';
import { newTestStack } from '../support/app';
import { concretize, expectValidRequest } from '../support/api-model';
import { expectValidAsl, stateMachineDefinitions } from '../support/asl';
import { evalRule, runAsl, stringMatches, TaskError } from '../support/asl-run';
import { expectValidCreateTrainingJob } from '../support/requests';
import { describeTrainingJob, describeTuningJob, expectValidResponse } from '../support/responses';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');

function setup(jobProps: Partial<SustainableTrainingJobProps> = {}, flowProps: object = {}) {
  const stack = newTestStack();
  const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', ...jobProps });
  const flow = new TrainingWorkflow(stack, 'Flow', { trainingJob, ...flowProps });
  const [definition] = Object.values(stateMachineDefinitions(stack));
  return { stack, trainingJob, flow, definition, template: Template.fromStack(stack) };
}

describe('TrainingWorkflow', () => {
  const { definition, template, trainingJob, stack } = setup();
  const train = definition.States.Train;

  test('the definition is valid ASL', () => {
    expectValidAsl(definition);
  });

  test('no unresolved CDK token is left in the definition', () => {
    expect(JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'))).not.toMatch(/Token\[/);
  });

  test('SML-MANAGED: a Standard state machine runs the job with createTrainingJob.sync', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
    expect(train.Resource).toBe('arn:aws:states:::sagemaker:createTrainingJob.sync');
  });

  test('the task parameters are the job\'s own rendered request, with a unique name per execution', () => {
    expect(definition.States['Name run'].Parameters['jobName.$']).toBe("States.Format('churn-{}', States.UUID())");
    expect(train.Parameters['TrainingJobName.$']).toBe('$.run.jobName');
    expect(train.Parameters.CheckpointConfig['S3Uri.$']).toMatch(/^States\.Format\('s3:\/\/.+\/checkpoints\/churn\/\{\}\/', \$\.run\.jobName\)$/);
    const literal = stack.resolve(trainingJob.renderRequest());
    for (const key of ['AlgorithmSpecification', 'ResourceConfig', 'StoppingCondition', 'EnableManagedSpotTraining', 'RetryStrategy', 'Tags']) {
      expect(literal).toHaveProperty([key]); // a key missing from both sides would compare equal
      expect(train.Parameters[key]).toEqual(JSON.parse(JSON.stringify(concretize(literal[key]))));
    }
    // With the name and the per-run path filled in as SageMaker would see them, the request is valid.
    const { 'TrainingJobName.$': _n, ...rest } = train.Parameters;
    const filled = { ...rest, TrainingJobName: 'churn-0f8fad5b-d9cb-469f-a165-70867728950e', CheckpointConfig: { S3Uri: 's3://b/checkpoints/churn/churn-0f8fad5b-d9cb-469f-a165-70867728950e/', LocalPath: '/opt/ml/checkpoints/' } };
    expectValidCreateTrainingJob(stack, filled);
  });

  test('SML-MAXRUN: the execution timeout derives from MaxWait plus one hour', () => {
    expect(definition.TimeoutSeconds).toBe(16 * 3600 + 3600);
  });

  test('SML-LOGS: execution logs at ALL level to a log group with bounded retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/') });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }) });
  });

  test('least-privilege role: SageMaker actions on the job-name prefix, the managed events rule, PassRole only to SageMaker', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('training-job/churn-*');
    expect(policies).toContain('rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } })]) },
    });
    expect(policies).not.toMatch(/"sagemaker:\*"/);
  });

  test('a failed job fails the execution with the cause', () => {
    expect(train.Catch[0]).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Training failed' });
    expect(definition.States['Training failed'].Type).toBe('Fail');
  });

  test('without spot the timeout derives from MaxRuntime', () => {
    const { definition: d } = setup({ spot: false, maxRuntime: Duration.hours(2) });
    expect(d.TimeoutSeconds).toBe(3 * 3600);
    expectValidAsl(d);
  });

  test('log retention is configurable', () => {
    const { template: t } = setup({}, { logRetention: logs.RetentionDays.ONE_WEEK });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('fails when the timeout is shorter than the job can run', () => {
    expect(() => setup({}, { timeout: Duration.hours(1) })).toThrow(/^SML-MAXRUN: timeout 1 hour: is shorter than the job's maxWait \(16 hours\)/);
  });
});

// --- tuning, baseline and the acceptance gate (issue #3) -----------------------------------------------------------

const OBJECTIVE = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const BASE_UUID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** The task results of an accepted tuning run: the search and its best training job. */
function tuningTasks(name = 'x'): { [state: string]: unknown } {
  return {
    'Tune': describeTuningJob(name, 'validation:auc', 0.9),
    'Describe best training job': describeTrainingJob(`${name}-003-0a1b2c3d`, { 'validation:auc': 0.9 }, 700, 1400),
  };
}

/** A ListHyperParameterTuningJobs response listing completed tuning jobs by name, newest first; checked against its shape. */
function listed(...names: string[]): any {
  const response = {
    HyperParameterTuningJobSummaries: names.map((n) => ({
      HyperParameterTuningJobName: n,
      HyperParameterTuningJobArn: `arn:aws:sagemaker:us-west-2:123456789012:hyper-parameter-tuning-job/${n}`,
      HyperParameterTuningJobStatus: 'Completed',
      Strategy: 'Bayesian',
      CreationTime: '2026-11-01T00:00:00Z',
      TrainingJobStatusCounters: {},
      ObjectiveStatusCounters: {},
    })),
  };
  expectValidResponse('ListHyperParameterTuningJobs', response);
  return response;
}

function tunedSetup(tuningProps: Partial<SustainableTuningJobProps> = {}, flowProps: Partial<TrainingWorkflowProps> = {}, jobProps: Partial<SustainableTrainingJobProps> = {}) {
  const stack = newTestStack();
  const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE, ...jobProps });
  const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, jobNamePrefix: 'churn-hpo', ranges: [HyperparameterRange.continuous('eta', 0.001, 0.5)], ...tuningProps });
  const flow = new TrainingWorkflow(stack, 'Flow', { tuningJob, ...flowProps });
  const [definition] = Object.values(stateMachineDefinitions(stack));
  return { stack, trainingJob, tuningJob, flow, definition, template: Template.fromStack(stack) };
}

describe('TrainingWorkflow with a tuning job', () => {
  const { definition, template, tuningJob, flow } = tunedSetup();
  const tune = definition.States.Tune;

  test('the definition is valid ASL', () => {
    expectValidAsl(definition);
  });

  test('SML-MANAGED: the tuning job runs with createHyperParameterTuningJob.sync', () => {
    expect(tune.Resource).toBe('arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync');
    expect(flow.tuningJob).toBe(tuningJob);
    expect(flow.trainingJob).toBe(tuningJob.trainingJob);
  });

  test('each execution names its tuning job <prefix>-<16 hex> (32 characters at most), and the request SageMaker receives is valid', () => {
    expect(definition.States['Name run'].Parameters).toEqual({ 'uuid.$': "States.StringSplit(States.UUID(), '-')" });
    expect(definition.States['Name tuning run'].Parameters['jobName.$']).toBe("States.Format('churn-hpo-{}{}{}', $.run.uuid[0], $.run.uuid[1], $.run.uuid[2])");
    const run = runAsl(definition, { uuids: [UUID], tasks: tuningTasks() });
    expect(run.status).toBe('SUCCEEDED');
    const request = run.taskParameters.Tune;
    expect(request.HyperParameterTuningJobName).toBe('churn-hpo-0f8fad5bd9cb469f');
    expect(request.HyperParameterTuningJobName.length).toBeLessThanOrEqual(32);
    expect(request.TrainingJobDefinition.CheckpointConfig.S3Uri).toMatch(/\/checkpoints\/churn-xgb\/churn-hpo-0f8fad5bd9cb469f\/$/);
    expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', request);
  });

  test('the worst-case name with a 15-character prefix is exactly 32 characters', () => {
    const { definition: d } = tunedSetup({ jobNamePrefix: 'churn-xgb-night' });
    const run = runAsl(d, { uuids: [UUID], tasks: tuningTasks() });
    expect(run.taskParameters.Tune.HyperParameterTuningJobName).toBe('churn-xgb-night-0f8fad5bd9cb469f');
    expect(run.taskParameters.Tune.HyperParameterTuningJobName).toHaveLength(32);
    expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', run.taskParameters.Tune);
  });

  test('the task parameters are the tuning job\'s own rendered request', () => {
    const literal = tuningJob.renderRequest();
    for (const key of ['HyperParameterTuningJobConfig', 'Tags']) {
      expect(literal).toHaveProperty([key]); // a key missing from both sides would compare equal
      expect(tune.Parameters[key]).toEqual(JSON.parse(JSON.stringify(concretize(Stack.of(tuningJob).resolve(literal[key])))));
    }
  });

  test('SML-MAXRUN: the execution timeout derives from the tuning run\'s bound plus one hour', () => {
    expect(definition.TimeoutSeconds).toBe(10 * 16 * 3600 + 3600);
  });

  test('least-privilege role: tuning actions on the tuning-job prefix, the tuning events rule, PassRole only to SageMaker', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('hyper-parameter-tuning-job/churn-hpo-*');
    // The record's DescribeTrainingJob of the best job: the tuning job's training jobs are <tuning job name>-NNN-<8 hex>.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'sagemaker:DescribeTrainingJob',
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':training-job/churn-hpo-\\*$')])] },
        })]),
      },
    });
    expect(policies).toContain('rule/StepFunctionsGetEventsForSageMakerTuningJobsRule');
    expect(policies).toContain('sagemaker:CreateHyperParameterTuningJob');
    expect(policies).toContain('sagemaker:StopHyperParameterTuningJob');
    expect(policies).not.toContain('sagemaker:ListHyperParameterTuningJobs');
    expect(policies).not.toContain('sagemaker:CreateTrainingJob');
    expect(policies).not.toMatch(/"sagemaker:\*"/);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } })]) },
    });
  });

  test('a failed tuning job fails the execution with its cause', () => {
    expect(tune.Catch[0]).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Tuning failed' });
    const run = runAsl(definition, { uuids: [UUID], tasks: { Tune: new TaskError('SageMaker.AmazonSageMakerException', 'ResourceLimitExceeded') } });
    expect(run).toMatchObject({ status: 'FAILED', error: 'TuningFailed', cause: 'ResourceLimitExceeded' });
  });

  test('SML-HPO-WARMSTART: named parents go into the request as they are', () => {
    const { definition: d } = tunedSetup({ warmStart: WarmStart.fromParentNames(['churn-hpo-2026-10'], WarmStartType.TRANSFER_LEARNING) });
    expectValidAsl(d);
    expect(d.States.Tune.Parameters.WarmStartConfig).toEqual({ ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-hpo-2026-10' }], WarmStartType: 'TransferLearning' });
    expect(d.States['Name tuning run'].Next).toBe('Tune');
    expect(Object.keys(d.States).filter((n) => /warm-start|parent/i.test(n))).toEqual([]);
  });

  test('without a target there is no record, so no describe of the best job and no permission for it', () => {
    const { definition: d, template: t } = tunedSetup({}, {}, { objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)') });
    expectValidAsl(d);
    expect(d.States.Tune.Next).toBe('Done');
    expect(d.States['Describe best training job']).toBeUndefined();
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('sagemaker:DescribeTrainingJob');
  });

  describe('SML-HPO-WARMSTART: the previous run, looked up at run time', () => {
    const { definition: d, template: t } = tunedSetup({ warmStart: WarmStart.fromPreviousRun() });
    const run = (list: unknown) => runAsl(d, { uuids: [UUID], tasks: { 'Find warm-start parent 1': list, ...tuningTasks(), 'Tune cold': describeTuningJob('x', 'validation:auc', 0.9) } });

    test('the definition is valid ASL', () => {
      expectValidAsl(d);
    });

    test('the lookup lists the newest completed tuning jobs whose name contains the prefix (aws-sdk integration; the API\'s largest page)', () => {
      const find = d.States['Find warm-start parent 1'];
      expect(find.Resource).toBe('arn:aws:states:::aws-sdk:sagemaker:listHyperParameterTuningJobs');
      expect(find.Parameters).toEqual({ NameContains: 'churn-hpo-', StatusEquals: 'Completed', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 });
      expectValidRequest('sagemaker', 'ListHyperParameterTuningJobs', find.Parameters);
      expect(find.ResultSelector).toEqual({
        'names.$': '$.HyperParameterTuningJobSummaries[*].HyperParameterTuningJobName',
        'count.$': 'States.ArrayLength($.HyperParameterTuningJobSummaries)',
        'cursor': { next: 0 },
      });
      expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).toContain('sagemaker:ListHyperParameterTuningJobs');
    });

    test('a listed name is taken only when it is <prefix>-<id without hyphens>, checked with StringMatches', () => {
      expect(d.States['Parent 1 is a run of churn-hpo?'].Choices[0]).toEqual({
        And: [
          { Variable: '$.warmStart.p0.cursor.name', StringMatches: 'churn-hpo-*' },
          { Not: { Variable: '$.warmStart.p0.cursor.name', StringMatches: 'churn-hpo-*-*' } },
        ],
        Next: 'Tune',
      });
      expect(d.States['Parent 1 is a run of churn-hpo?'].Default).toBe('Candidates left for parent 1?');
      expect(d.States['Candidates left for parent 1?'].Default).toBe('Tune cold');
    });

    test('with a completed parent the run warm-starts from it', () => {
      const r = run(listed('churn-hpo-1a2b3c4d5e6f7a8b'));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.path).toEqual(expect.arrayContaining(['Find warm-start parent 1', 'Take candidate for parent 1', 'Parent 1 is a run of churn-hpo?', 'Tune']));
      expect(r.path).not.toContain('Tune cold');
      expect(r.taskParameters.Tune.WarmStartConfig).toEqual({ ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-hpo-1a2b3c4d5e6f7a8b' }], WarmStartType: 'IdenticalDataAndAlgorithm' });
      expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', r.taskParameters.Tune);
    });

    test('the first run, with no completed parent, starts cold', () => {
      const r = run(listed());
      expect(r.path).toContain('Tune cold');
      expect(r.path).not.toContain('Take candidate for parent 1');
      expect(r.status).toBe('SUCCEEDED');
      expect(r.taskParameters['Tune cold'].WarmStartConfig).toBeUndefined();
      expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', r.taskParameters['Tune cold']);
    });

    test('newer jobs of other prefixes that contain this one (a substring match) are skipped: the newest run of the prefix is the parent', () => {
      // churn-hpo-nightly-… and x-churn-hpo-… contain 'churn-hpo-' but are runs of other prefixes.
      const r = run(listed('x-churn-hpo-1a2b3c4d5e6f7a8b', 'churn-hpo-nightly-1a2b3c4d5e6f', 'churn-hpo-00aa11bb22cc33dd', 'churn-hpo-99aa11bb22cc33dd'));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.path.filter((n) => n === 'Take candidate for parent 1')).toHaveLength(3);
      expect(r.taskParameters.Tune.WarmStartConfig.ParentHyperParameterTuningJobs).toEqual([{ HyperParameterTuningJobName: 'churn-hpo-00aa11bb22cc33dd' }]);
    });

    test('when only other prefixes\' jobs are listed, the run starts cold rather than warm-starting from a stranger', () => {
      const r = run(listed('x-churn-hpo-1a2b3c4d5e6f7a8b', 'churn-hpo-nightly-1a2b3c4d5e6f'));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.path).toContain('Tune cold');
      expect(r.path).not.toContain('Tune');
      expect(r.taskParameters['Tune cold'].WarmStartConfig).toBeUndefined();
    });
  });

  describe('SML-HPO-WARMSTART: a short prefix contained in others (xgb, the reviewer\'s case)', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE });
    const other = new SustainableTuningJob(stack, 'Other', { trainingJob, jobNamePrefix: 'xgb', ranges: [HyperparameterRange.continuous('eta', 0.001, 0.5)] });
    const tuningJob = new SustainableTuningJob(stack, 'Tune', {
      trainingJob,
      jobNamePrefix: 'churn-hpo',
      ranges: [HyperparameterRange.continuous('eta', 0.001, 0.5)],
      warmStart: WarmStart.fromParents([WarmStartParent.previousRun(), WarmStartParent.latestRunOf(other)], WarmStartType.TRANSFER_LEARNING),
    });
    new TrainingWorkflow(stack, 'Flow', { tuningJob });
    const [d] = Object.values(stateMachineDefinitions(stack));
    const run = (own: unknown, xgb: unknown) => runAsl(d, {
      uuids: [UUID],
      tasks: { 'Find warm-start parent 1': own, 'Find warm-start parent 2': xgb, ...tuningTasks(), 'Tune cold': describeTuningJob('x', 'validation:auc', 0.9) },
    });

    test('the definition is valid ASL; each parent has its own lookup and check', () => {
      expectValidAsl(d);
      expect(d.States['Find warm-start parent 2'].Parameters.NameContains).toBe('xgb-');
      expect(d.States['Parent 1 is a run of churn-hpo?'].Choices[0].Next).toBe('Find warm-start parent 2');
      expect(d.States['Parent 2 is a run of xgb?'].Choices[0].Next).toBe('Tune');
    });

    test('churn-xgb-… (newest) is not a run of xgb; the older xgb-… is; both parents go into the request', () => {
      const r = run(listed('churn-hpo-1a2b3c4d5e6f7a8b'), listed('churn-xgb-0123456789abcdef', 'xgb-fedcba9876543210'));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.taskParameters.Tune.WarmStartConfig).toEqual({
        ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-hpo-1a2b3c4d5e6f7a8b' }, { HyperParameterTuningJobName: 'xgb-fedcba9876543210' }],
        WarmStartType: 'TransferLearning',
      });
      expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', r.taskParameters.Tune);
    });

    test('when one parent has no run yet, the run starts cold (as before: all parents or none)', () => {
      const r = run(listed('churn-hpo-1a2b3c4d5e6f7a8b'), listed('churn-xgb-0123456789abcdef'));
      expect(r.path).toContain('Tune cold');
      expect(r.taskParameters['Tune cold'].WarmStartConfig).toBeUndefined();
      const first = run(listed(), listed('xgb-fedcba9876543210'));
      expect(first.path).not.toContain('Find warm-start parent 2');
      expect(first.path).toContain('Tune cold');
    });
  });
});

describe('the ASL test interpreter itself', () => {
  test('StringMatches: * is any run of characters; \\* is a literal star', () => {
    expect(stringMatches('xgb-0123', 'xgb-*')).toBe(true);
    expect(stringMatches('xgb-', 'xgb-*')).toBe(true);
    expect(stringMatches('churn-xgb-0123', 'xgb-*')).toBe(false);
    expect(stringMatches('xgb-a-b', 'xgb-*-*')).toBe(true);
    expect(stringMatches('xgb-ab', 'xgb-*-*')).toBe(false);
    expect(stringMatches('a*b', 'a\\*b')).toBe(true);
    expect(stringMatches('axb', 'a\\*b')).toBe(false);
    expect(stringMatches('a.b', 'a.b')).toBe(true);
    expect(stringMatches('axb', 'a.b')).toBe(false);
  });

  test('*Path comparisons read the second value from the input', () => {
    expect(evalRule({ Variable: '$.i', NumericLessThanPath: '$.n' }, { i: 2, n: 3 })).toBe(true);
    expect(evalRule({ Variable: '$.i', NumericLessThanPath: '$.n' }, { i: 3, n: 3 })).toBe(false);
  });

  test('States.Runtime (a definite path that matches nothing) is not caught by States.ALL, as in Step Functions', () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'x', ResultSelector: { 'v.$': '$.missing' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
        Caught: { Type: 'Succeed' },
      },
    };
    expect(runAsl(definition, { tasks: { T: {} } })).toMatchObject({ status: 'FAILED', error: 'States.Runtime', path: ['T'] });
    expect(runAsl(definition, { tasks: { T: new TaskError('SageMaker.X', 'boom') } })).toMatchObject({ status: 'SUCCEEDED', path: ['T', 'Caught'] });
  });
});

describe('TrainingWorkflow acceptance gate and baseline', () => {
  function gatedSetup(flowProps: Partial<TrainingWorkflowProps> = {}, jobProps: Partial<SustainableTrainingJobProps> = {}) {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE, ...jobProps });
    const flow = new TrainingWorkflow(stack, 'Flow', { trainingJob, ...flowProps });
    const [definition] = Object.values(stateMachineDefinitions(stack));
    return { stack, trainingJob, flow, definition, template: Template.fromStack(stack) };
  }
  function baselineJob(stack: any, props: Partial<SustainableTrainingJobProps> = {}) {
    return new SustainableTrainingJob(stack, 'Baseline', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/linear:1'),
      jobNamePrefix: 'churn-linear',
      objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)'),
      maxRuntime: Duration.hours(1),
      ...props,
    });
  }

  test('SML-ACCEPT: with a target, the training result keeps the objective and a gate follows the job', () => {
    const { definition, flow } = gatedSetup();
    expectValidAsl(definition);
    expect(flow.gate?.target).toBe(0.85);
    expect(definition.States.Train.ResultSelector['Objective.$']).toBe("$.FinalMetricDataList[?(@.MetricName == 'validation:auc')].Value");
    expect(definition.States.Train.Next).toBe('Objective reported?');
    expect(definition.States['Meets target?'].Choices[0]).toEqual({ Variable: '$.training.Objective[0]', NumericGreaterThanEquals: 0.85, Next: 'Accept' });
    expect(definition.States['Objective missed']).toMatchObject({ Type: 'Fail', Error: 'ObjectiveMissed', CausePath: '$.gate.cause' });
  });

  test('without a target there is no gate, as before', () => {
    const { definition } = gatedSetup({}, { objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)') });
    expect(definition.States.Train.Next).toBe('Done');
    expect(definition.States['Meets target?']).toBeUndefined();
  });

  test('SML-ACCEPT: turning the gate off warns and removes it', () => {
    const { definition, stack } = gatedSetup({ acceptanceGate: false });
    expect(definition.States.Train.Next).toBe('Done');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-ACCEPT: acceptanceGate is off'))).toHaveLength(1);
  });

  describe('SML-BASELINE', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE });
    const baseline = baselineJob(stack);
    new TrainingWorkflow(stack, 'Flow', { trainingJob, baseline });
    const [definition] = Object.values(stateMachineDefinitions(stack));
    const template = Template.fromStack(stack);

    test('the definition is valid ASL; the baseline runs first and its request is the baseline\'s own', () => {
      expectValidAsl(definition);
      expect(definition.States['Name run'].Parameters['baselineJobName.$']).toBe("States.Format('churn-linear-{}', States.UUID())");
      expect(definition.States['Name run'].Next).toBe('Baseline');
      expect(definition.States.Baseline.Resource).toBe('arn:aws:states:::sagemaker:createTrainingJob.sync');
      expect(definition.States['Baseline meets target?'].Choices[0]).toEqual({
        And: [
          { Variable: '$.baseline.Objective[0]', IsPresent: true },
          { Variable: '$.baseline.Objective[0]', IsNumeric: true },
          { Variable: '$.baseline.Objective[0]', NumericGreaterThanEquals: 0.85 },
        ],
        Next: 'Accept baseline',
      });
      expect(definition.States['Baseline meets target?'].Default).toBe('Train');
    });

    test('both jobs\' requests, as SageMaker receives them, are valid', () => {
      const run = runAsl(definition, {
        uuids: [BASE_UUID, UUID],
        tasks: { Baseline: describeTrainingJob('b', { 'validation:auc': 0.8 }), Train: describeTrainingJob('t', { 'validation:auc': 0.9 }) },
      });
      expect(run.taskParameters.Baseline.TrainingJobName).toBe(`churn-linear-${BASE_UUID}`);
      expect(run.taskParameters.Train.TrainingJobName).toBe(`churn-xgb-${UUID}`);
      expectValidCreateTrainingJob(stack, run.taskParameters.Baseline);
      expectValidCreateTrainingJob(stack, run.taskParameters.Train);
    });

    test('least privilege covers both prefixes; the timeout covers both jobs', () => {
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(policies).toContain('training-job/churn-linear-*');
      expect(policies).toContain('training-job/churn-xgb-*');
      expect(definition.TimeoutSeconds).toBe(2 * 3600 + 16 * 3600 + 3600);
    });

    test('a failed baseline fails the execution', () => {
      const run = runAsl(definition, { tasks: { Baseline: new TaskError('SageMaker.AmazonSageMakerException', 'CapacityError') } });
      expect(run).toMatchObject({ status: 'FAILED', error: 'BaselineFailed', cause: 'CapacityError' });
    });
  });

  test('fails when both or neither of trainingJob and tuningJob are given', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, objective: OBJECTIVE });
    const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: [HyperparameterRange.continuous('eta', 0.1, 0.3)] });
    expect(() => new TrainingWorkflow(stack, 'Both', { trainingJob, tuningJob })).toThrow(/^SML-MANAGED: trainingJob \+ tuningJob 'both': give exactly one/);
    expect(() => new TrainingWorkflow(stack, 'None', {})).toThrow(/^SML-MANAGED: trainingJob \/ tuningJob 'neither'/);
  });
  test('fails when the gate is forced on without a target', () => {
    expect(() => gatedSetup({ acceptanceGate: true }, { objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)') }))
      .toThrow(/^SML-ACCEPT: acceptanceGate true: needs an objective with a target/);
  });
  test('fails when a baseline is given but the objective has no target', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)') });
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob, baseline: baselineJob(stack) })).toThrow(/^SML-BASELINE: baseline 'TestStack\/Baseline': runs the expensive job only when the baseline misses the target/);
  });
  test('fails when the baseline reports another objective', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, objective: OBJECTIVE });
    const baseline = baselineJob(stack, { objective: Objective.minimize('validation:logloss', 'logloss=([0-9\\.]+)') });
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob, baseline })).toThrow(/^SML-BASELINE: baseline.objective 'validation:logloss \(Minimize\)': must be the main objective 'validation:auc' \(Maximize\)/);
  });
  test('fails when the baseline is the job itself', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, objective: OBJECTIVE });
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob, baseline: trainingJob })).toThrow(/^SML-BASELINE: baseline 'TestStack\/Job': is the job it is meant to spare/);
  });
  test('SML-BASELINE: a baseline that is not cheaper in the worst case warns', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, objective: OBJECTIVE, maxRuntime: Duration.hours(1) });
    new TrainingWorkflow(stack, 'Flow', { trainingJob, baseline: baselineJob(stack, { instanceType: TrainingInstance.G5_XLARGE }) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-BASELINE: the baseline TestStack/Baseline is not cheaper'))).toHaveLength(1);
  });
  test('fails when the timeout is shorter than the tuning run', () => {
    expect(() => tunedSetup({}, { timeout: Duration.hours(24) })).toThrow(/^SML-MAXRUN: timeout 1 day: is shorter than the tuning job's maxRuntime \(6 days 16 hours\)/);
  });
  test('fails when the gate cannot quote the metric name', () => {
    expect(() => gatedSetup({}, { objective: Objective.maximize("val'auc", 'auc=([0-9\\.]+)', { target: 0.8 }) })).toThrow(/^SML-ACCEPT: objective.metricName 'val'auc': contains a quote/);
  });
});
