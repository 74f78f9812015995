/**
 * Carbon-aware start (SML-TIMESHIFT) on TrainingWorkflow: the synthesized ASL is valid and is executed with the test
 * interpreter on sample source responses; every case asserts the execution output's `carbonAwareStart` record.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnParameter, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import {
  CarbonAwareSchedule, CarbonAwareStartReason, CarbonIntensitySource, Footprint, FootprintReport, HyperparameterRange, Objective,
  RegionCarbon, SustainableTrainingJob, SustainableTuningJob, TrainingImage, TrainingPipeline, TrainingWorkflow,
} from '../../lib';
import type { CarbonAwareStartOptions, TrainingWorkflowProps } from '../../lib';
import { carbonAwareWaitIsBounded } from '../../lib/rules/timeshift';
import { newTestStack } from '../support/app';
import { concretize } from '../support/api-model';
import { expectValidAsl, stateMachineDefinitions } from '../support/asl';
import { runAsl, sequence, TaskError } from '../support/asl-run';
import { describeTrainingJob, describeTuningJob } from '../support/responses';
import { dependencyCycles } from '../support/template';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const OBJECTIVE = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });
const URL = 'https://api.electricitymaps.com/v3/carbon-intensity/latest?zone=SE-SE3';
const T0 = '2026-11-20T10:00:00.000Z';

/** An API-key connection whose key is a Secrets Manager placeholder (nothing real). */
function connection(stack: Stack): events.Connection {
  return new events.Connection(stack, 'CarbonApi', {
    authorization: events.Authorization.apiKey('auth-token', SecretValue.secretsManager('placeholder/electricity-maps-api-key')),
    description: 'Electricity Maps API key (placeholder)',
  });
}

function setup(carbon: (stack: Stack) => Partial<CarbonAwareStartOptions> | undefined, flowProps: Partial<TrainingWorkflowProps> = {}) {
  const stack = newTestStack();
  const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
  const c = carbon(stack);
  const carbonAwareStart = c ? {
    source: c.source ?? CarbonIntensitySource.http({ connection: connection(stack), url: URL, path: '$.carbonIntensity' }),
    threshold: 150,
    maxDelay: Duration.hours(6),
    checkEvery: Duration.minutes(30),
    ...c,
  } : undefined;
  const flow = new TrainingWorkflow(stack, 'Flow', { trainingJob, carbonAwareStart, ...flowProps });
  const [definition] = Object.values(stateMachineDefinitions(stack));
  return { stack, flow, definition, template: Template.fromStack(stack) };
}

/** The output of an HTTP Task: status, headers and the JSON body parsed into ResponseBody. */
function http(body: unknown): any {
  return { StatusCode: 200, StatusText: 'OK', Headers: { 'content-type': ['application/json; charset=utf-8'] }, ResponseBody: body };
}
/** An Electricity Maps /v3/carbon-intensity/latest body (shape from https://portal.electricitymaps.com/docs/getting-started). */
function electricityMaps(carbonIntensity: unknown): any {
  return http({ zone: 'SE-SE3', carbonIntensity, datetime: '2026-11-20T10:00:00.000Z', updatedAt: '2026-11-20T09:52:11.000Z', emissionFactorType: 'lifecycle', isEstimated: false });
}
const TRAINED = describeTrainingJob('churn-0f8fad5b-d9cb-469f-a165-70867728950e', { 'validation:auc': 0.9 });

/** The record of a run that started after 3 failed reads and 2 retry waits of a minute (fail open). */
function failedOpenAfterRetries(sourceError: { Error: string; Cause: string }) {
  return { reason: 'SOURCE_FAILED', intensity: null, threshold: 150, waits: 0, waitedSeconds: 120, decidedAt: '2026-11-20T10:02:00.000Z', sourceError };
}

function run(definition: any, read: unknown) {
  return runAsl(definition, { tasks: { 'Read carbon intensity': read, 'Train': TRAINED }, maxTransitions: 400, startTime: T0 });
}

describe('TrainingWorkflow carbonAwareStart (SML-TIMESHIFT)', () => {
  const { definition, template, stack, flow } = setup(() => ({}));

  test('the definition is valid ASL; the wait goes before the training job, after naming the run', () => {
    expectValidAsl(definition);
    expect(definition.States['Name run'].Next).toBe('Carbon-aware start');
    expect(definition.States['Start: below threshold'].Next).toBe('Train');
    expect(definition.States['Start: deadline'].Next).toBe('Train');
    expect(definition.States['Start: source failed'].Next).toBe('Train');
  });

  test('off by default: no carbon states, no HTTP permission, the timeout as before', () => {
    const { definition: d, template: t } = setup(() => undefined);
    expect(Object.keys(d.States).filter((n) => /carbon|threshold|deadline/i.test(n))).toEqual([]);
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('states:InvokeHTTPEndpoint');
    expect(d.TimeoutSeconds).toBe(17 * 3600);
  });

  test('the read is an HTTP Task through the connection: GET, the query string as QueryParameters, bounded by a timeout', () => {
    const read = definition.States['Read carbon intensity'];
    expect(read).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: {
        ApiEndpoint: 'https://api.electricitymaps.com/v3/carbon-intensity/latest',
        Method: 'GET',
        QueryParameters: { zone: 'SE-SE3' },
        InvocationConfig: { ConnectionArn: expect.any(String) },
      },
      TimeoutSeconds: 30,
      ResultPath: '$.carbonAwareStart.reading',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.carbonAwareStart.error', Next: 'Carbon source failed' }],
    });
    expect(definition.States['Carbon intensity readable?'].Choices[0].And).toEqual([
      { Variable: '$.carbonAwareStart.reading.ResponseBody.carbonIntensity', IsPresent: true },
      { Variable: '$.carbonAwareStart.reading.ResponseBody.carbonIntensity', IsNumeric: true },
    ]);
    expect(definition.States['At or below threshold?'].Choices[0]).toMatchObject({ NumericLessThanEqualsPath: '$.carbonAwareStart.threshold' });
    expect(definition.States['Carbon-aware start'].Result).toEqual({ count: { waits: 0, failures: 0, waitedSeconds: 0 }, threshold: 150 });
  });

  test('the execution timeout grows by the longest the wait can take: maxDelay, plus every read timing out and retrying', () => {
    // 12 waits of 30 min (maxDelay 6 h) + 13 checks × (3 reads × 30 s + 2 retry waits × 60 s) = 21,600 + 2,730 s.
    expect(definition.TimeoutSeconds).toBe(17 * 3600 + 21600 + 2730);
    expect(flow.carbonAwareStart?.threshold).toBe(150);
  });

  describe('executed on sample responses', () => {
    test('low at once: starts without waiting', () => {
      const r = run(definition, electricityMaps(120));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.waits).toEqual([]);
      expect(r.taskCalls).toEqual({ 'Read carbon intensity': 1, 'Train': 1 });
      expect(r.path.slice(0, 6)).toEqual(['Name run', 'Carbon-aware start', 'Read carbon intensity', 'Carbon intensity readable?', 'At or below threshold?', 'Start: below threshold']);
      expect(r.output.carbonAwareStart).toEqual({ reason: 'BELOW_THRESHOLD', intensity: 120, threshold: 150, waits: 0, waitedSeconds: 0, decidedAt: T0 });
      expect(r.output.acceptedBy).toBe('training');
    });

    test('at the threshold exactly: starts (at or below)', () => {
      expect(run(definition, electricityMaps(150)).output.carbonAwareStart.reason).toBe(CarbonAwareStartReason.BELOW_THRESHOLD);
    });

    test('high, then low after two waits: starts at the third reading, one hour later', () => {
      const r = run(definition, sequence(electricityMaps(310), electricityMaps(240), electricityMaps(95)));
      expect(r.waits).toEqual([
        { state: 'Wait for a lower-carbon window', seconds: 1800, kind: 'wait' },
        { state: 'Wait for a lower-carbon window', seconds: 1800, kind: 'wait' },
      ]);
      expect(r.taskCalls['Read carbon intensity']).toBe(3);
      expect(r.output.carbonAwareStart).toEqual({ reason: 'BELOW_THRESHOLD', intensity: 95, threshold: 150, waits: 2, waitedSeconds: 3600, decidedAt: '2026-11-20T11:00:00.000Z' });
    });

    test('always high: starts at maxDelay (12 waits of 30 minutes = 6 hours), with the last reading', () => {
      const r = run(definition, electricityMaps(420));
      expect(r.status).toBe('SUCCEEDED');
      expect(r.waits).toHaveLength(12);
      expect(r.elapsedSeconds).toBe(6 * 3600);
      expect(r.taskCalls).toEqual({ 'Read carbon intensity': 13, 'Train': 1 });
      expect(r.output.carbonAwareStart).toEqual({ reason: 'DEADLINE', intensity: 420, threshold: 150, waits: 12, waitedSeconds: 21600, decidedAt: '2026-11-20T16:00:00.000Z' });
    });

    test('a source error: starts after the retries (3 reads, 2 retry waits), with the error recorded', () => {
      const error = new TaskError('States.Http.StatusCode.503', 'HTTP 503 Service Unavailable');
      const r = run(definition, error);
      expect(r.status).toBe('SUCCEEDED');
      expect(r.taskCalls).toEqual({ 'Read carbon intensity': 3, 'Train': 1 });
      expect(r.waits).toEqual([
        { state: 'Wait before retrying', seconds: 60, kind: 'wait' },
        { state: 'Wait before retrying', seconds: 60, kind: 'wait' },
      ]);
      expect(r.output.carbonAwareStart).toEqual(failedOpenAfterRetries({ Error: 'States.Http.StatusCode.503', Cause: 'HTTP 503 Service Unavailable' }));
    });

    test('a source error that clears on the retry: the reading counts', () => {
      const r = run(definition, sequence(new TaskError('States.Timeout', 'timed out'), electricityMaps(80)));
      expect(r.output.carbonAwareStart).toMatchObject({ reason: 'BELOW_THRESHOLD', intensity: 80, waits: 0, waitedSeconds: 60 });
    });

    test('failures are counted per check: a failure after waiting starts with the waits so far', () => {
      const e = new TaskError('Events.ConnectionResource.AccessDenied', 'denied');
      // high, (wait) failure, retry: high, (wait) failure ×3: the retries of the first check do not count against the second.
      const r = run(definition, sequence(electricityMaps(300), e, electricityMaps(300), e, e, e));
      expect(r.taskCalls['Read carbon intensity']).toBe(6);
      expect(r.output.carbonAwareStart).toMatchObject({ reason: 'SOURCE_FAILED', intensity: null, waits: 2, waitedSeconds: 2 * 1800 + 3 * 60 });
    });

    test.each([
      ['the value is null', electricityMaps(null)],
      ['the value is a string', electricityMaps('120')],
      ['the field is missing', http({ zone: 'SE-SE3', error: 'zone not found' })],
      ['the body is not JSON', http('<html>Bad gateway</html>')],
    ])('a malformed response (%s): treated as a failed read, retried, then starts with the reason', (_case, response) => {
      const r = run(definition, response);
      expect(r.status).toBe('SUCCEEDED');
      expect(r.taskCalls['Read carbon intensity']).toBe(3);
      expect(r.path).toContain('Carbon source unreadable');
      expect(r.output.carbonAwareStart).toEqual(failedOpenAfterRetries({ Error: 'SML.CarbonIntensityUnreadable', Cause: "no number at $.ResponseBody.carbonIntensity in the source's result" }));
    });

    test('with sourceRetries 0 a failed read starts the run at once', () => {
      const { definition: d } = setup(() => ({ sourceRetries: 0 }));
      const r = run(d, new TaskError('States.Http.StatusCode.500', 'boom'));
      expect(r.taskCalls['Read carbon intensity']).toBe(1);
      expect(r.output.carbonAwareStart).toMatchObject({ reason: 'SOURCE_FAILED', waitedSeconds: 0 });
    });

    test('maxDelay that is not a multiple of checkEvery: never waits longer than maxDelay', () => {
      const { definition: d } = setup(() => ({ maxDelay: Duration.minutes(100), checkEvery: Duration.minutes(30) }));
      const r = run(d, electricityMaps(500));
      expect(r.output.carbonAwareStart).toMatchObject({ reason: 'DEADLINE', waits: 3, waitedSeconds: 5400 });
    });
  });

  describe('least privilege', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const machine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const conn = Object.keys(template.findResources('AWS::Events::Connection'))[0];

    test('states:InvokeHTTPEndpoint on this state machine only, GET only, to the endpoint only', () => {
      const invoke = statements.filter((s: any) => [s.Action].flat().includes('states:InvokeHTTPEndpoint'));
      expect(invoke).toEqual([{
        Effect: 'Allow',
        Action: 'states:InvokeHTTPEndpoint',
        Resource: { Ref: machine },
        Condition: {
          StringEquals: { 'states:HTTPMethod': 'GET' },
          StringLike: { 'states:HTTPEndpoint': 'https://api.electricitymaps.com/v3/carbon-intensity/latest*' },
        },
      }]);
    });

    test('events:RetrieveConnectionCredentials on the connection; read-only access to its secret only', () => {
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'events:RetrieveConnectionCredentials', Resource: { 'Fn::GetAtt': [conn, 'Arn'] } });
      expect(statements).toContainEqual({ Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { 'Fn::GetAtt': [conn, 'SecretArn'] } });
      expect(JSON.stringify(statements)).not.toMatch(/secretsmanager:(?!GetSecretValue|DescribeSecret)/);
    });

    test('no dependency cycle: the HTTP policy is its own resource, after the state machine', () => {
      expect(dependencyCycles(template.toJSON())).toEqual([]);
    });

    test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v: any) => `${v.ruleName} ${v.violatingResources.map((r: any) => r.constructPath).join(', ')}`)).toEqual([]);
    });
  });
});

describe('CarbonIntensitySource', () => {
  test('fromFunction: lambda:invoke with an empty payload; { gCO2PerKWh } read from the Payload', () => {
    let fnArn = '';
    const { definition, template, stack } = setup((s) => {
      const fn = lambda.Function.fromFunctionArn(s, 'Intensity', 'arn:aws:lambda:us-west-2:123456789012:function:grid-intensity');
      fnArn = fn.functionArn;
      return { source: CarbonIntensitySource.fromFunction(fn) };
    });
    expectValidAsl(definition);
    expect(definition.States['Read carbon intensity']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fnArn, Payload: {} },
    });
    const invoke = (payload: unknown) => ({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload });
    const low = run(definition, invoke({ gCO2PerKWh: 42 }));
    expect(low.output.carbonAwareStart).toMatchObject({ reason: 'BELOW_THRESHOLD', intensity: 42 });
    const broken = run(definition, invoke({ intensity: 42 }));
    expect(broken.output.carbonAwareStart).toMatchObject({ reason: 'SOURCE_FAILED', sourceError: { Error: 'SML.CarbonIntensityUnreadable' } });
    const failing = run(definition, new TaskError('Lambda.ServiceException', 'x'));
    expect(failing.output.carbonAwareStart).toMatchObject({ reason: 'SOURCE_FAILED', sourceError: { Error: 'Lambda.ServiceException' } });

    // lambda:InvokeFunction on the function only (not its versions), and no HTTP permission.
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s: any) => [s.Action].flat().includes('lambda:InvokeFunction'))).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-west-2:123456789012:function:grid-intensity' },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/InvokeHTTPEndpoint|RetrieveConnectionCredentials|secretsmanager/);
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v: any) => v.ruleName)).toEqual([]);
  });

  test('electricityMaps preset: the documented endpoint, zone and field', () => {
    const { definition } = setup((s) => ({ source: CarbonIntensitySource.electricityMaps({ connection: connection(s), zone: 'DE' }) }));
    expect(definition.States['Read carbon intensity'].Parameters).toMatchObject({
      ApiEndpoint: 'https://api.electricitymaps.com/v3/carbon-intensity/latest',
      QueryParameters: { zone: 'DE', shouldUseFallbackCallerLookup: 'false' },
    });
    expect(run(definition, electricityMaps(140)).output.carbonAwareStart.intensity).toBe(140);
  });

  test('greatBritain preset: the national forecast of the current half hour', () => {
    const { definition } = setup((s) => ({ source: CarbonIntensitySource.greatBritain({ connection: connection(s) }) }));
    expectValidAsl(definition);
    expect(definition.States['Read carbon intensity'].Parameters.ApiEndpoint).toBe('https://api.carbonintensity.org.uk/intensity');
    // Example response of GET /intensity (https://carbon-intensity.github.io/api-definitions/).
    const gb = http({ data: [{ from: '2018-01-20T12:00Z', to: '2018-01-20T12:30Z', intensity: { forecast: 266, actual: 263, index: 'moderate' } }] });
    expect(run(definition, gb).output.carbonAwareStart).toMatchObject({ reason: 'DEADLINE', intensity: 266 });
    const empty = http({ data: [] });
    expect(run(definition, empty).output.carbonAwareStart.reason).toBe('SOURCE_FAILED');
  });

  test('fails when the path is not a plain JSONPath to one value', () => {
    for (const path of ['carbonIntensity', '$..carbonIntensity', '$.data[*].value', '$']) {
      expect(() => CarbonIntensitySource.http({ connection: {} as any, url: URL, path })).toThrow(/^SML-TIMESHIFT: carbonAwareStart.source path '.*': must be a plain JSONPath/);
    }
  });

  test('fails when the URL is not https', () => {
    expect(() => CarbonIntensitySource.http({ connection: {} as any, url: 'http://example.com/x', path: '$.v' })).toThrow(/^SML-TIMESHIFT: carbonAwareStart.source url 'http:\/\/example.com\/x': must be an https:\/\/ URL/);
  });
});

describe('carbonAwareStart with a baseline and with tuning', () => {
  test('after a baseline that missed its target, before the training job; an accepted baseline never waits', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE });
    const baseline = new SustainableTrainingJob(stack, 'Baseline', {
      image: IMAGE, jobNamePrefix: 'churn-linear', objective: Objective.maximize('validation:auc', 'auc=([0-9\\.]+)'), maxRuntime: Duration.hours(1),
    });
    new TrainingWorkflow(stack, 'Flow', {
      trainingJob, baseline,
      carbonAwareStart: { source: CarbonIntensitySource.electricityMaps({ connection: connection(stack), zone: 'SE-SE3' }), threshold: 100, maxDelay: Duration.hours(2) },
    });
    const [definition] = Object.values(stateMachineDefinitions(stack));
    expectValidAsl(definition);
    expect(definition.States['Baseline meets target?'].Default).toBe('Carbon-aware start');
    const tasks = (baselineAuc: number) => ({
      'Baseline': describeTrainingJob('churn-linear-1', { 'validation:auc': baselineAuc }, 100, 200),
      'Read carbon intensity': electricityMaps(60),
      'Train': describeTrainingJob('churn-xgb-1', { 'validation:auc': 0.9 }),
    });
    const accepted = runAsl(definition, { tasks: tasks(0.9), maxTransitions: 400 });
    expect(accepted.output.acceptedBy).toBe('baseline');
    expect(accepted.taskCalls['Read carbon intensity']).toBeUndefined();
    const missed = runAsl(definition, { tasks: tasks(0.7), maxTransitions: 400, startTime: T0 });
    expect(missed.output.acceptedBy).toBe('training');
    expect(missed.output.carbonAwareStart).toMatchObject({ reason: 'BELOW_THRESHOLD', intensity: 60, threshold: 100 });
    // Job (MaxWait 16 h) + baseline (MaxWait 2 h) + 1 h, plus the default checkEvery (30 minutes) and retries (2, 1
    // minute apart): 4 waits of 30 min and 5 checks × 210 s.
    expect(definition.TimeoutSeconds).toBe(16 * 3600 + 2 * 3600 + 3600 + 4 * 1800 + 5 * 210);
  });

  test('before the tuning job', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE });
    const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, jobNamePrefix: 'churn-hpo', ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)] });
    new TrainingWorkflow(stack, 'Flow', {
      tuningJob,
      carbonAwareStart: { source: CarbonIntensitySource.electricityMaps({ connection: connection(stack), zone: 'SE-SE3' }), threshold: 100, maxDelay: Duration.hours(1) },
    });
    const [definition] = Object.values(stateMachineDefinitions(stack));
    expectValidAsl(definition);
    expect(definition.States['Name run'].Next).toBe('Carbon-aware start');
    expect(definition.States['Start: deadline'].Next).toBe('Name tuning run');
    const r = runAsl(definition, {
      tasks: {
        'Read carbon intensity': electricityMaps(300),
        'Tune': describeTuningJob('churn-hpo-x', 'validation:auc', 0.9),
        'Describe best training job': describeTrainingJob('churn-hpo-x-003-0a1b2c3d', { 'validation:auc': 0.9 }),
      },
      maxTransitions: 400,
    });
    expect(r.output.acceptedBy).toBe('tuning');
    expect(r.output.carbonAwareStart).toMatchObject({ reason: 'DEADLINE', waits: 2, waitedSeconds: 3600 });
  });
});

describe('carbonAwareStart refusals', () => {
  test('fails when maxDelay is longer than a day', () => {
    expect(() => setup(() => ({ maxDelay: Duration.hours(25) }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.maxDelay 1 day 1 hour: is longer than 1 day.*Fix: wait at most Duration.days\(1\).*\(SUS03-BP01\)$/s);
  });

  test('a maxDelay of exactly one day is accepted', () => {
    expect(() => setup(() => ({ maxDelay: Duration.days(1) }))).not.toThrow();
  });

  test('fails when checkEvery is shorter than five minutes', () => {
    expect(() => setup(() => ({ checkEvery: Duration.minutes(1) }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.checkEvery 1 minute: is shorter than 5 minutes/);
  });

  test('fails when checkEvery is longer than maxDelay', () => {
    expect(() => setup(() => ({ maxDelay: Duration.hours(1), checkEvery: Duration.hours(2) }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.checkEvery 2 hours: is longer than maxDelay \(1 hour\)/);
  });

  test.each([-1, 1.5, 11])('fails when sourceRetries is %p', (sourceRetries) => {
    expect(() => setup(() => ({ sourceRetries }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.sourceRetries .*: must be a whole number from 0 to 10/);
  });

  test.each([-5, Number.NaN])('fails when the threshold is %p', (threshold) => {
    expect(() => setup(() => ({ threshold }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.threshold .*: must be a number of gCO2e\/kWh ≥ 0/);
  });

  test('a deploy-time threshold is compared at run time (an info note says what is not checked at synth)', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
    const threshold = new CfnParameter(stack, 'T', { type: 'Number' }).valueAsNumber;
    new TrainingWorkflow(stack, 'Flow', { trainingJob, carbonAwareStart: { source: CarbonIntensitySource.electricityMaps({ connection: connection(stack), zone: 'DE' }), threshold, maxDelay: Duration.hours(2) } });
    // The definition joins the parameter in, unquoted: a number at run time.
    const joined = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'))[0].Properties.DefinitionString['Fn::Join'][1];
    const at = joined.findIndex((part: unknown) => JSON.stringify(part) === '{"Ref":"T"}');
    expect(joined[at - 1]).toMatch(/"threshold":$/);
    expect(joined[at + 1]).toMatch(/^}/);
    // With the parameter set to 150 the definition is valid ASL and compares with it.
    const definition = JSON.parse(joined.map((part: unknown) => (typeof part === 'string' ? part : JSON.stringify(part) === '{"Ref":"T"}' ? '150' : String(concretize(part)))).join(''));
    expectValidAsl(definition);
    expect(run(definition, electricityMaps(140)).output.carbonAwareStart).toMatchObject({ reason: 'BELOW_THRESHOLD', threshold: 150 });
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('^SML-TIMESHIFT: carbonAwareStart.threshold is a token'))).toHaveLength(1);
  });

  test('fails, saying why, when a duration or the retries are deploy-time values', () => {
    expect(() => setup((s) => ({ maxDelay: Duration.seconds(new CfnParameter(s, 'D', { type: 'Number' }).valueAsNumber) }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.maxDelay .*: must be known at synth time: the number of checks and the execution timeout are computed from it/);
    expect(() => setup((s) => ({ sourceRetries: new CfnParameter(s, 'R', { type: 'Number' }).valueAsNumber }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.sourceRetries .*: must be known at synth time/);
  });

  test('fails, naming the type expected, when plain JavaScript passes a string threshold or a number of seconds', () => {
    expect(() => setup(() => ({ threshold: '150' as any }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.threshold '150': must be a number, and it is a string. Fix: write 150 without quotes/);
    expect(() => setup(() => ({ maxDelay: 3600 as any }))).toThrow(/^SML-TIMESHIFT: carbonAwareStart.maxDelay 3600: must be a Duration, and it is a number. Fix: write Duration.seconds\(3600\)/);
  });

  test('fails when the timeout does not cover the carbon-aware wait', () => {
    expect(() => setup(() => ({}), { timeout: Duration.hours(18) })).toThrow(/^SML-MAXRUN: timeout 18 hours: is shorter than the job's maxWait \(16 hours\) plus the carbon-aware start's longest wait \(6 hours 45 minutes\)/);
  });

  test('the README shows the refusal as the library words it', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const shown = /A `maxDelay` longer than one day is refused:\n\n```\n([\s\S]*?)\n```/.exec(readme)![1].replace(/\n/g, ' ');
    expect(() => setup(() => ({ maxDelay: Duration.days(2) }))).toThrow(shown);
  });

  test('the refusal id is in the registry with its Well-Architected reference', () => {
    expect(() => setup(() => ({ maxDelay: Duration.days(2) }))).toThrow(expect.objectContaining({ ruleId: 'SML-TIMESHIFT' }));
  });
});

describe('the ASL test interpreter: Wait, Retry and the context object', () => {
  test('Wait (Seconds, SecondsPath) sleeps on a simulated clock that $$.State.EnteredTime reads', () => {
    const definition = {
      StartAt: 'W1',
      States: {
        W1: { Type: 'Wait', Seconds: 90, Next: 'W2' },
        W2: { Type: 'Wait', SecondsPath: '$.s', Next: 'P' },
        P: { Type: 'Pass', Parameters: { 'at.$': '$$.State.EnteredTime', 'from.$': '$$.Execution.StartTime', 'n.$': "States.Format('{}', $$.Execution.Name)" }, End: true },
      },
    };
    const r = runAsl(definition, { input: { s: 30 }, startTime: T0, executionName: 'exec-1' });
    expect(r.waits).toEqual([{ state: 'W1', seconds: 90, kind: 'wait' }, { state: 'W2', seconds: 30, kind: 'wait' }]);
    expect(r.output).toEqual({ at: '2026-11-20T10:02:00.000Z', from: T0, n: 'exec-1' });
    expect(runAsl(definition, { input: { s: -1 } })).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  test('Retry: IntervalSeconds × BackoffRate^n per attempt, MaxAttempts, then the Catch; never for States.Runtime', () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task', Resource: 'x',
          Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 3 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.e', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    };
    const busy = new TaskError('Busy', 'later');
    const gaveUp = runAsl(definition, { tasks: { T: busy } });
    expect(gaveUp.taskCalls.T).toBe(4);
    expect(gaveUp.waits.map((w) => w.seconds)).toEqual([2, 6, 18]);
    expect(gaveUp.path).toEqual(['T', 'T', 'T', 'T', 'Caught']);
    expect(runAsl(definition, { tasks: { T: sequence(busy, { ok: 1 }) } })).toMatchObject({ status: 'SUCCEEDED', output: { ok: 1 }, taskCalls: { T: 2 } });
    expect(runAsl(definition, { tasks: { T: new TaskError('Other', 'x') } }).taskCalls.T).toBe(1);
    expect(runAsl(definition, { tasks: { T: new TaskError('States.Runtime', 'x') } })).toMatchObject({ status: 'FAILED', error: 'States.Runtime', taskCalls: { T: 1 } });
  });
});

describe('the footprint report: emissions at the threshold beside the region\'s average (an estimate)', () => {
  function concrete(region: string) {
    const stack = newTestStack({ env: { account: '123456789012', region } });
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
    const flow = new TrainingWorkflow(stack, 'Flow', {
      trainingJob,
      carbonAwareStart: { source: CarbonIntensitySource.electricityMaps({ connection: connection(stack), zone: 'US-NW-PACW' }), threshold: 150, maxDelay: Duration.hours(6) },
    });
    return { stack, flow };
  }

  test('a workflow with a threshold: worst-case kWh × the threshold beside kWh × the region\'s factor', () => {
    const { flow } = concrete('us-west-2');
    const run = Footprint.ofWorkflow(flow);
    const factor = RegionCarbon.of('us-west-2').kgCo2ePerKwh!;
    expect(run.worstCaseKwh).toBeGreaterThan(0);
    expect(run.carbonAwareStart).toEqual({
      thresholdGCo2ePerKwh: 150,
      worstCaseKgCo2eAtThreshold: run.worstCaseKwh! * 0.15,
      expectedKgCo2eAtThreshold: run.expectedKwh! * 0.15,
      regionAverageKgCo2ePerKwh: factor,
      worstCaseKgCo2eAtRegionAverage: run.worstCaseKgCo2e,
      note: expect.stringMatching(/^estimate: a run started below the threshold starts at that intensity; the grid can change while it runs/),
    });
    // Without carbonAwareStart there is no such figure.
    const plain = newTestStack({ env: { account: '123456789012', region: 'us-west-2' } });
    const job = new SustainableTrainingJob(plain, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
    expect(Footprint.ofWorkflow(new TrainingWorkflow(plain, 'Flow', { trainingJob: job })).carbonAwareStart).toBeUndefined();
  });

  test('the terminal table and the Markdown report show the line, labelled as an estimate', () => {
    const { stack, flow } = concrete('us-west-2');
    const c = Footprint.ofWorkflow(flow).carbonAwareStart!;
    const fmt = (x: number) => String(Number(x.toPrecision(3)));
    const line = `carbon-aware start (SML-TIMESHIFT), an estimate: at the 150 gCO2e/kWh threshold ${fmt(c.worstCaseKgCo2eAtThreshold!)} kgCO2e worst case, ${fmt(c.expectedKgCo2eAtThreshold!)} expected; `
      + `at the region's average (${fmt(c.regionAverageKgCo2ePerKwh!)} kgCO2e/kWh) ${fmt(c.worstCaseKgCo2eAtRegionAverage!)} kgCO2e worst case`;
    expect(FootprintReport.format(stack)).toContain(`    ${line}`);
    expect(FootprintReport.markdown(stack)).toContain(`${line}. Estimate: a run started below the threshold`);
  });

  test('an environment-agnostic stack: the threshold figure, and the region\'s average known only at deploy time', () => {
    const { flow } = setup(() => ({}));
    const c = Footprint.ofWorkflow(flow).carbonAwareStart!;
    expect(c.thresholdGCo2ePerKwh).toBe(150);
    expect(c.worstCaseKgCo2eAtThreshold).toBeGreaterThan(0);
    expect(c.regionAverageKgCo2ePerKwh).toBeUndefined();
    expect(c.note).toMatch(/region's average: set at deploy time$/);
  });

  test('a pipeline started by a CarbonAwareSchedule gets the line too (the highest threshold of its schedules)', () => {
    const stack = newTestStack({ env: { account: '123456789012', region: 'eu-north-1' } });
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
    const pipeline = new TrainingPipeline(stack, 'Pipe', { trainingJob, pipelineName: 'churn' });
    const source = CarbonIntensitySource.electricityMaps({ connection: connection(stack), zone: 'SE-SE3' });
    for (const [id, threshold] of [['Evening', 40], ['Night', 25]] as const) {
      new CarbonAwareSchedule(stack, id, { pipeline, schedule: scheduler.ScheduleExpression.cron({ hour: '18', minute: '0' }), carbonAwareStart: { source, threshold, maxDelay: Duration.hours(12) } });
    }
    const run = FootprintReport.of(stack).runs.find((r) => r.kind === 'pipeline')!;
    expect(run.carbonAwareStart).toMatchObject({ thresholdGCo2ePerKwh: 40, regionAverageKgCo2ePerKwh: RegionCarbon.of('eu-north-1').kgCo2ePerKwh });
    expect(run.carbonAwareStart!.note).toMatch(/the highest of 2 schedules' thresholds/);
  });
});

describe('SML-TIMESHIFT predicate (lib/rules/timeshift.ts): the bounds the constructs refuse', () => {
  test('bounded waits pass; each finding names its setting', () => {
    expect(carbonAwareWaitIsBounded(6 * 3600, 1800)).toEqual([]);
    expect(carbonAwareWaitIsBounded(86400, 300)).toEqual([]);
    expect(carbonAwareWaitIsBounded(86401, 299).map((f) => [f.ruleId, f.level, f.setting])).toEqual([
      ['SML-TIMESHIFT', 'error', 'maxDelay'], ['SML-TIMESHIFT', 'error', 'checkEvery'],
    ]);
    expect(carbonAwareWaitIsBounded(3600, 7200)[0].message).toBe('is longer than maxDelay (1 hour), so the run could never wait for a second reading');
  });
});
