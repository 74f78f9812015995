import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromEnv } from '../../lambda/training-job-guard/config';
import { GUARD_DEFAULTS } from '../../lib/guard/guard-env';
import { GuardTags } from '../../lib/guard/guard-tags';
import { ACCELERATOR_KIND_VALUES, RIGHT_SIZING_DEFAULTS, RIGHT_SIZING_DIMENSION_SETS, RIGHT_SIZING_METRICS } from '../../lib/guard/right-sizing';
import { JobDiscovery, TrainingJobGuard, TrainingJobGuardProps } from '../../lib/guard/training-job-guard';
import { AcceleratorKind } from '../../lib/training/instance';
import { DEFAULT_LOG_RETENTION } from '../../lib/storage/log-defaults';
import { TrainingImage } from '../../lib/training/image';
import { SustainableTrainingJob } from '../../lib/training/training-job';
import { newTestStack } from '../support/app';

function synth(props: TrainingJobGuardProps = {}, stack: Stack = newTestStack()) {
  const guard = new TrainingJobGuard(stack, 'Guard', props);
  return { stack, guard, template: Template.fromStack(stack) };
}

/** The function's environment, as the handler will see it. */
function functionEnv(template: Template): Record<string, string> {
  const fns = Object.values(template.findResources('AWS::Lambda::Function'));
  expect(fns).toHaveLength(1);
  return fns[0].Properties.Environment.Variables;
}

const TRAINING_JOBS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':training-job/*']],
};

function policyStatements(template: Template): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('defaults', () => {
  const { template, guard, stack } = synth();

  test('a pre-bundled Node.js 24 arm64 function (no esbuild or Docker at synth)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 120,
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^GuardLogGroup') } },
    });
    expect(guard.function.node.id).toBe('Resource');
  });

  test('every default reaches the handler through its environment', () => {
    const env = functionEnv(template);
    expect(env).toEqual({
      GUARD_DRY_RUN: 'false',
      GUARD_CHECKS: 'idle,stall,overfit,rules',
      GUARD_IDLE_THRESHOLD_PERCENT: '5',
      GUARD_IDLE_WINDOW_MINUTES: '30',
      GUARD_STALL_POINTS: '10',
      GUARD_OVERFIT_POINTS: '5',
      GUARD_MIN_IMPROVEMENT_PERCENT: '0.1',
      GUARD_OVERFIT_MIN_CHANGE_PERCENT: '1',
      GUARD_LOOKBACK_MINUTES: '180',
      GUARD_DISCOVERY: 'search',
      GUARD_NEURON_METRIC: 'NeuronCoreUtilization',
      GUARD_IGNORED_RULES: 'ProfilerReport',
      GUARD_METRIC_NAMESPACE: 'cdk-sustainable-ml/TrainingJobGuard',
      GUARD_RIGHT_SIZING_HEADROOM_PERCENT: '20',
    });
    // The handler's own defaults agree with the construct's.
    const { functionName: _f, ...fromEnv } = configFromEnv(env);
    const { functionName: _g, ...handlerDefaults } = configFromEnv({});
    expect(fromEnv).toEqual(handlerDefaults);
  });

  test('log group with bounded retention (SML-LOGS)', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(DEFAULT_LOG_RETENTION).toBe(logs.RetentionDays.ONE_MONTH);
  });

  test('one home per default: the construct writes GUARD_DEFAULTS (lib/guard/guard-env.ts), the handler falls back to it', () => {
    const env = functionEnv(template);
    expect(env).toMatchObject({
      GUARD_IDLE_THRESHOLD_PERCENT: String(GUARD_DEFAULTS.idleThresholdPercent),
      GUARD_IDLE_WINDOW_MINUTES: String(GUARD_DEFAULTS.idleWindowMinutes),
      GUARD_STALL_POINTS: String(GUARD_DEFAULTS.stallPoints),
      GUARD_OVERFIT_POINTS: String(GUARD_DEFAULTS.overfitPoints),
      GUARD_MIN_IMPROVEMENT_PERCENT: String(GUARD_DEFAULTS.minImprovementPercent),
      GUARD_OVERFIT_MIN_CHANGE_PERCENT: String(GUARD_DEFAULTS.overfitMinChangePercent),
      GUARD_LOOKBACK_MINUTES: String(GUARD_DEFAULTS.lookbackMinutes),
      GUARD_DISCOVERY: GUARD_DEFAULTS.discovery,
      GUARD_NEURON_METRIC: GUARD_DEFAULTS.neuronMetricName,
      GUARD_IGNORED_RULES: GUARD_DEFAULTS.ignoredRules.join(','),
      GUARD_METRIC_NAMESPACE: GUARD_DEFAULTS.metricNamespace,
      GUARD_RIGHT_SIZING_HEADROOM_PERCENT: String(RIGHT_SIZING_DEFAULTS.headroomPercent),
    });
    expect(TrainingJobGuard.METRIC_NAMESPACE).toBe(GUARD_DEFAULTS.metricNamespace);
    expect(Object.isFrozen(GUARD_DEFAULTS) && Object.isFrozen(GUARD_DEFAULTS.ignoredRules)).toBe(true);
    // neither side writes these values itself any more (comments and JSDoc aside)
    for (const file of ['../../lib/guard/training-job-guard.ts', '../../lambda/training-job-guard/config.ts', '../../lambda/training-job-guard/job-end.ts']) {
      const code = fs.readFileSync(path.join(__dirname, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const literal of ["'NeuronCoreUtilization'", "'ProfilerReport'", "'cdk-sustainable-ml/TrainingJobGuard'", 'ONE_MONTH', "?? 'search'",
        "'JobsOverProvisioned'", "'JobCPUUtilizationAverage'", "'JobGPUUtilizationAverage'", "'InstanceType'", "'AcceleratorKind'", "'nvidia-gpu'"]) {
        expect({ file, literal, found: code.includes(literal) }).toEqual({ file, literal, found: false });
      }
    }
  });

  test('sweeps every 5 minutes, without retrying a missed sweep', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guard'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  test('a second rule sends guarded jobs\' Debugger/Profiler findings to the same function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Training Job State Change'],
        'detail': {
          TrainingJobStatus: ['InProgress'],
          Tags: { [GuardTags.GUARD]: ['enabled'] },
          $or: [
            { DebugRuleEvaluationStatuses: { RuleEvaluationStatus: ['IssuesFound'] } },
            { ProfilerRuleEvaluationStatuses: { RuleEvaluationStatus: ['IssuesFound'] } },
          ],
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guard'), 'Arn'] } })],
    });
    template.resourceCountIs('AWS::Lambda::Permission', 3);
  });

  test('a third rule sends the end of every guarded job (Completed, Failed, Stopped) to the function (right-sizing, SML-MEASURE)', () => {
    const rules = template.findResources('AWS::Events::Rule', { Properties: { Description: Match.stringLikeRegexp('right-sizing') } });
    expect(Object.keys(rules)).toEqual([stack.getLogicalId(guard.jobEndRule.node.defaultChild as events.CfnRule)]);
    const rule = Object.values(rules)[0].Properties;
    expect(rule.EventPattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
      'detail': { TrainingJobStatus: ['Completed', 'Failed', 'Stopped'], Tags: { 'sustainable-ml:guard': ['enabled'] } },
    });
    expect(rule.Targets).toEqual([{
      Id: 'Target0', Arn: { 'Fn::GetAtt': [stack.getLogicalId(guard.function.node.defaultChild as lambda.CfnFunction), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 2 },
    }]);
    expect(rule.State).toBe('ENABLED');
    // EventBridge invokes through the function's resource-based permission, scoped to this rule: no role change.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [stack.getLogicalId(guard.jobEndRule.node.defaultChild as events.CfnRule), 'Arn'] },
    });
  });

  test('three right-sizing alarms on the published metrics, one day each, quiet without ended jobs, no action without a topic', () => {
    const fn = { Ref: stack.getLogicalId(guard.function.node.defaultChild as lambda.CfnFunction) };
    const alarm = (a: cloudwatch.Alarm) => template.toJSON().Resources[stack.getLogicalId(a.node.defaultChild as cloudwatch.CfnAlarm)].Properties;
    const common = {
      Namespace: 'cdk-sustainable-ml/TrainingJobGuard', Period: 86_400, EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
    };
    expect(alarm(guard.overProvisionedAlarm)).toEqual({
      ...common, AlarmDescription: expect.stringMatching(/^cdk-sustainable-ml TrainingJobGuard \(SML-MEASURE\): a guarded training job that ended/),
      MetricName: 'JobsOverProvisioned', Dimensions: [{ Name: 'FunctionName', Value: fn }], Statistic: 'Maximum',
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm(guard.lowCpuUtilizationAlarm)).toEqual({
      ...common, AlarmDescription: expect.stringContaining('CPU-only guarded training jobs (CPU per vCPU) that ended in the last day averaged under 20 %'),
      MetricName: 'JobCPUUtilizationAverage', Dimensions: [{ Name: 'AcceleratorKind', Value: 'none' }, { Name: 'FunctionName', Value: fn }],
      Statistic: 'Average', Threshold: 20, ComparisonOperator: 'LessThanThreshold',
    });
    expect(alarm(guard.lowGpuUtilizationAlarm)).toEqual({
      ...common, AlarmDescription: expect.stringContaining('GPU guarded training jobs (utilisation per GPU) that ended in the last day averaged under 20 %'),
      MetricName: 'JobGPUUtilizationAverage', Dimensions: [{ Name: 'AcceleratorKind', Value: 'nvidia-gpu' }, { Name: 'FunctionName', Value: fn }],
      Statistic: 'Average', Threshold: 20, ComparisonOperator: 'LessThanThreshold',
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('every alarm reads a metric and a dimension set the handler publishes', () => {
    const published = Object.values(RIGHT_SIZING_METRICS) as string[];
    const sets = RIGHT_SIZING_DIMENSION_SETS.map((set) => [...set].sort().join(','));
    for (const a of [guard.overProvisionedAlarm, guard.lowCpuUtilizationAlarm, guard.lowGpuUtilizationAlarm]) {
      const p = stack.resolve((a.node.defaultChild as cloudwatch.CfnAlarm)._toCloudFormation()).Resources;
      const props: any = Object.values(p)[0];
      expect(published).toContain(props.Properties.MetricName);
      expect(sets).toContain(props.Properties.Dimensions.map((d: any) => d.Name).sort().join(','));
      for (const d of props.Properties.Dimensions) {
        if (d.Name === 'AcceleratorKind') expect(Object.values(ACCELERATOR_KIND_VALUES)).toContain(d.Value);
      }
    }
  });

  test('least privilege: Search and GetMetricData on *, describe/stop only on jobs with the guard tag, logs on its own group', () => {
    expect(policyStatements(template)).toEqual([
      { Sid: 'FindRunningJobs', Effect: 'Allow', Action: 'sagemaker:Search', Resource: '*' },
      {
        Sid: 'DescribeAndStopGuardedTrainingJobs', Effect: 'Allow',
        Action: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'], Resource: TRAINING_JOBS,
        Condition: { StringEquals: { 'aws:ResourceTag/sustainable-ml:guard': 'enabled' } },
      },
      { Sid: 'ReadTrainingJobMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
      {
        Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(guard.logGroup.node.defaultChild as logs.CfnLogGroup), 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Role', 1);
  });

  test('no warning when every default is kept', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('metricJobsStopped() and friends read the EMF metrics of this function', () => {
    const m = stack.resolve(guard.metricJobsStopped().toMetricConfig().metricStat);
    expect(m).toMatchObject({
      namespace: 'cdk-sustainable-ml/TrainingJobGuard', metricName: 'JobsStopped', statistic: 'Sum',
    });
    expect(m.dimensions).toEqual([{ name: 'FunctionName', value: { Ref: stack.getLogicalId(guard.function.node.defaultChild as any) } }]);
    expect(guard.metricAcceleratorHoursSaved().metricName).toBe('AcceleratorHoursSaved');
    expect(guard.metricInstanceHoursSaved().metricName).toBe('InstanceHoursSaved');
    expect(guard.metricJobsWouldStop({ period: Duration.days(1) }).period.toDays()).toBe(1);
  });

  test('metricJobCpuUtilization() and friends read the right-sizing metrics: average or peak, overall, per type or per accelerator kind', () => {
    const dims = (m: cloudwatch.Metric) => stack.resolve(m.toMetricConfig().metricStat!.dimensions);
    const fn = { name: 'FunctionName', value: { Ref: stack.getLogicalId(guard.function.node.defaultChild as any) } };
    const cpu = guard.metricJobCpuUtilization();
    expect([cpu.metricName, cpu.statistic, cpu.period.toHours(), cpu.namespace]).toEqual(['JobCPUUtilizationAverage', 'Average', 1, 'cdk-sustainable-ml/TrainingJobGuard']);
    expect(dims(cpu)).toEqual([fn]);
    expect(guard.metricJobCpuUtilization({ peak: true }).metricName).toBe('JobCPUUtilizationPeak');
    expect(dims(guard.metricJobGpuUtilization({ instanceType: 'ml.g5.xlarge' }))).toEqual([fn, { name: 'InstanceType', value: 'ml.g5.xlarge' }]);
    expect(dims(guard.metricJobGpuMemoryUtilization({ acceleratorKind: AcceleratorKind.NVIDIA_GPU }))).toEqual([{ name: 'AcceleratorKind', value: 'nvidia-gpu' }, fn]);
    expect([guard.metricJobMemoryUtilization({ peak: true }).metricName, guard.metricJobDiskUtilization().metricName, guard.metricJobGpuMemoryUtilization().metricName])
      .toEqual(['JobMemoryUtilizationPeak', 'JobDiskUtilizationAverage', 'JobGPUMemoryUtilizationAverage']);
    expect([guard.metricJobsEnded(), guard.metricJobsOverProvisioned(), guard.metricOverProvisionedInstanceHours()].map((m) => [m.metricName, m.statistic]))
      .toEqual([['JobsEnded', 'Sum'], ['JobsOverProvisioned', 'Sum'], ['OverProvisionedInstanceHours', 'Sum']]);
    expect(guard.metricJobCpuUtilization({ statistic: 'Minimum', period: Duration.days(1) }).statistic).toBe('Minimum');
  });

  test('fails when a utilisation metric is asked per instance type AND per accelerator kind (no such dimension set)', () => {
    expect(() => guard.metricJobCpuUtilization({ instanceType: 'ml.m5.xlarge', acceleratorKind: AcceleratorKind.NONE }))
      .toThrow(/^SML-MEASURE: instanceType 'ml\.m5\.xlarge': cannot be combined with acceleratorKind/);
  });
});

describe('alarm topic', () => {
  test('every right-sizing alarm notifies the topic on ALARM (not on OK)', () => {
    const stack = newTestStack();
    const topic = new sns.Topic(stack, 'Alerts');
    const { template } = synth({ alarmTopic: topic }, stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }]);
      expect(a.Properties.OKActions).toBeUndefined();
      expect(a.Properties.InsufficientDataActions).toBeUndefined();
    }
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0); // same account: CloudWatch needs no topic policy
  });

  test('an imported topic, a headroom and a threshold given as tokens synthesize', () => {
    const stack = newTestStack();
    const headroom = new CfnParameter(stack, 'Headroom', { type: 'Number', default: 30 });
    const threshold = new CfnParameter(stack, 'Threshold', { type: 'Number', default: 15 });
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:eu-west-1:111122223333:ml-alerts');
    const { template } = synth({ alarmTopic: topic, rightSizingHeadroomPercent: headroom.valueAsNumber, lowUtilizationThresholdPercent: threshold.valueAsNumber }, stack);
    expect(functionEnv(template).GUARD_RIGHT_SIZING_HEADROOM_PERCENT).toEqual({ Ref: 'Headroom' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'JobCPUUtilizationAverage', Threshold: { Ref: 'Threshold' }, AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:ml-alerts'],
    });
  });
});

test('props reach the handler unchanged', () => {
  const { template } = synth({
    schedule: Duration.minutes(10), idleThresholdPercent: 10, idleWindow: Duration.hours(1), stallPoints: 6, overfitPoints: 4,
    minImprovementPercent: 0.5, overfitMinChangePercent: 2, metricLookback: Duration.hours(6), neuronUtilizationMetricName: 'NeuronCoreUtil',
    ignoredRules: ['ProfilerReport', 'BatchSize'], logRetention: logs.RetentionDays.ONE_WEEK,
  });
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  const config = configFromEnv(functionEnv(template));
  expect(config).toMatchObject({
    idleThresholdPercent: 10, idleWindowMinutes: 60, stallPoints: 6, overfitPoints: 4, minImprovement: 0.005,
    overfitMinChange: 0.02, lookbackMinutes: 360, neuronMetricName: 'NeuronCoreUtil', ignoredRules: ['ProfilerReport', 'BatchSize'],
    dryRun: false, discovery: 'search',
  });
});

test('the stop condition matches the tag SustainableTrainingJob puts on every job it renders', () => {
  const { template, stack } = synth();
  const condition = policyStatements(template).find((st) => st.Sid === 'DescribeAndStopGuardedTrainingJobs').Condition.StringEquals;
  const job = new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1') });
  const tags: { Key: string; Value: string }[] = stack.resolve(job.renderRequest()).Tags;
  const [key, value] = Object.entries(condition)[0] as [string, string];
  expect(key).toBe(`aws:ResourceTag/${GuardTags.GUARD}`);
  expect(tags).toContainEqual({ Key: key.slice('aws:ResourceTag/'.length), Value: value });
});

test('list discovery grants ListTrainingJobs and ListTags (on every training job: it is how it finds the tag) instead of Search', () => {
  const { template } = synth({ discovery: JobDiscovery.LIST });
  const statements = policyStatements(template);
  expect(statements.slice(0, 3)).toEqual([
    { Sid: 'FindRunningJobs', Effect: 'Allow', Action: 'sagemaker:ListTrainingJobs', Resource: '*' },
    { Sid: 'ReadTrainingJobTags', Effect: 'Allow', Action: 'sagemaker:ListTags', Resource: TRAINING_JOBS },
    {
      Sid: 'DescribeAndStopGuardedTrainingJobs', Effect: 'Allow',
      Action: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'], Resource: TRAINING_JOBS,
      Condition: { StringEquals: { 'aws:ResourceTag/sustainable-ml:guard': 'enabled' } },
    },
  ]);
  expect(statements.map((st) => st.Sid)).toEqual(['FindRunningJobs', 'ReadTrainingJobTags', 'DescribeAndStopGuardedTrainingJobs', 'ReadTrainingJobMetrics', 'WriteOwnLogs']);
  expect(JSON.stringify(statements)).not.toContain('sagemaker:Search');
  expect(functionEnv(template).GUARD_DISCOVERY).toBe('list');
});

test('dry run and turned-off checks are explicit and leave SML-GUARD warnings', () => {
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined); // synth prints the warnings
  const { template, stack, guard } = synth({ dryRun: true, stopIdleJobs: false, stopOnRuleFindings: false });
  quiet.mockRestore();
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-GUARD'));
  expect(warnings.map((w) => w.entry.data)).toEqual([
    expect.stringContaining('stopIdleJobs is false: training jobs whose accelerators idle keep running'),
    expect.stringContaining('stopOnRuleFindings is false'),
    expect.stringContaining('dryRun is true'),
  ]);
  expect(JSON.stringify(warnings)).toContain('cdk-sustainable-ml:SML-GUARD');
  expect(functionEnv(template)).toMatchObject({ GUARD_DRY_RUN: 'true', GUARD_CHECKS: 'stall,overfit' });
  expect(guard.ruleFindingsRule).toBeUndefined();
  // The schedule and the end-of-job rule: a dry run still reports utilisation (it stops nothing).
  template.resourceCountIs('AWS::Events::Rule', 2);
  expect(guard.jobEndRule).toBeDefined();
});

test('brings its own role and log group', () => {
  const stack = newTestStack();
  const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const logGroup = new logs.LogGroup(stack, 'MyLogs', { retention: logs.RetentionDays.THREE_MONTHS });
  const { template, guard } = synth({ role, logGroup }, stack);
  expect(guard.role).toBe(role);
  expect(guard.logGroup).toBe(logGroup);
  template.resourceCountIs('AWS::Logs::LogGroup', 1);
  template.resourceCountIs('AWS::IAM::Role', 1);
  template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['environment-agnostic', {}, undefined],
    ['explicit environment', {}, { account: '123456789012', region: 'eu-west-1' }],
    ['list discovery', { discovery: JobDiscovery.LIST }, undefined],
    ['with an alarm topic', { alarmTopic: 'imported' }, undefined],
  ])('no unacknowledged finding (%s)', (_name, props, env) => {
    const stack = newTestStack(env ? { env } : {});
    const p = (props as any).alarmTopic
      ? { alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:111122223333:ml-alerts') } : props;
    new TrainingJobGuard(stack, 'Guard', p as TrainingJobGuardProps);
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('refusals', () => {
  test.each<[string, TrainingJobGuardProps, RegExp]>([
    ['the idle threshold is not a percentage', { idleThresholdPercent: 150 }, /^SML-GUARD: idleThresholdPercent 150: must be between 0 and 100/],
    ['the idle window is shorter than 5 minutes', { idleWindow: Duration.minutes(2) }, /^SML-GUARD: idleWindow 2 minutes: must be whole minutes, at least 5/],
    ['the idle window is not whole minutes', { idleWindow: Duration.seconds(330) }, /^SML-GUARD: idleWindow/],
    ['the look-back is shorter than the idle window', { idleWindow: Duration.hours(2), metricLookback: Duration.hours(1) }, /metricLookback 1 hour: is shorter than idleWindow/],
    ['the look-back exceeds a day', { metricLookback: Duration.days(2) }, /metricLookback 2 days: must be whole minutes, at most one day/],
    ['stall points are not an integer', { stallPoints: 2.5 }, /stallPoints 2.5: must be an integer between 2 and 1000/],
    ['overfit points are too few', { overfitPoints: 2 }, /overfitPoints 2: must be an integer between 3 and 1000/],
    ['the schedule is shorter than a minute', { schedule: Duration.seconds(30) }, /schedule 30 seconds: must be at least one minute/],
    ['the right-sizing headroom is not a percentage', { rightSizingHeadroomPercent: 150 }, /^SML-MEASURE: rightSizingHeadroomPercent 150: must be between 0 and 100/],
    ['the low-utilisation threshold is negative', { lowUtilizationThresholdPercent: -1 }, /^SML-MEASURE: lowUtilizationThresholdPercent -1: must be between 0 and 100/],
  ])('fails when %s', (_why, props, message) => {
    expect(() => new TrainingJobGuard(newTestStack(), 'Guard', props)).toThrow(message);
  });

  test('fails when the handler bundle is missing, telling to run npm run build:lambda', () => {
    const fs = require('fs') as typeof import('fs');
    const real = fs.existsSync;
    const bundle = path.join(__dirname, '..', '..', 'assets', 'training-job-guard', 'index.js');
    const spy = jest.spyOn(fs, 'existsSync').mockImplementation((p) => (p === bundle ? false : real(p)));
    try {
      expect(() => new TrainingJobGuard(newTestStack(), 'Guard')).toThrow(/index\.js is missing\. Run `npm run build:lambda`/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('settings under which the guard never acts, or acts on every job, warn (SML-GUARD)', () => {
  const guardWarnings = (props: TrainingJobGuardProps, stack: Stack = newTestStack()) => {
    new TrainingJobGuard(stack, 'Guard', props);
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-GUARD')).map((w) => String(w.entry.data));
  };

  test.each<[string, TrainingJobGuardProps, RegExp]>([
    ['a daily sweep', { schedule: Duration.days(1) }, /^SML-GUARD: schedule 1 day: the guard sweeps once a day or less often, so most jobs .* end before a sweep sees them/],
    ['a weekly sweep', { schedule: Duration.days(7) }, /^SML-GUARD: schedule 7 days: the guard sweeps once a day or less often/],
    ['an idle threshold of 0 %', { idleThresholdPercent: 0 }, /^SML-GUARD: idleThresholdPercent 0: no utilisation is below 0 %, so the guard never stops an idle job/],
    ['an idle threshold of 100 %', { idleThresholdPercent: 100 }, /^SML-GUARD: idleThresholdPercent 100: .* so the guard stops nearly every job/],
    ['a minimum improvement of 100 %', { minImprovementPercent: 100 }, /^SML-GUARD: minImprovementPercent 100: .*stops nearly every job with an objective as stalled/],
    ['an overfitting change of 0 %', { overfitMinChangePercent: 0 }, /^SML-GUARD: overfitMinChangePercent 0: any worsening of the validation metric, noise included, counts as overfitting/],
    ['an overfitting change of 100 %', { overfitMinChangePercent: 100 }, /^SML-GUARD: overfitMinChangePercent 100: .*practically never stops an overfitting job/],
  ])('%s warns', (_name, props, message) => {
    expect(guardWarnings(props)).toEqual([expect.stringMatching(message)]);
  });

  test('settings in between do not warn', () => {
    expect(guardWarnings({ schedule: Duration.hours(6), idleThresholdPercent: 99, minImprovementPercent: 50, overfitMinChangePercent: 0.5 })).toEqual([]);
  });

  test('a second guard in one stack warns: both would sweep the same jobs', () => {
    const stack = newTestStack();
    new TrainingJobGuard(stack, 'First');
    expect(guardWarnings({}, stack)).toEqual([expect.stringMatching(/^SML-GUARD: TestStack\/First already guards this stack's account and region: both sweep every job tagged sustainable-ml:guard=enabled/)]);
  });

  test('guards in two stacks do not warn', () => {
    const app = newTestStack().node.root as App;
    new TrainingJobGuard(new Stack(app, 'A'), 'Guard');
    expect(guardWarnings({}, new Stack(app, 'B'))).toEqual([]);
  });
});

describe('log retention (SML-LOGS), checked as everywhere', () => {
  test('fails when the log retention is infinite', () => {
    expect(() => new TrainingJobGuard(newTestStack(), 'Guard', { logRetention: logs.RetentionDays.INFINITE }))
      .toThrow(/^SML-LOGS: logRetention 'RetentionDays.INFINITE': keeps the logs forever. Fix: choose a bounded retention such as RetentionDays.ONE_MONTH \(the default\), or leave logRetention unset/);
  });

  test('a log group of its own that keeps logs forever warns', () => {
    const stack = newTestStack();
    const logGroup = new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
    new TrainingJobGuard(stack, 'Guard', { logGroup });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-LOGS')).map((w) => String(w.entry.data)))
      .toEqual([expect.stringMatching(/^SML-LOGS: logGroup 'TestStack\/Forever' keeps its logs forever \(no retention\)/)]);
  });
});
