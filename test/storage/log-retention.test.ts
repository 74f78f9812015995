import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SageMakerLogGroup, SageMakerLogRetention } from '../../lib';
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
    expect(() => new SageMakerLogRetention(newTestStack(), 'L', { retention: logs.RetentionDays.INFINITE })).toThrow(/^SML-LOGS: retention 'INFINITE': keeps SageMaker logs forever/);
  });

  test('fails when a group is listed twice', () => {
    expect(() => new SageMakerLogRetention(newTestStack(), 'L', { logGroups: [SageMakerLogGroup.STUDIO, SageMakerLogGroup.fromName('/aws/sagemaker/studio')] })).toThrow(/^SML-LOGS: logGroups '\/aws\/sagemaker\/studio': is listed twice/);
  });
});
