/**
 * The example app, synthesized as `cdk synth` does: cdk.json's context and aws-cdk-lib's built-in CloudFormation
 * validation on (as errors, via @aws-cdk/core:validateAgainstDefaultRules). It must pass cdk-nag's AwsSolutions pack
 * with every acknowledgement carrying a reason, and every request it renders must be valid.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildExampleApp } from '../bin/example';
import { FootprintReport, SustainableTrainingJob } from '../lib';
import { newTestApp } from './support/app';
import { dashboardBody, dashboardExpressions } from './support/dashboard';
import { expectValidAsl, stateMachineDefinitions } from './support/asl';
import { expectValidCreateTrainingJob } from './support/requests';

const app = newTestApp({ validate: true });
const stacks = buildExampleApp(app);
// Synthesizes with built-in CloudFormation validation; throws on any E/F finding.
const assembly = app.synth();

describe('example app', () => {
  test('synthesizes with built-in CloudFormation validation on and the cdk.json flags', () => {
    expect(app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
    expect(assembly.stacks.map((s) => s.stackName)).toEqual(stacks.map((s) => s.stackName));
  });

  test.each(stacks.map((s) => [s.stackName, s]))('%s passes cdk-nag AwsSolutions with zero unacknowledged findings', (_n, stack) => {
    const report = new AwsSolutionsChecks().validateScope(stack as Stack);
    const open = report.violations.map((v: any) => `${v.ruleName} ${v.violatingResources.map((r: any) => r.constructPath).join(', ')}`);
    expect(open).toEqual([]);
  });

  test('with a concrete environment, and checked before synthesis, the app still has zero unacknowledged findings', () => {
    const other = buildExampleApp(newTestApp(), { account: '111111111111', region: 'eu-west-1' });
    for (const stack of other) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v: any) => `${stack.stackName} ${v.ruleName}`)).toEqual([]);
    }
  });

  test('every acknowledgement carries a reason', () => {
    const acks = app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => ({ path: c.node.path, data: m.data })));
    expect(acks.length).toBeGreaterThan(5);
    for (const a of acks) {
      for (const [id, reason] of Object.entries(a.data as Record<string, string>)) expect(`${a.path} ${id}: ${reason}`).toMatch(/: .{30,}$/);
    }
  });

  test('every training request the app renders is valid against the official SageMaker model', () => {
    const jobs = app.node.findAll().filter((c): c is SustainableTrainingJob => c instanceof SustainableTrainingJob);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expectValidCreateTrainingJob(job, job.renderRequest());
  });

  test('no unresolved CDK token is left in any template', () => {
    for (const s of assembly.stacks) expect(JSON.stringify(s.template)).not.toMatch(/Token\[/);
  });

  test('every state machine is valid ASL', () => {
    for (const stack of stacks) {
      for (const def of Object.values(stateMachineDefinitions(stack))) expectValidAsl(def);
    }
  });

  test('the footprint report lists every run with its worst case, the comparison and the deviations', () => {
    const { runs } = FootprintReport.of(app);
    expect(runs.map((r) => `${r.path} ${r.kind}`)).toEqual([
      'SustainableMlExample/ChurnTraining workflow',
      'SustainableMlExample/ChurnTuningWorkflow workflow',
      'SustainableMlExample/ChurnPipeline pipeline',
    ]);
    const [training, tuning] = runs;
    expect(training.steps[0]).toMatchObject({ instances: '1 × ml.m5.large', spot: true, maxHours: 16, instanceHours: 8 });
    expect(training.deviations).toEqual([]);
    // 10 jobs × 8 h, one at a time, after a 1 h baseline
    expect(tuning.worstCaseInstanceHours).toBe(81);
    expect(tuning.deviations).toEqual(['ChurnBaseline: maxRuntime 1 h']);
    expect(tuning.comparisons[0]).toMatchObject({ expressible: false });
  });

  test('the workspace stack: the notebook stops when idle, Studio apps shut down when idle, no internet', () => {
    const t = Template.fromStack(stacks[1]);
    t.hasResourceProperties('AWS::SageMaker::NotebookInstance', { DirectInternetAccess: 'Disabled', RootAccess: 'Disabled', LifecycleConfigName: Match.anyValue() });
    t.resourceCountIs('AWS::SageMaker::NotebookInstanceLifecycleConfig', 1);
    const idle = { AppLifecycleManagement: { IdleSettings: Match.objectLike({ LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60 }) } };
    t.hasResourceProperties('AWS::SageMaker::Domain', { DefaultUserSettings: Match.objectLike({ JupyterLabAppSettings: Match.objectLike(idle), CodeEditorAppSettings: Match.objectLike(idle) }) });
    t.hasResourceProperties('AWS::SageMaker::UserProfile', { UserSettings: Match.objectLike({ JupyterLabAppSettings: Match.objectLike(idle) }) });
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  test('the example stack has a TrainingEfficiencyDashboard: host utilisation, the shared objective with its target, the guard, the bucket', () => {
    const { widgets } = dashboardBody(stacks[0]);
    const expressions = dashboardExpressions(widgets);
    for (const metric of ['CPUUtilization', 'MemoryUtilization', 'DiskUtilization', 'GPUUtilization', 'GPUMemoryUtilization']) {
      expect(expressions).toContain(`SEARCH('{/aws/sagemaker/TrainingJobs,Host} MetricName="${metric}"', 'Average', 300)`);
    }
    // The job, the baseline and the tuning job share validation:auc: one graph, with the job's target.
    const objectives = widgets.filter((w) => /^Objective/.test(w.properties.title ?? ''));
    expect(objectives.map((w) => [w.properties.title, w.properties.annotations.horizontal.map((a: any) => a.value)]))
      .toEqual([['Objective validation:auc (higher is better)', [0.85]]]);
    expect(expressions.some((e) => e.includes('MetricName="JobsStopped" FunctionName="<Ref Guard'))).toBe(true);
    expect(expressions.some((e) => e.includes('MetricName="BucketSizeBytes" BucketName="<Ref Artifacts'))).toBe(true);
  });

  test.each(stacks.map((s) => [s.stackName, s]))('%s template snapshot', (_n, stack) => {
    // Asset hashes (the bundled guard handler) change with every handler edit; the handler has tests of its own.
    const json = JSON.stringify(Template.fromStack(stack as Stack).toJSON()).replace(/[0-9a-f]{64}\.zip/g, '<asset-hash>.zip');
    expect(JSON.parse(json)).toMatchSnapshot();
  });
});
