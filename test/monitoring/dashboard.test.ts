import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { METRICS as HANDLER_METRICS } from '../../lambda/training-job-guard/log';
import {
  MlArtifactsBucket, Objective, SageMakerLogGroup, SustainableTrainingJob, SustainableTuningJob, TrainingEfficiencyDashboard,
  TrainingEfficiencyDashboardProps, TrainingImage, TrainingJobGuard, HyperparameterRange,
} from '../../lib';
import { GUARD_METRICS } from '../../lib/guard/guard-env';
import { RIGHT_SIZING_METRICS } from '../../lib/guard/right-sizing';
import { newTestStack } from '../support/app';
import { dashboardBody, dashboardExpressions, DashboardWidget } from '../support/dashboard';

type Widget = DashboardWidget;
const body = dashboardBody;

function build(props: TrainingEfficiencyDashboardProps = {}, stack: Stack = newTestStack()) {
  const dashboard = new TrainingEfficiencyDashboard(stack, 'Efficiency', props);
  return { stack, dashboard, widgets: body(stack).widgets };
}

const titled = (widgets: Widget[], title: string): Widget => {
  const w = widgets.find((x) => x.properties.title === title);
  if (!w) throw new Error(`no widget titled '${title}' in: ${widgets.map((x) => x.properties.title).join(' | ')}`);
  return w;
};
/** The metric rows of a widget: expressions as `{ expression, label, period? }`, metrics as their arrays. */
const rows = (w: Widget): any[] => w.properties.metrics!.map((r) => (r.length === 1 && r[0].expression ? r[0] : r));
const expressions = (w: Widget): string[] => rows(w).map((r) => r.expression);

const HOST_LABEL = "${PROP('Dim.Host')} avg ${AVG} max ${MAX}";
const utilisation = (metric: string, extra = '') => `SEARCH('{/aws/sagemaker/TrainingJobs,Host} MetricName="${metric}"${extra}', 'Average', 300)`;
const GUARD_NS = '{"cdk-sustainable-ml/TrainingJobGuard"';

describe('defaults', () => {
  const { widgets, dashboard } = build();

  test('the body is valid JSON with a one-week default range; the dashboard is the construct\'s Resource', () => {
    expect(body(dashboard.dashboard.stack).start).toBe('-P7D');
    expect(dashboard.dashboard.node.id).toBe('Resource');
  });

  test('SML-MEASURE: CPU, memory, disk, GPU and GPU memory of every training-job host, by SEARCH on /aws/sagemaker/TrainingJobs, Host', () => {
    const graphs = [
      ['CPU utilisation per host', 'CPUUtilization', '% (100 per vCPU)'],
      ['Memory utilisation per host', 'MemoryUtilization', '%'],
      ['Disk utilisation per host', 'DiskUtilization', '%'],
      ['GPU utilisation per host', 'GPUUtilization', '% (100 per GPU)'],
      ['GPU memory utilisation per host', 'GPUMemoryUtilization', '% (100 per GPU)'],
    ];
    for (const [title, metric, axis] of graphs) {
      const w = titled(widgets, title);
      // Period 300 is CloudWatch's default, which CDK leaves out of the row.
      expect(rows(w)).toEqual([{ expression: utilisation(metric), label: HOST_LABEL }]);
      expect((w.properties as any).yAxis.left).toEqual({ min: 0, label: axis, showUnits: false });
    }
  });

  test('a text header names SML-MEASURE and how to read CPU and GPU percentages', () => {
    const text = widgets.find((w) => w.type === 'text')!;
    expect(text.properties.markdown).toMatch(/SML-MEASURE/);
    expect(text.properties.markdown).toMatch(/100 % per vCPU/);
    expect(text.properties.markdown).toMatch(/100 % per GPU/);
  });

  test('without a guard: every guard\'s stops by reason, dry-run stops and saved hours, by SEARCH on the guard namespace', () => {
    const stops = titled(widgets, 'Training jobs stopped by the guard, by reason (SML-GUARD)');
    expect(rows(stops)).toEqual([
      {
        expression: `SEARCH('${GUARD_NS},FunctionName,Reason} MetricName="JobsStopped"', 'Sum', 3600)`,
        label: "stopped: ${PROP('Dim.Reason')}",
        period: 3600,
      },
      {
        expression: `SEARCH('${GUARD_NS},FunctionName} MetricName="JobsWouldStop"', 'Sum', 3600)`,
        label: "would stop (dry run) (${PROP('Dim.FunctionName')})",
        period: 3600,
      },
    ]);
    const saved = titled(widgets, 'Hours saved by the guard\'s stops (upper bound: hours left until MaxRuntime)');
    expect(expressions(saved)).toEqual([
      `SEARCH('${GUARD_NS},FunctionName} MetricName="InstanceHoursSaved"', 'Sum', 3600)`,
      `SEARCH('${GUARD_NS},FunctionName} MetricName="AcceleratorHoursSaved"', 'Sum', 3600)`,
    ]);
    expect(widgets.some((w) => w.properties.view === 'singleValue')).toBe(false);
  });

  test('the guard\'s right-sizing verdicts on ended jobs, per instance type (daily sums)', () => {
    const verdicts = titled(widgets, 'Ended guarded jobs a smaller type would have done (guard\'s right-sizing, daily)');
    expect(rows(verdicts)).toEqual([
      { expression: `SEARCH('${GUARD_NS},FunctionName,InstanceType} MetricName="JobsEnded"', 'Sum', 86400)`, label: "ended: ${PROP('Dim.InstanceType')}", period: 86400 },
      { expression: `SEARCH('${GUARD_NS},FunctionName,InstanceType} MetricName="JobsOverProvisioned"', 'Sum', 86400)`, label: "over-provisioned: ${PROP('Dim.InstanceType')}", period: 86400 },
    ]);
    const hours = titled(widgets, 'Over-provisioned instance-hours of ended guarded jobs, by instance type (daily)');
    expect(rows(hours)).toEqual([
      { expression: `SEARCH('${GUARD_NS},FunctionName,InstanceType} MetricName="OverProvisionedInstanceHours"', 'Sum', 86400)`, label: "${PROP('Dim.InstanceType')}", period: 86400 },
    ]);
    // The names are the ones the handler publishes.
    expect([RIGHT_SIZING_METRICS.JOBS_ENDED, RIGHT_SIZING_METRICS.JOBS_OVER_PROVISIONED, RIGHT_SIZING_METRICS.OVER_PROVISIONED_INSTANCE_HOURS])
      .toEqual(['JobsEnded', 'JobsOverProvisioned', 'OverProvisionedInstanceHours']);
  });

  test('IncomingBytes (AWS/Logs, Sum per hour) of every SageMaker log group SageMakerLogRetention bounds', () => {
    const logs = titled(widgets, 'Bytes ingested by the SageMaker log groups (SML-LOGS)');
    expect(rows(logs)).toEqual(SageMakerLogGroup.defaults().map((g) => [
      'AWS/Logs', 'IncomingBytes', 'LogGroupName', g.logGroupName, { label: g.logGroupName, period: 3600, stat: 'Sum' },
    ]));
  });

  test('no objective or storage graphs unless jobs, objectives or a bucket are given', () => {
    expect(widgets.filter((w) => /^Objective|bucket/.test(w.properties.title ?? ''))).toEqual([]);
  });

  test('every SEARCH expression is one CloudWatch accepts: a quoted query of at most 1,024 characters, a statistic and a period', () => {
    const all = dashboardExpressions(widgets);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const e of all) {
      const m = /^SEARCH\('(\{[^}]+\}[^']*)', '(Average|Sum)', (\d+)\)$/.exec(e);
      expect(m).not.toBeNull();
      expect(m![1].length).toBeLessThanOrEqual(1024);
    }
  });
});

describe('with the example\'s jobs, a guard and the artifacts bucket', () => {
  const stack = newTestStack();
  const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
  const guard = new TrainingJobGuard(stack, 'Guard');
  const image = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/churn:1');
  const job = new SustainableTrainingJob(stack, 'Job', {
    image, artifactsBucket: artifacts, jobNamePrefix: 'churn-xgb',
    objective: Objective.maximize('validation:auc', 'auc=([0-9.]+)', { target: 0.85, trainingMetric: { name: 'train:auc', regex: 'train-auc=([0-9.]+)' } }),
  });
  const baseline = new SustainableTrainingJob(stack, 'Baseline', {
    image, artifactsBucket: artifacts, jobNamePrefix: 'churn-linear', objective: Objective.maximize('validation:auc', 'auc=([0-9.]+)'),
  });
  const tuning = new SustainableTuningJob(stack, 'Tuning', {
    trainingJob: job, jobNamePrefix: 'churn-hpo', ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)],
  });
  const loss = Objective.minimize('validation:loss', 'loss=([0-9.]+)', { target: 0.2 });
  const { widgets } = build({ guard, bucket: artifacts.bucket, trainingJobs: [job, baseline], tuningJobs: [tuning], objectives: [loss] }, stack);
  const guardRef = `<Ref ${stack.getLogicalId(guard.function.node.defaultChild as any)}>`;
  const bucketRef = `<Ref ${stack.getLogicalId(artifacts.bucket.node.defaultChild as any)}>`;

  test('one graph per objective metric: every job that reports it (SEARCH on TrainingJobName), its training metric and its target', () => {
    const auc = titled(widgets, 'Objective validation:auc (higher is better)');
    expect(rows(auc)).toEqual([
      { expression: `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="validation:auc"', 'Average', 300)`, label: "${PROP('Dim.TrainingJobName')}" },
      { expression: `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="train:auc"', 'Average', 300)`, label: "${PROP('Dim.TrainingJobName')} train:auc" },
    ]);
    expect(auc.properties.annotations.horizontal).toEqual([{ value: 0.85, label: 'target (SML-ACCEPT)', color: '#2ca02c', yAxis: 'left' }]);
    const lossGraph = titled(widgets, 'Objective validation:loss (lower is better)');
    expect(expressions(lossGraph)).toEqual([`SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="validation:loss"', 'Average', 300)`]);
    expect(lossGraph.properties.annotations.horizontal.map((a: any) => a.value)).toEqual([0.2]);
    // The training job, the baseline and the tuning job share validation:auc: one graph, not three.
    expect(widgets.filter((w) => /^Objective/.test(w.properties.title ?? ''))).toHaveLength(2);
  });

  test('the guard\'s own metrics: stops by reason and dry-run stops of this function, saved hours, and totals over the time range', () => {
    const stops = titled(widgets, 'Training jobs stopped by the guard, by reason (SML-GUARD)');
    expect(rows(stops)).toEqual([
      {
        expression: `SEARCH('${GUARD_NS},FunctionName,Reason} MetricName="JobsStopped" FunctionName="${guardRef}"', 'Sum', 3600)`,
        label: "stopped: ${PROP('Dim.Reason')}",
        period: 3600,
      },
      ['cdk-sustainable-ml/TrainingJobGuard', 'JobsWouldStop', 'FunctionName', guardRef, { label: 'would stop (dry run)', period: 3600, stat: 'Sum' }],
    ]);
    const saved = titled(widgets, 'Hours saved by the guard\'s stops (upper bound: hours left until MaxRuntime)');
    expect(rows(saved)).toEqual([
      ['cdk-sustainable-ml/TrainingJobGuard', 'InstanceHoursSaved', 'FunctionName', guardRef, { label: 'instance-hours', period: 3600, stat: 'Sum' }],
      ['cdk-sustainable-ml/TrainingJobGuard', 'AcceleratorHoursSaved', 'FunctionName', guardRef, { label: 'accelerator-hours', period: 3600, stat: 'Sum' }],
    ]);
    expect(expressions(titled(widgets, 'Over-provisioned instance-hours of ended guarded jobs, by instance type (daily)'))).toEqual([
      `SEARCH('${GUARD_NS},FunctionName,InstanceType} MetricName="OverProvisionedInstanceHours" FunctionName="${guardRef}"', 'Sum', 86400)`,
    ]);
    const totals = widgets.find((w) => w.properties.view === 'singleValue')!;
    expect(totals.properties.setPeriodToTimeRange).toBe(true);
    expect(rows(totals).map((r) => [r[1], r[4].stat])).toEqual([['JobsStopped', 'Sum'], ['InstanceHoursSaved', 'Sum'], ['AcceleratorHoursSaved', 'Sum']]);
  });

  test('the bucket: daily BucketSizeBytes of every storage class (SEARCH on BucketName, StorageType) and NumberOfObjects of AllStorageTypes', () => {
    const size = titled(widgets, 'Artifacts bucket size by storage class (daily)');
    expect(rows(size)).toEqual([{
      expression: `SEARCH('{AWS/S3,BucketName,StorageType} MetricName="BucketSizeBytes" BucketName="${bucketRef}"', 'Average', 86400)`,
      label: "${PROP('Dim.StorageType')}",
      period: 86400,
    }]);
    const objects = titled(widgets, 'Artifacts bucket objects (daily)');
    expect(rows(objects)).toEqual([['AWS/S3', 'NumberOfObjects', 'BucketName', bucketRef, 'StorageType', 'AllStorageTypes', { label: 'objects', period: 86400 }]]);
  });

  test('the stack with the dashboard passes cdk-nag AwsSolutions with nothing new to acknowledge', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v: any) => `${v.ruleName} ${v.violatingResources.map((r: any) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('jobs and objectives added after construction', () => {
  const image = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/churn:1');
  const auc = (target?: number) => Objective.maximize('validation:auc', 'auc=([0-9.]+)', {
    ...(target !== undefined ? { target } : {}), trainingMetric: { name: 'train:auc', regex: 'train-auc=([0-9.]+)' },
  });
  /** A stack with a training job (validation:auc, target 0.85), its tuning job and an objective on validation:loss. */
  function jobs() {
    const stack = newTestStack();
    const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
    const job = new SustainableTrainingJob(stack, 'Job', { image, artifactsBucket: artifacts, jobNamePrefix: 'churn-xgb', objective: auc(0.85) });
    const tuning = new SustainableTuningJob(stack, 'Tuning', {
      trainingJob: job, jobNamePrefix: 'churn-hpo', ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)],
    });
    const loss = Objective.minimize('validation:loss', 'loss=([0-9.]+)', { target: 0.2 });
    return { stack, job, tuning, loss };
  }
  const objectiveGraphs = (widgets: Widget[]) => widgets.filter((w) => /^Objective/.test(w.properties.title ?? ''));
  /** Each widget's place and title: the layout of the body. */
  const layout = (widgets: Widget[]) => widgets.map((w) => [(w as any).x, (w as any).y, w.width, w.height, w.properties.title ?? w.type]);
  const AUC_SEARCH = `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="validation:auc"', 'Average', 300)`;

  test('addTrainingJob charts the job\'s objective, its training metric and its target, between utilisation and the guard', () => {
    const { stack, job } = jobs();
    const dashboard = new TrainingEfficiencyDashboard(stack, 'Efficiency');
    dashboard.addTrainingJob(job);
    const widgets = body(stack).widgets;
    const graph = titled(widgets, 'Objective validation:auc (higher is better)');
    expect(expressions(graph)).toEqual([AUC_SEARCH, `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="train:auc"', 'Average', 300)`]);
    expect(graph.properties.annotations.horizontal).toEqual([{ value: 0.85, label: 'target (SML-ACCEPT)', color: '#2ca02c', yAxis: 'left' }]);
    // Its own row right under the utilisation graphs (y 3 to 15), the guard's row under it.
    expect((graph as any).y).toBe(15);
    expect((titled(widgets, 'Training jobs stopped by the guard, by reason (SML-GUARD)') as any).y).toBe(21);
  });

  test('addTuningJob and addObjective chart the tuning job\'s objective and a further objective', () => {
    const { stack, tuning, loss } = jobs();
    const dashboard = new TrainingEfficiencyDashboard(stack, 'Efficiency');
    dashboard.addTuningJob(tuning);
    dashboard.addObjective(loss);
    const graphs = objectiveGraphs(body(stack).widgets);
    expect(graphs.map((w) => w.properties.title)).toEqual(['Objective validation:auc (higher is better)', 'Objective validation:loss (lower is better)']);
    expect(graphs.map((w) => w.properties.annotations.horizontal.map((a: any) => a.value))).toEqual([[0.85], [0.2]]);
  });

  test('the same objective metric added twice is one graph, with every target once and the training metric once', () => {
    const { stack, job, tuning } = jobs();
    const dashboard = new TrainingEfficiencyDashboard(stack, 'Efficiency', { trainingJobs: [job] });
    dashboard.addTrainingJob(job);
    dashboard.addTuningJob(tuning); // the same training job's objective
    dashboard.addObjective(auc(0.9));
    dashboard.addObjective(auc());
    const graphs = objectiveGraphs(body(stack).widgets);
    expect(graphs).toHaveLength(1);
    expect(expressions(graphs[0])).toEqual([AUC_SEARCH, `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="train:auc"', 'Average', 300)`]);
    expect(graphs[0].properties.annotations.horizontal.map((a: any) => a.value)).toEqual([0.85, 0.9]);
  });

  test('a dashboard built with props has the body of one whose jobs are added after construction, in the layout of one row per addWidgets', () => {
    const a = jobs();
    const fromProps = body(new TrainingEfficiencyDashboard(a.stack, 'Efficiency', {
      trainingJobs: [a.job], tuningJobs: [a.tuning], objectives: [a.loss, Objective.maximize('acc', 'acc=([0-9.]+)')],
    }).dashboard.stack);
    const b = jobs();
    const later = new TrainingEfficiencyDashboard(b.stack, 'Efficiency');
    later.addTrainingJob(b.job);
    later.addTuningJob(b.tuning);
    later.addObjective(b.loss);
    later.addObjective(Objective.maximize('acc', 'acc=([0-9.]+)'));
    expect(body(b.stack)).toEqual(fromProps);
    // The layout main renders (three objective graphs wrap onto a second line of their row); without objectives the
    // guard's row follows the utilisation graphs directly.
    expect(layout(fromProps.widgets).slice(6, 11)).toEqual([
      [0, 15, 12, 6, 'Objective validation:auc (higher is better)'],
      [12, 15, 12, 6, 'Objective validation:loss (lower is better)'],
      [0, 21, 12, 6, 'Objective acc (higher is better)'],
      [0, 27, 12, 6, 'Training jobs stopped by the guard, by reason (SML-GUARD)'],
      [12, 27, 12, 6, 'Hours saved by the guard\'s stops (upper bound: hours left until MaxRuntime)'],
    ]);
    expect(layout(build().widgets).slice(5, 7)).toEqual([
      [12, 9, 12, 6, 'GPU memory utilisation per host'],
      [0, 15, 12, 6, 'Training jobs stopped by the guard, by reason (SML-GUARD)'],
    ]);
  });

  test('widgets the user adds to the dashboard stay after the objective graphs added later', () => {
    const { stack, job } = jobs();
    const dashboard = new TrainingEfficiencyDashboard(stack, 'Efficiency');
    dashboard.dashboard.addWidgets(new TextWidget({ markdown: 'mine', width: 24, height: 2 }));
    dashboard.addTrainingJob(job);
    const widgets = body(stack).widgets;
    expect(widgets[widgets.length - 1].properties.markdown).toBe('mine');
    expect(widgets.findIndex((w) => w.properties.title === 'Objective validation:auc (higher is better)')).toBe(6);
  });

  test('a training job without an objective adds no graph', () => {
    const { stack } = jobs();
    const bare = new SustainableTrainingJob(stack, 'Bare', { image, artifactsBucket: new MlArtifactsBucket(stack, 'Other') });
    const dashboard = new TrainingEfficiencyDashboard(stack, 'Efficiency');
    dashboard.addTrainingJob(bare);
    expect(objectiveGraphs(body(stack).widgets)).toEqual([]);
  });

  test('fails when an objective added later has a metric name a search query cannot hold, at the call', () => {
    const dashboard = new TrainingEfficiencyDashboard(newTestStack(), 'Efficiency');
    expect(() => dashboard.addObjective(Objective.minimize("it's loss", 'loss=([0-9.]+)'))).toThrow(/^SML-MEASURE: objective\.metricName 'it's loss': holds a single quote/);
  });
});

describe('options', () => {
  test('jobNamePrefixes: one SEARCH per prefix, a partial (token) match on Host and on TrainingJobName', () => {
    const { widgets } = build({ jobNamePrefixes: ['churn-xgb', 'churn-hpo', 'churn-xgb'], objectives: [Objective.minimize('loss', 'loss=([0-9.]+)')] });
    expect(expressions(titled(widgets, 'GPU utilisation per host'))).toEqual([
      utilisation('GPUUtilization', ' Host=churn-xgb'),
      utilisation('GPUUtilization', ' Host=churn-hpo'),
    ]);
    expect(expressions(titled(widgets, 'Objective loss (lower is better)'))).toEqual([
      `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="loss" TrainingJobName=churn-xgb', 'Average', 300)`,
      `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="loss" TrainingJobName=churn-hpo', 'Average', 300)`,
    ]);
  });

  test('period, defaultInterval, dashboardName, logGroups', () => {
    const stack = newTestStack();
    const { widgets } = build({
      period: Duration.minutes(1), defaultInterval: Duration.days(14), dashboardName: 'ml-efficiency',
      logGroups: [SageMakerLogGroup.TRAINING_JOBS],
    }, stack);
    expect(rows(titled(widgets, 'CPU utilisation per host'))).toEqual([{ expression: utilisation('CPUUtilization').replace(', 300)', ', 60)'), label: HOST_LABEL, period: 60 }]);
    expect(body(stack).start).toBe('-P14D');
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'ml-efficiency' });
    expect(rows(titled(widgets, 'Bytes ingested by the SageMaker log groups (SML-LOGS)')).map((r) => r[3])).toEqual(['/aws/sagemaker/TrainingJobs']);
  });

  test('exact matches escape ", \\, ( and ) in metric names', () => {
    const { widgets } = build({ objectives: [Objective.minimize('val(loss) "x" a\\b', 'loss=([0-9.]+)')] });
    const w = widgets.find((x) => /^Objective/.test(x.properties.title ?? ''))!;
    expect(expressions(w)).toEqual([
      `SEARCH('{/aws/sagemaker/TrainingJobs,TrainingJobName} MetricName="val\\(loss\\) \\"x\\" a\\\\b"', 'Average', 300)`,
    ]);
  });

  test('accepts tokens: an imported bucket, a prefix and a period that resolve at deploy time', () => {
    const stack = newTestStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Imported', Lazy.string({ produce: () => 'my-artifacts' }));
    const period = Duration.seconds(Lazy.number({ produce: () => 600 })); // CDK converts token durations only from seconds
    const { widgets } = build({ bucket, period, jobNamePrefixes: [Lazy.string({ produce: () => 'team-a' })] }, stack);
    expect(expressions(titled(widgets, 'Artifacts bucket size by storage class (daily)'))[0]).toContain('BucketName="my-artifacts"');
    expect(rows(titled(widgets, 'CPU utilisation per host'))).toEqual([{
      expression: utilisation('CPUUtilization', ' Host=team-a').replace(', 300)', ', 600)'), label: HOST_LABEL, period: 600,
    }]);
    // The whole-minutes check cannot run on a deploy-time period: an info note says so.
    Annotations.fromStack(stack).hasInfo('/TestStack/Efficiency', Match.stringLikeRegexp('^SML-MEASURE: period is a token .*whole minutes are not checked at synth'));
  });

  test('fails when a deploy-time period is not given in seconds, or the default interval is a deploy-time value', () => {
    expect(() => build({ period: Duration.minutes(Lazy.number({ produce: () => 10 })) }))
      .toThrow(/^SML-MEASURE: period 'Duration\.minutes\(<deploy-time value>\)'.*give it in seconds/);
    expect(() => build({ defaultInterval: Duration.days(Lazy.number({ produce: () => 7 })) }))
      .toThrow(/^SML-MEASURE: defaultInterval .*must be known at synth time/);
  });

  test('the guard metric names are the ones the handler publishes and the construct\'s helpers read', () => {
    expect(HANDLER_METRICS).toEqual(GUARD_METRICS);
    const guard = new TrainingJobGuard(newTestStack(), 'Guard');
    expect([guard.metricJobsStopped(), guard.metricJobsWouldStop(), guard.metricInstanceHoursSaved(), guard.metricAcceleratorHoursSaved()]
      .map((m) => m.metricName)).toEqual([GUARD_METRICS.JOBS_STOPPED, GUARD_METRICS.JOBS_WOULD_STOP, GUARD_METRICS.INSTANCE_HOURS_SAVED, GUARD_METRICS.ACCELERATOR_HOURS_SAVED]);
  });
});

describe('refusals', () => {
  test('fails when period is not whole minutes', () => {
    expect(() => build({ period: Duration.seconds(90) })).toThrow(/^SML-MEASURE: period 1 minute 30 seconds: must be whole minutes.*Fix: use e\.g\. Duration\.minutes\(5\)/);
    expect(() => build({ period: Duration.seconds(30) })).toThrow(/^SML-MEASURE: period/);
  });

  test('fails when a job-name prefix holds characters a job name cannot', () => {
    expect(() => build({ jobNamePrefixes: ['churn xgb'] })).toThrow(/^SML-MEASURE: jobNamePrefixes 'churn xgb': can only hold letters, digits and hyphens/);
  });

  test('fails when a metric name holds a single quote (it would end the search query)', () => {
    expect(() => build({ objectives: [Objective.minimize("it's loss", 'loss=([0-9.]+)')] })).toThrow(/^SML-MEASURE: objective\.metricName 'it's loss': holds a single quote/);
  });

  test('fails when more than 100 prefixes are given (a graph holds at most 100 search expressions)', () => {
    const prefixes = Array.from({ length: 101 }, (_, i) => `team-${i}`);
    expect(() => build({ jobNamePrefixes: prefixes })).toThrow(/^SML-MEASURE: jobNamePrefixes '101 prefixes': a graph holds at most 100 search expressions/);
  });

  test('fails when a search query would exceed 1,024 characters', () => {
    expect(() => build({ objectives: [Objective.minimize('m'.repeat(255), 'x=([0-9]+)')], jobNamePrefixes: ['p'.repeat(800)] }))
      .toThrow(/^SML-MEASURE: objective\.metricName, jobNamePrefixes .*makes a search query of \d+ characters; CloudWatch accepts at most 1024/);
  });
});
