import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SustainableTrainingJob, TrainingImage, TrainingPipeline, TrainingWorkflow } from '../../lib';
import { derivedLogGroupName } from '../../lib/storage/log-group-name';
import { newTestApp } from '../support/app';

/** CloudWatch Logs logGroupName: 1–512 characters of [.-_/#A-Za-z0-9] (CreateLogGroup API reference). */
const VALID = /^[.\-_/#A-Za-z0-9]{1,512}$/;

function workflowLogGroupName(stack: Stack, id: string): unknown {
  const trainingJob = new SustainableTrainingJob(stack, `${id}Job`, { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1'), jobNamePrefix: 'churn' });
  new TrainingWorkflow(stack, id, { trainingJob });
  const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
  return Object.values(groups).map((g: any) => g.Properties.LogGroupName).find((n) => JSON.stringify(n).includes('vendedlogs'));
}

describe('log group names derived from construct ids', () => {
  test('a unicode/emoji construct id gives a valid log group name (the characters the API refuses are dropped)', () => {
    const stack = new Stack(newTestApp(), 'Stack');
    const name = workflowLogGroupName(stack, 'Flöw-🚀 nightly');
    expect(name).toMatch(VALID);
    expect(name).toMatch(/^\/aws\/vendedlogs\/states\/Stack-Flw-nightly-[0-9a-f]{8}$/);
  });

  test('hyphens left at the edge of a cleaned part are dropped', () => {
    const stack = new Stack(newTestApp(), 'Stack');
    expect(workflowLogGroupName(stack, 'Flöw-🚀')).toMatch(/^\/aws\/vendedlogs\/states\/Stack-Flw-[0-9a-f]{8}$/);
  });

  test('an id made only of characters the API refuses still gives a valid, unique name', () => {
    const stack = new Stack(newTestApp(), 'Stack');
    expect(workflowLogGroupName(stack, '🚀🚀')).toMatch(/^\/aws\/vendedlogs\/states\/Stack-[0-9a-f]{8}$/);
  });

  test('an ASCII id keeps the name it had (no replacement of existing log groups)', () => {
    const stack = new Stack(newTestApp(), 'SustainableMlExample');
    const name = workflowLogGroupName(stack, 'ChurnTraining');
    expect(name).toMatch(/^\/aws\/vendedlogs\/states\/SustainableMlExample-ChurnTraining-[0-9a-f]{8}$/);
  });

  test('a very long id is cut so the name stays within 512 characters and keeps its unique suffix', () => {
    const stack = new Stack(newTestApp(), 'Stack');
    const name = workflowLogGroupName(stack, 'W'.repeat(600)) as string;
    expect(name).toMatch(VALID);
    expect(name).toMatch(/-[0-9a-f]{8}$/);
  });

  test('a nested stack (whose name is a token) keeps the token and cleans the literal parts', () => {
    const parent = new Stack(newTestApp(), 'Parent');
    const nested = new NestedStack(parent, 'Nested');
    const name = nested.resolve(derivedLogGroupName('/aws/vendedlogs/states/', [nested.stackName, 'Flöw', 'abcdef12']));
    expect(JSON.stringify(name)).toContain('-Flw-abcdef12');
  });

  test('the other names derived from a unicode id (job-name prefix, pipeline name) are valid too', () => {
    const stack = new Stack(newTestApp(), 'Stack');
    const job = new SustainableTrainingJob(stack, 'Träin-🚀', { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1') });
    const pipeline = new TrainingPipeline(stack, 'Pipé-🚀', { trainingJob: job });
    expect(job.jobNamePrefix).toMatch(/^[a-z0-9](-*[a-z0-9])*$/);
    expect(pipeline.pipelineName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/);
  });

  test.each([
    [['Stack', 'a b', 'c'], '/p/Stack-ab-c'],
    [['Stack', '#x.y_z/', ''], '/p/Stack-#x.y_z/'],
  ])('derivedLogGroupName(%j)', (parts, expected) => {
    expect(derivedLogGroupName('/p/', parts)).toBe(expected);
  });
});
