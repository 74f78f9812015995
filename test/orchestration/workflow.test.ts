import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { SustainableTrainingJob, SustainableTrainingJobProps, TrainingImage, TrainingWorkflow } from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidAsl, stateMachineDefinitions } from '../support/asl';
import { expectValidCreateTrainingJob } from '../support/requests';

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
      expect(train.Parameters[key]).toEqual(JSON.parse(JSON.stringify(require('../support/api-model').concretize(literal[key]))));
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
