import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SageMakerLogGroup, SageMakerLogRetention, SustainableTrainingJob, TrainingImage, TrainingJobGuard, TrainingWorkflow } from '../../lib';
import { DEFAULT_LOG_RETENTION } from '../../lib/storage/log-defaults';
import { newTestStack } from '../support/app';

describe('SageMakerLogRetention', () => {
  const stack = newTestStack();
  new SageMakerLogRetention(stack, 'Logs');
  const t = Template.fromStack(stack);

  test('SML-LOGS: one month on every log group SageMaker creates itself', () => {
    const names = Object.values(t.findResources('Custom::LogRetention')).map((r: any) => [r.Properties.LogGroupName, r.Properties.RetentionInDays]);
    expect(names).toEqual([
      ['/aws/sagemaker/TrainingJobs', 30], ['/aws/sagemaker/ProcessingJobs', 30], ['/aws/sagemaker/TransformJobs', 30],
      ['/aws/sagemaker/NotebookInstances', 30], ['/aws/sagemaker/studio', 30],
    ]);
  });

  test('uses LogRetention (tolerates groups that exist), not AWS::Logs::LogGroup (fails when they do)', () => {
    t.resourceCountIs('AWS::Logs::LogGroup', 0);
  });

  test('the provider role has no managed policy and touches only those groups', () => {
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    for (const r of roles) expect(r.Properties.ManagedPolicyArns).toBeUndefined();
    const policy = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('log-group:/aws/sagemaker/TrainingJobs');
    // The only '*' is the one logs.LogRetention adds itself, for the retention actions only.
    const statements = (Object.values(t.findResources('AWS::IAM::Policy'))[0] as any).Properties.PolicyDocument.Statement;
    for (const st of statements.filter((x: any) => x.Resource === '*')) expect(st.Action).toEqual(['logs:DeleteRetentionPolicy', 'logs:PutRetentionPolicy']);
  });

  test('no retention rights on /aws/lambda/*: only the provider\'s own log group and streams there', () => {
    const statements: any[] = (Object.values(t.findResources('AWS::IAM::Policy'))[0] as any).Properties.PolicyDocument.Statement;
    const resources = (st: any): string[] => [st.Resource].flat().map((r: any) => JSON.stringify(r));
    const retention = ['logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy'];
    const onLambda = statements.filter((st) => resources(st).some((r) => r.includes('/aws/lambda/')));
    expect(onLambda.map((st) => st.Action)).toEqual(['logs:CreateLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents']]);
    for (const st of onLambda) expect([st.Action].flat().some((a: string) => retention.includes(a))).toBe(false);
    // the retention actions name the SageMaker groups one by one (or are the '*' LogRetention adds itself)
    const named = statements.find((st) => [st.Action].flat().includes('logs:PutRetentionPolicy') && st.Resource !== '*');
    expect(named.Action).toEqual(['logs:CreateLogGroup', 'logs:DeleteRetentionPolicy', 'logs:PutRetentionPolicy']);
    expect(named.Resource.map((r: any) => JSON.stringify(r).match(/log-group:([^"]+)/)![1]).sort()).toEqual([
      '/aws/sagemaker/NotebookInstances', '/aws/sagemaker/ProcessingJobs', '/aws/sagemaker/TrainingJobs',
      '/aws/sagemaker/TransformJobs', '/aws/sagemaker/studio',
    ]);
  });

  test('the default retention is the library\'s one home for it (DEFAULT_LOG_RETENTION, SML-LOGS)', () => {
    expect(DEFAULT_LOG_RETENTION).toBe(logs.RetentionDays.ONE_MONTH);
    expect(new SageMakerLogRetention(newTestStack(), 'D').retention).toBe(DEFAULT_LOG_RETENTION);
  });

  test('passes cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v: any) => v.ruleName)).toEqual([]);
  });

  test('retention and groups are configurable', () => {
    const s = newTestStack();
    new SageMakerLogRetention(s, 'L', { retention: logs.RetentionDays.ONE_WEEK, logGroups: [SageMakerLogGroup.TRAINING_JOBS, SageMakerLogGroup.endpoint('churn')] });
    const rs = Object.values(Template.fromStack(s).findResources('Custom::LogRetention')).map((r: any) => [r.Properties.LogGroupName, r.Properties.RetentionInDays]);
    expect(rs).toEqual([['/aws/sagemaker/TrainingJobs', 7], ['/aws/sagemaker/Endpoints/churn', 7]]);
  });

  test('fails when retention is infinite', () => {
    expect(() => new SageMakerLogRetention(newTestStack(), 'L', { retention: logs.RetentionDays.INFINITE })).toThrow(/^SML-LOGS: retention 'RetentionDays.INFINITE': keeps the logs forever.*Fix: choose a bounded retention/);
  });

  test('fails when a group is listed twice', () => {
    expect(() => new SageMakerLogRetention(newTestStack(), 'L', { logGroups: [SageMakerLogGroup.STUDIO, SageMakerLogGroup.fromName('/aws/sagemaker/studio')] })).toThrow(/^SML-LOGS: logGroups '\/aws\/sagemaker\/studio': is listed twice/);
  });
});

describe('never-expire is refused the same way everywhere the library sets a retention (one shared check, SML-LOGS)', () => {
  const image = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
  const where: [string, string, (s: Stack, r: logs.RetentionDays) => unknown][] = [
    ['SageMakerLogRetention', 'retention', (s, r) => new SageMakerLogRetention(s, 'L', { retention: r })],
    ['TrainingWorkflow', 'logRetention', (s, r) => new TrainingWorkflow(s, 'F', { trainingJob: new SustainableTrainingJob(s, 'J', { image }), logRetention: r })],
    ['TrainingJobGuard', 'logRetention', (s, r) => new TrainingJobGuard(s, 'G', { logRetention: r })],
  ];
  test.each(where)('fails when %s gets RetentionDays.INFINITE', (_name, prop, build) => {
    expect(() => build(newTestStack(), logs.RetentionDays.INFINITE)).toThrow(new RegExp(`^SML-LOGS: ${prop} 'RetentionDays.INFINITE': keeps the logs forever. Fix: choose a bounded retention such as RetentionDays.ONE_MONTH \\(the default\\), or leave ${prop} unset \\(MLSUS04-BP03\\)$`));
  });

  test.each(where)('%s takes a bounded retention', (_name, _prop, build) => {
    const stack = newTestStack();
    build(stack, logs.RetentionDays.ONE_WEEK);
    const json = JSON.stringify(Template.fromStack(stack).toJSON().Resources);
    expect(json).toMatch(/"RetentionInDays":7[,}]/);
  });

  test('a log group the workflow is given that keeps logs forever warns; one with a retention does not', () => {
    const stack = newTestStack();
    const job = new SustainableTrainingJob(stack, 'J', { image });
    new TrainingWorkflow(stack, 'F', { trainingJob: job, logGroup: new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE }) });
    new TrainingWorkflow(stack, 'G', { trainingJob: job, logGroup: new logs.LogGroup(stack, 'Bounded', { retention: logs.RetentionDays.ONE_WEEK }) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-LOGS')).map((w) => [w.id, String(w.entry.data)]))
      .toEqual([['/TestStack/F', expect.stringMatching(/^SML-LOGS: logGroup 'TestStack\/Forever' keeps its logs forever/)]]);
  });
});
