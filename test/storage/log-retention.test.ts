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

  const policies = t.findResources('AWS::IAM::Policy');
  const statements: any[] = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  const arn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:${name}`]] });
  const fnName = Object.keys(t.findResources('AWS::Lambda::Function'))[0];

  test('the provider role has no managed policy and no statement on *', () => {
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    for (const r of roles) expect(r.Properties.ManagedPolicyArns).toBeUndefined();
    expect(statements.filter((st) => [st.Resource].flat().includes('*'))).toEqual([]);
  });

  test('CreateLogGroup and PutRetentionPolicy on each SageMaker group in the form CloudWatch Logs authorizes (log-group:NAME:*)', () => {
    const named = statements.filter((st) => JSON.stringify(st.Resource).includes('/aws/sagemaker/'));
    expect(named).toHaveLength(1);
    expect(named[0].Action).toEqual(['logs:CreateLogGroup', 'logs:PutRetentionPolicy']);
    expect(named[0].Resource).toHaveLength(5);
    expect(named[0].Resource).toEqual(expect.arrayContaining(['TrainingJobs', 'ProcessingJobs', 'TransformJobs', 'NotebookInstances', 'studio'].map((g) => arn(`/aws/sagemaker/${g}:*`))));
  });

  test('on /aws/lambda only the provider function\'s own group, named through its Ref, and its streams', () => {
    const own = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:/aws/lambda/', { Ref: fnName }, suffix]] });
    expect(statements.filter((st) => JSON.stringify(st.Resource).includes('/aws/lambda/'))).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], Resource: own(':*') },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: own(':log-stream:*') },
    ]);
  });

  test('every retention custom resource waits for both policies', () => {
    for (const r of Object.values(t.findResources('Custom::LogRetention')) as any[]) {
      expect(r.DependsOn).toEqual(expect.arrayContaining(Object.keys(policies)));
    }
    expect(Object.keys(policies)).toHaveLength(2);
  });

  test('warns when another LogRetention created the stack\'s provider function first (it runs with that role)', () => {
    const s = newTestStack();
    new logs.LogRetention(s, 'Other', { logGroupName: '/other', retention: logs.RetentionDays.ONE_DAY });
    new SageMakerLogRetention(s, 'Logs');
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined); // synth prints the warning
    expect(Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('^SML-LOGS: the LogRetention provider function of this stack was created by another construct'))).toHaveLength(1);
    quiet.mockRestore();
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
