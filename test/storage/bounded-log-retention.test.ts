import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BoundedLogRetention, SageMakerLogRetention, SustainableTrainingJob, TrainingImage, TrainingJobGuard, TrainingWorkflow } from '../../lib';
import { newTestApp } from '../support/app';

const code = lambda.Code.fromInline('exports.handler = async () => {}');
const fnProps = { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code };

/** A stack with unbounded and bounded groups and functions; `flag` is @aws-cdk/aws-lambda:useCdkManagedLogGroup. */
function build(opts: { flag?: boolean; context?: { [k: string]: unknown }; retention?: logs.RetentionDays } = {}) {
  const app = newTestApp({ context: { '@aws-cdk/aws-lambda:useCdkManagedLogGroup': opts.flag ?? false, ...(opts.context ?? {}) } });
  const stack = new Stack(app, 'S');
  new logs.CfnLogGroup(stack, 'RawForever', { logGroupName: 'raw-forever' });
  new logs.LogGroup(stack, 'L2Forever', { logGroupName: 'l2-forever', retention: logs.RetentionDays.INFINITE });
  new logs.CfnLogGroup(stack, 'RawBounded', { logGroupName: 'raw-bounded', retentionInDays: 7 });
  new logs.LogGroup(stack, 'L2Bounded', { logGroupName: 'l2-bounded', retention: logs.RetentionDays.ONE_YEAR });
  new lambda.Function(stack, 'FnBare', fnProps);
  new lambda.Function(stack, 'FnOwnGroup', { ...fnProps, logGroup: new logs.LogGroup(stack, 'FnGroup', { retention: logs.RetentionDays.ONE_WEEK }) });
  // What `logRetention` on a Function does (that prop is deprecated): a LogRetention on /aws/lambda/<name>.
  const withRetention = new lambda.Function(stack, 'FnLogRetention', fnProps);
  new logs.LogRetention(stack, 'FnRetention', { logGroupName: `/aws/lambda/${withRetention.functionName}`, retention: logs.RetentionDays.ONE_WEEK });
  new lambda.CfnFunction(stack, 'RawFn', { role: 'arn:aws:iam::123456789012:role/r', code: { zipFile: 'x' }, runtime: 'nodejs24.x', handler: 'index.handler', functionName: 'raw-fn' });
  Aspects.of(app).add(new BoundedLogRetention({ retention: opts.retention }));
  return { stack, t: Template.fromStack(stack), warnings: Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('SML-LOGS')) };
}

const retentionOf = (t: Template, name: unknown) => {
  const groups = Object.values(t.findResources('AWS::Logs::LogGroup')) as any[];
  const hit = groups.filter((g) => JSON.stringify(g.Properties.LogGroupName) === JSON.stringify(name));
  expect(hit).toHaveLength(1);
  return hit[0].Properties.RetentionInDays;
};

describe('BoundedLogRetention (SML-LOGS)', () => {
  let t: Template;
  let warnings: ReturnType<typeof build>['warnings'];
  let paths: string[];
  beforeAll(() => { // synthesized in a hook, so the expected warnings stay quiet (test/support/quiet-environment.ts)
    ({ t, warnings } = build());
    paths = warnings.map((w) => w.id);
  });

  test('warns when a raw AWS::Logs::LogGroup has no retention, and bounds it to the default (30 days)', () => {
    expect(retentionOf(t, 'raw-forever')).toBe(30);
    expect(warnings.find((w) => w.id === '/S/RawForever')?.entry.data).toMatch(/log group 'S\/RawForever' had no retention.*30 days/);
  });

  test('warns when an L2 LogGroup keeps its logs forever (RetentionDays.INFINITE renders no retention)', () => {
    expect(retentionOf(t, 'l2-forever')).toBe(30);
    expect(paths).toContain('/S/L2Forever/Resource');
  });

  test('warns when a Lambda function has no log group of the app, and gives it /aws/lambda/<name> with retention', () => {
    const fnBare = Object.keys(t.findResources('AWS::Lambda::Function')).find((k) => k.startsWith('FnBare'))!;
    expect(retentionOf(t, { 'Fn::Join': ['', ['/aws/lambda/', { Ref: fnBare }]] })).toBe(30);
    expect(warnings.find((w) => w.id === '/S/FnBare/Resource')?.entry.data).toMatch(/Lambda function 'S\/FnBare' had no log group of this app/);
  });

  test('warns when a raw CfnFunction has no log group, naming the group after its FunctionName', () => {
    expect(retentionOf(t, '/aws/lambda/raw-fn')).toBe(30);
    expect(paths).toContain('/S/RawFn');
  });

  test('the warnings carry the stable id cdk-sustainable-ml:SML-LOGS, one per unbounded group, and nothing else', () => {
    expect(paths.sort()).toEqual(['/S/FnBare/Resource', '/S/L2Forever/Resource', '/S/RawFn', '/S/RawForever']);
    for (const w of warnings) expect(w.entry.data).toMatch(/\[ack: cdk-sustainable-ml:SML-LOGS\]$/);
  });

  test('aws-cdk-lib\'s own provider functions (no log group to choose) are bounded with a note, not a warning', () => {
    const app = newTestApp();
    const stack = new Stack(app, 'P');
    new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: true, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    Aspects.of(app).add(new BoundedLogRetention());
    const tp = Template.fromStack(stack);
    const handler = Object.keys(tp.findResources('AWS::Lambda::Function')).find((k) => k.startsWith('CustomVpcRestrictDefaultSG'))!;
    expect(retentionOf(tp, { 'Fn::Join': ['', ['/aws/lambda/', { Ref: handler }]] })).toBe(30);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('SML-LOGS'))).toEqual([]);
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('^SML-LOGS: aws-cdk-lib\'s provider function .*VpcRestrictDefaultSG'))).toHaveLength(1);
  });

  test('bounded groups and functions with a group of their own are untouched', () => {
    expect(retentionOf(t, 'raw-bounded')).toBe(7);
    expect(retentionOf(t, 'l2-bounded')).toBe(365);
    // FnOwnGroup (logGroup), FnLogRetention (Custom::LogRetention) and the LogRetention provider get no group.
    t.resourceCountIs('AWS::Logs::LogGroup', 7); // 4 above + FnGroup + FnBare's + RawFn's
  });

  test('with @aws-cdk/aws-lambda:useCdkManagedLogGroup, the group aws-cdk-lib creates counts as the function\'s', () => {
    const flagged = build({ flag: true });
    expect(flagged.warnings.map((w) => w.id)).not.toContain('/S/FnBare/Resource');
    const added = Object.keys(flagged.t.toJSON().Resources).filter((k) => k.includes('BoundedLogGroup'));
    expect(added).toEqual([expect.stringMatching(/^RawFnBoundedLogGroup/)]);
  });

  test('retention prop, then the app context cdk-sustainable-ml:logRetention, gives the bound', () => {
    expect(retentionOf(build({ retention: logs.RetentionDays.ONE_WEEK }).t, 'raw-forever')).toBe(7);
    expect(retentionOf(build({ context: { [BoundedLogRetention.CONTEXT_KEY]: 365 } }).t, 'raw-forever')).toBe(365);
    expect(retentionOf(build({ context: { [BoundedLogRetention.CONTEXT_KEY]: '400' } }).t, 'raw-forever')).toBe(400);
  });

  test('fails when retention is RetentionDays.INFINITE', () => {
    expect(() => build({ retention: logs.RetentionDays.INFINITE })).toThrow(/SML-LOGS.*retention 'RetentionDays.INFINITE': keeps the logs forever/);
  });
});

describe('context cdk-sustainable-ml:logRetention: one setting for every log group the library creates', () => {
  let t: Template;
  beforeAll(() => {
    const stack = new Stack(newTestApp({ context: { 'cdk-sustainable-ml:logRetention': 365 } }), 'S');
    new SageMakerLogRetention(stack, 'SageMaker');
    new TrainingJobGuard(stack, 'Guard');
    new TrainingWorkflow(stack, 'Workflow', { trainingJob: new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/x:1'), jobNamePrefix: 'ctx' }) });
    t = Template.fromStack(stack);
  });

  test('SageMakerLogRetention, TrainingJobGuard and TrainingWorkflow use it', () => {
    const retained = Object.values(t.findResources('Custom::LogRetention')) as any[];
    expect(retained.length).toBeGreaterThan(0);
    for (const r of retained) expect(r.Properties.RetentionInDays).toBe(365);
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups).toHaveLength(2); // the guard's and the workflow's
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(365);
  });

  test('a prop still wins over the context', () => {
    const s2 = new Stack(newTestApp({ context: { 'cdk-sustainable-ml:logRetention': 365 } }), 'S2');
    new TrainingJobGuard(s2, 'Guard', { logRetention: logs.RetentionDays.ONE_WEEK });
    Template.fromStack(s2).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test.each([
    ['a period CloudWatch Logs does not accept', 42, /context 'cdk-sustainable-ml:logRetention' 42: is not a retention period CloudWatch Logs accepts.*Fix: set it to one of 1, 3, 5, 7/],
    ['never expire (9999)', 9999, /context 'cdk-sustainable-ml:logRetention' 9999: keeps the logs forever/],
    ['text that is not a number', 'one year', /context 'cdk-sustainable-ml:logRetention' 'one year': is not a retention period/],
  ])('fails when the context is %s', (_what, value, message) => {
    const s = new Stack(newTestApp({ context: { 'cdk-sustainable-ml:logRetention': value } }), 'Bad');
    expect(() => new SageMakerLogRetention(s, 'SageMaker')).toThrow(message);
  });
});
