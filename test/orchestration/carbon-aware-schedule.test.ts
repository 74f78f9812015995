/**
 * CarbonAwareSchedule (SML-TIMESHIFT) for TrainingPipeline: an EventBridge Scheduler schedule starts a small state
 * machine that waits for a low-carbon window with the same loop as TrainingWorkflow, then calls
 * StartPipelineExecution. The ASL is executed on sample responses; the request is checked against the API model.
 */
import { Duration, SecretValue } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CarbonAwareSchedule, CarbonIntensitySource, Objective, SustainableTrainingJob, TrainingImage, TrainingPipeline,
} from '../../lib';
import type { CarbonAwareScheduleProps } from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidRequest } from '../support/api-model';
import { expectValidAsl, stateMachineDefinitions } from '../support/asl';
import { runAsl, sequence, TaskError } from '../support/asl-run';
import { dependencyCycles } from '../support/template';

const T0 = '2026-11-20T18:00:00.000Z';
const EXECUTION_ARN = 'arn:aws:sagemaker:us-west-2:123456789012:pipeline/churn-training/execution/0a1b2c3d4e5f';

function setup(props: Partial<CarbonAwareScheduleProps> = {}) {
  const stack = newTestStack();
  const trainingJob = new SustainableTrainingJob(stack, 'Job', {
    image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1'),
    jobNamePrefix: 'churn',
    objective: Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 }),
  });
  const pipeline = new TrainingPipeline(stack, 'Pipeline', { trainingJob, pipelineName: 'churn-training' });
  const connection = new events.Connection(stack, 'CarbonApi', {
    authorization: events.Authorization.apiKey('auth-token', SecretValue.secretsManager('placeholder/electricity-maps-api-key')),
  });
  const schedule = new CarbonAwareSchedule(stack, 'NightlyWhenClean', {
    pipeline,
    schedule: scheduler.ScheduleExpression.cron({ hour: '18', minute: '0' }),
    carbonAwareStart: {
      source: CarbonIntensitySource.electricityMaps({ connection, zone: 'DE' }),
      threshold: 200,
      maxDelay: Duration.hours(12),
      checkEvery: Duration.hours(1),
    },
    ...props,
  });
  const definitions = stateMachineDefinitions(stack);
  const definition = definitions[stack.getLogicalId(schedule.stateMachine.node.defaultChild as any)];
  return { stack, pipeline, schedule, definition, template: Template.fromStack(stack) };
}

function electricityMaps(carbonIntensity: unknown): any {
  return { StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: { zone: 'DE', carbonIntensity, datetime: '2026-11-20T18:00:00.000Z' } };
}

/** A StartPipelineExecution task that checks each request against the official model, and returns an execution ARN. */
function startPipeline(requests: any[]) {
  return (request: any) => {
    for (const model of ['sagemaker', 'sagemaker-1.43.107'] as const) expectValidRequest(model, 'StartPipelineExecution', request);
    requests.push(request);
    return { PipelineExecutionArn: EXECUTION_ARN };
  };
}

function run(definition: any, read: unknown, start: unknown = startPipeline([])) {
  return runAsl(definition, {
    tasks: { 'Read carbon intensity': read, 'Start pipeline execution': start },
    uuids: ['5f0c8c1e-8c7a-4a43-9d59-0c2b1f6c9e11'],
    maxTransitions: 400,
    startTime: T0,
  });
}

describe('CarbonAwareSchedule', () => {
  const { definition, template, stack, schedule } = setup();

  test('the definition is valid ASL: the wait loop, then StartPipelineExecution (SDK integration)', () => {
    expectValidAsl(definition);
    expect(definition.StartAt).toBe('Carbon-aware start');
    for (const s of ['Start: below threshold', 'Start: deadline', 'Start: source failed']) expect(definition.States[s].Next).toBe('Name pipeline execution');
    expect(definition.States['Start pipeline execution']).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:startPipelineExecution',
      Parameters: { 'PipelineName': 'churn-training', 'ClientRequestToken.$': '$.run.clientRequestToken' },
    });
  });

  test('the state machine times out after the longest wait plus an hour', () => {
    // 12 waits of 1 h + 13 checks × (3 × 30 s + 2 × 60 s), + 1 h.
    expect(definition.TimeoutSeconds).toBe(12 * 3600 + 13 * 210 + 3600);
    expect(schedule._carbonAwareStartPlan.maxWaits).toBe(12);
  });

  test('an EventBridge Scheduler schedule starts the state machine with an empty input', () => {
    const machine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 18 * * ? *)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Arn: { Ref: machine }, Input: '{}' }),
    });
  });

  describe('executed on sample responses', () => {
    test('low at once: the pipeline starts now, with the reason in its description', () => {
      const requests: any[] = [];
      const r = run(definition, electricityMaps(150), startPipeline(requests));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.waits).toEqual([]);
      expect(requests).toEqual([{
        PipelineName: 'churn-training',
        ClientRequestToken: '5f0c8c1e-8c7a-4a43-9d59-0c2b1f6c9e11',
        PipelineExecutionDescription: 'Carbon-aware start (SML-TIMESHIFT): BELOW_THRESHOLD, intensity 150 gCO2e/kWh, threshold 200, waited 0 s',
      }]);
      expect(r.output).toEqual({
        carbonAwareStart: { reason: 'BELOW_THRESHOLD', intensity: 150, threshold: 200, waits: 0, waitedSeconds: 0, decidedAt: T0 },
        pipelineExecutionArn: EXECUTION_ARN,
      });
    });

    test('high, then low after two waits: the pipeline starts two hours later', () => {
      const r = run(definition, sequence(electricityMaps(380), electricityMaps(260), electricityMaps(190)));
      expect(r.waits.map((w) => w.seconds)).toEqual([3600, 3600]);
      expect(r.output.carbonAwareStart).toEqual({ reason: 'BELOW_THRESHOLD', intensity: 190, threshold: 200, waits: 2, waitedSeconds: 7200, decidedAt: '2026-11-20T20:00:00.000Z' });
    });

    test('always high: the pipeline starts at maxDelay (12 hours)', () => {
      const r = run(definition, electricityMaps(450));
      expect(r.elapsedSeconds).toBe(12 * 3600);
      expect(r.output.carbonAwareStart).toMatchObject({ reason: 'DEADLINE', intensity: 450, waits: 12, waitedSeconds: 43200 });
      expect(r.output.pipelineExecutionArn).toBe(EXECUTION_ARN);
    });

    test('a source error: the pipeline starts after the retries, with the error recorded', () => {
      const requests: any[] = [];
      const r = run(definition, new TaskError('Events.ConnectionResource.InvalidConnectionState', 'connection not authorized'), startPipeline(requests));
      expect(r.taskCalls['Read carbon intensity']).toBe(3);
      expect(r.output.carbonAwareStart).toMatchObject({
        reason: 'SOURCE_FAILED', intensity: null, waitedSeconds: 120,
        sourceError: { Error: 'Events.ConnectionResource.InvalidConnectionState', Cause: 'connection not authorized' },
      });
      expect(requests[0].PipelineExecutionDescription).toBe('Carbon-aware start (SML-TIMESHIFT): SOURCE_FAILED, intensity null gCO2e/kWh, threshold 200, waited 120 s');
    });

    test('a malformed response: the pipeline starts after the retries, the reason recorded', () => {
      const r = run(definition, electricityMaps(null));
      expect(r.output.carbonAwareStart).toMatchObject({ reason: 'SOURCE_FAILED', sourceError: { Error: 'SML.CarbonIntensityUnreadable' } });
      expect(r.output.pipelineExecutionArn).toBe(EXECUTION_ARN);
    });

    test('a throttled StartPipelineExecution is retried with the same token, so the pipeline runs once', () => {
      const requests: any[] = [];
      const r = run(definition, electricityMaps(100), sequence(new TaskError('SageMaker.ThrottlingException', 'Rate exceeded'), startPipeline(requests)));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.taskCalls['Start pipeline execution']).toBe(2);
      expect(r.waits).toEqual([{ state: 'Start pipeline execution', seconds: 5, kind: 'retry' }]);
      expect(requests).toHaveLength(1);
    });

    test('a StartPipelineExecution that keeps failing fails the execution after 3 attempts', () => {
      const r = run(definition, electricityMaps(100), new TaskError('SageMaker.ResourceNotFoundException', 'Pipeline churn-training does not exist'));
      expect(r).toMatchObject({ status: 'FAILED', error: 'PipelineNotStarted', cause: 'Pipeline churn-training does not exist' });
      expect(r.taskCalls['Start pipeline execution']).toBe(3);
    });
  });

  describe('least privilege', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);

    test('sagemaker:StartPipelineExecution on this pipeline only, and no other SageMaker action for the state machine', () => {
      const sagemaker = statements.filter((s: any) => JSON.stringify(s.Action).includes('sagemaker:') && !JSON.stringify(s.Action).includes('CreateTrainingJob'));
      expect(sagemaker).toEqual([{
        Effect: 'Allow',
        Action: 'sagemaker:StartPipelineExecution',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':pipeline/churn-training']] },
      }]);
    });

    test('the schedule may start this state machine only', () => {
      const machine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
      expect(statements.filter((s: any) => JSON.stringify(s.Action).includes('states:StartExecution'))).toEqual([
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: machine } },
      ]);
    });

    test('the HTTP source: InvokeHTTPEndpoint on this state machine, GET, the Electricity Maps endpoint', () => {
      const machine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
      expect(statements.filter((s: any) => s.Action === 'states:InvokeHTTPEndpoint')).toEqual([{
        Effect: 'Allow', Action: 'states:InvokeHTTPEndpoint', Resource: { Ref: machine },
        Condition: { StringEquals: { 'states:HTTPMethod': 'GET' }, StringLike: { 'states:HTTPEndpoint': 'https://api.electricitymaps.com/v3/carbon-intensity/latest*' } },
      }]);
    });

    test('no dependency cycle', () => {
      expect(dependencyCycles(template.toJSON())).toEqual([]);
    });

    test('cdk-nag AwsSolutions: no unacknowledged finding; execution logs with bounded retention', () => {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v: any) => `${v.ruleName} ${v.violatingResources.map((r: any) => r.constructPath).join(', ')}`)).toEqual([]);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/') });
    });
  });

  test('pipelineParameters go into every run', () => {
    const { definition: d } = setup({ pipelineParameters: { InstanceType: 'ml.m7i.large' } });
    const requests: any[] = [];
    run(d, electricityMaps(10), startPipeline(requests));
    expect(requests[0].PipelineParameters).toEqual([{ Name: 'InstanceType', Value: 'ml.m7i.large' }]);
  });

  test('fails when a pipeline parameter does not exist', () => {
    expect(() => setup({ pipelineParameters: { InstanceTyp: 'ml.m5.large' } })).toThrow(/^SML-MANAGED: pipelineParameters 'InstanceTyp': is not a parameter of the pipeline \(it has 'InstanceType'/);
  });

  test('fails when maxDelay is longer than a day', () => {
    const source = CarbonIntensitySource.fromFunction({ functionArn: 'arn:aws:lambda:us-west-2:123456789012:function:f' } as any);
    expect(() => setup({ carbonAwareStart: { source, threshold: 100, maxDelay: Duration.hours(36) } })).toThrow(/^SML-TIMESHIFT: carbonAwareStart.maxDelay 1 day 12 hours: is longer than 1 day/);
  });

  test('SML-TIMESHIFT: a rate schedule that fires more often than the longest wait warns (runs would overlap)', () => {
    const { stack: s } = setup({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)) });
    expect(Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('^SML-TIMESHIFT: schedule rate\\(6 hours\\) fires more often than the longest wait \\(12 hours\\)'))).toHaveLength(1);
    const { stack: daily } = setup({ schedule: scheduler.ScheduleExpression.rate(Duration.days(1)) });
    expect(Annotations.fromStack(daily).findWarning('*', Match.stringLikeRegexp('^SML-TIMESHIFT'))).toHaveLength(0);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-TIMESHIFT'))).toHaveLength(0);
  });
});
