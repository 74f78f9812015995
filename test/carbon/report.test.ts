import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  Footprint, FootprintReport, Objective, SustainableTrainingJob, SustainableTrainingJobProps, TrainingImage, TrainingInstance, TrainingPipeline, TrainingWorkflow,
} from '../../lib';
import { buildExampleApp } from '../../bin/example';
import { newTestApp } from '../support/app';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const auc = Objective.maximize('validation:auc', 'auc=([0-9.]+)', { target: 0.9 });
const P4D = TrainingInstance.of('ml.p4d.24xlarge');

function stackIn(app: App, region = 'us-west-2'): Stack {
  return new Stack(app, 'TestStack', { env: { region } });
}

function job(stack: Stack, props: Partial<SustainableTrainingJobProps> = {}, id = 'Job'): SustainableTrainingJob {
  return new SustainableTrainingJob(stack, id, { image: IMAGE, jobNamePrefix: id.toLowerCase(), objective: auc, ...props });
}

/** Synthesize with stderr captured; returns what the report printed. */
function synthQuietly(app: App): string {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    app.synth();
    return spy.mock.calls.map((c) => String(c[0])).join('');
  } finally {
    spy.mockRestore();
  }
}

describe('FootprintReport at synth', () => {
  const app = newTestApp();
  const stack = stackIn(app);
  new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack, { instanceType: TrainingInstance.G5_XLARGE, spot: false }) });
  const report = new FootprintReport(app, 'Report');
  let printed = '';
  // In a hook, so that the validation report of the expected SML-SPOT warning is held back like a test's.
  beforeAll(() => { printed = synthQuietly(app); });

  test('writes sustainability-report.json and .md to the cloud assembly directory', () => {
    expect(report.files.map((f) => path.basename(f))).toEqual(['sustainability-report.json', 'sustainability-report.md']);
    const json = JSON.parse(fs.readFileSync(path.join(app.outdir, 'sustainability-report.json'), 'utf8'));
    expect(json.runs).toHaveLength(1);
    expect(json.runs[0]).toMatchObject({ path: 'TestStack/Flow', kind: 'workflow', region: { region: 'us-west-2', kgCo2ePerKwh: 0.322167 } });
    expect(json.coverage).toMatchObject({ total: 225, known: 45, estimated: 143, unknown: 37 });
    const md = fs.readFileSync(path.join(app.outdir, 'sustainability-report.md'), 'utf8');
    expect(md).toMatch(/^# Sustainability report/);
    expect(md).toMatch(/\| aws-cdk-lib SageMakerCreateTrainingJob defaults \| 1 × ml\.g5\.xlarge \| 1 \| 1 \|/);
    expect(md).toMatch(/Sources:\n- g5\.xlarge: cloud-carbon-footprint@b7a049c7/);
  });

  test('prints one compact table with instances, spot, worst case, comparison and deviations', () => {
    expect(printed).toMatch(/cdk-sustainable-ml footprint \(SML-MEASURE\): worst case of one run, PUE 1\.135/);
    expect(printed).toMatch(/TestStack \(us-west-2, 0\.322167 kgCO2e\/kWh\)/);
    // 161.8361 W × 8 h × 1.135 = 1.47 kWh; × 0.322167 = 0.473 kg; aws-cdk-lib keeps the type, 1 h: 0.184 kWh; SDK 24 h: 4.41 kWh
    expect(printed).toMatch(/ {2}Flow \(workflow\) +off +8 +8 +1\.47 +0\.473 +0\.184 +4\.41 +Job: instance ml\.g5\.xlarge; Job: spot off; warns SML-SPOT/);
    expect(printed).toMatch(/ {4}training Job +1 × ml\.g5\.xlarge +off +8 +8 +1\.47/);
  });

  test('the report is quiet when print is off', () => {
    const quiet = newTestApp();
    const s = stackIn(quiet);
    new TrainingWorkflow(s, 'Flow', { trainingJob: job(s) });
    new FootprintReport(quiet, 'Report', { print: false });
    expect(synthQuietly(quiet)).toBe('');
  });
});

describe('SML-BUDGET', () => {
  test('fails when a workflow\'s worst case exceeds its carbonBudget, with the figures', () => {
    const stack = stackIn(newTestApp(), 'eu-central-1');
    // p4d.24xlarge: 4050.19 W × 8 h × 1.135 = 36.78 kWh × 0.311 = 11.4 kgCO2e
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack, { instanceType: P4D }), carbonBudget: 5 }))
      .toThrow(/^SML-BUDGET: carbonBudget '5 kgCO2e per run': the worst case of one run is 11\.4 kgCO2e: 36\.8 kWh \(PUE included\) × 0\.311 kgCO2e\/kWh \(eu-central-1, EEA\); training ml\.p4d\.24xlarge: 1 × 8 h MaxRuntime .* = 8 instance-hours at 4,050 W \(known\) = 36\.8 kWh\. Fix: lower the worst case/);
  });

  test('a workflow within its budget synthesizes', () => {
    const stack = stackIn(newTestApp(), 'eu-central-1');
    const flow = new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack, { instanceType: P4D }), carbonBudget: 12 });
    expect(flow.carbonBudget).toBe(12);
  });

  test('fails when a pipeline\'s worst case exceeds its carbonBudget', () => {
    const stack = stackIn(newTestApp(), 'us-east-1');
    expect(() => new TrainingPipeline(stack, 'Pipe', { trainingJob: job(stack, { instanceType: P4D }), carbonBudget: 1 }))
      .toThrow(/^SML-BUDGET: carbonBudget '1 kgCO2e per run': the worst case of one run is 13\.9 kgCO2e/);
  });

  test('fails when the app-wide context budget is exceeded', () => {
    const stack = stackIn(newTestApp({ context: { 'cdk-sustainable-ml:carbonBudget': '2' } }), 'eu-central-1');
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack, { instanceType: P4D }) }))
      .toThrow(/^SML-BUDGET: context cdk-sustainable-ml:carbonBudget '2 kgCO2e per run': the worst case of one run is 11\.4 kgCO2e/);
  });

  test('fails when FootprintReport\'s app-wide budget is exceeded at synth, naming every run over it', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'eu-central-1');
    new TrainingWorkflow(stack, 'Big', { trainingJob: job(stack, { instanceType: P4D }) });
    new TrainingWorkflow(stack, 'Small', { trainingJob: job(stack, {}, 'SmallJob') });
    new FootprintReport(app, 'Report', { carbonBudget: 5, print: false });
    expect(() => app.synth()).toThrow(/SML-BUDGET: FootprintReport carbonBudget 5 kgCO2e per run: TestStack\/Big: the worst case of one run is 11\.4 kgCO2e/);
  });

  test('a run\'s own budget takes precedence over the report\'s', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'eu-central-1');
    new TrainingWorkflow(stack, 'Big', { trainingJob: job(stack, { instanceType: P4D }), carbonBudget: 20 });
    new FootprintReport(app, 'Report', { carbonBudget: 5, print: false });
    expect(() => app.synth()).not.toThrow();
  });

  test('environment-agnostic: the budget is checked at the highest factor in the table, and the message says so', () => {
    const stack = new Stack(newTestApp(), 'TestStack');
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack, { instanceType: P4D }), carbonBudget: 30 }))
      .toThrow(/the worst case of one run is 33\.1 kgCO2e: 36\.8 kWh \(PUE included\) × 0\.9006 kgCO2e\/kWh \(af-south-1, the highest factor in the table: the stack is environment-agnostic; set env\.region/);
  });

  test('fails when carbonBudget is not a positive number', () => {
    const stack = stackIn(newTestApp());
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack), carbonBudget: 0 })).toThrow(/^SML-BUDGET: carbonBudget 0: must be a positive number of kgCO2e per run/);
    expect(() => new FootprintReport(newTestApp(), 'R', { carbonBudget: -1 })).toThrow(/^SML-BUDGET: carbonBudget -1/);
    const bad = stackIn(newTestApp({ context: { 'cdk-sustainable-ml:carbonBudget': 'lots' } }));
    expect(() => new TrainingWorkflow(bad, 'Flow', { trainingJob: job(bad) })).toThrow(/^SML-BUDGET: context cdk-sustainable-ml:carbonBudget 'lots': must be a positive number/);
  });

  test('an unknown power figure cannot be checked: a warning names why, synth goes on', () => {
    const stack = stackIn(newTestApp(), 'us-east-1');
    const trn = job(stack, { instanceType: TrainingInstance.TRN1_2XLARGE, image: TrainingImage.fromUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training-neuronx:2.9.0') });
    new TrainingWorkflow(stack, 'Flow', { trainingJob: trn, carbonBudget: 1 });
    Annotations.fromStack(stack).hasWarning('/TestStack/Flow', Match.stringLikeRegexp('^SML-BUDGET: carbonBudget 1 kgCO2e per run cannot be checked: .*no public power figure for the AWS Trainium chip'));
  });

  test('fails when carbonBudget is set at deploy time: it could never be checked', () => {
    const stack = stackIn(newTestApp());
    const budget = new CfnParameter(stack, 'Budget', { type: 'Number' }).valueAsNumber;
    expect(() => new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack), carbonBudget: budget }))
      .toThrow(/^SML-BUDGET: carbonBudget \(a deploy-time value\): must be known at synth time: the budget is compared with the worst case when the app synthesizes/);
  });

  test('fails when an expected-figure option is outside 0–1 or watts are not positive', () => {
    const stack = stackIn(newTestApp());
    const j = job(stack);
    expect(() => Footprint.ofTrainingJob(j, { expectedUtilization: 1.5 })).toThrow(/^SML-MEASURE: expectedUtilization 1\.5: must be a share from 0 to 1/);
    expect(() => Footprint.ofTrainingJob(j, { instanceWatts: { 'ml.m5.large': 0 } })).toThrow(/^SML-MEASURE: instanceWatts\['ml\.m5\.large'\] 0: must be a positive number of watts/);
    expect(() => new FootprintReport(newTestApp(), 'R', { expectedTuningSavings: -0.1 })).toThrow(/^SML-MEASURE: expectedTuningSavings -0\.1: must be a share from 0 to 1/);
  });
});

describe('the example app\'s report', () => {
  const app = newTestApp();
  buildExampleApp(app);
  synthQuietly(app); // aspects (BoundedLogRetention, StudioIdleShutdown) run at synth, as in `npm run synth`
  const text = FootprintReport.format(app);

  test('covers notebooks, Studio, the guard and log retention', () => {
    expect(text).toMatch(/ok {3}SML-IDLE-NOTEBOOK +SustainableMlWorkspace Notebook: ml\.t3\.medium, stops after 1 h idle/);
    expect(text).toMatch(/ok {3}SML-GUARD +SustainableMlExample Guard: every 5 minutes/);
    expect(text).toMatch(/SML-LOGS +SustainableMlExample SageMakerLogs: 5 log groups SageMaker creates/);
  });

  test('shows per run what deviates from the defaults, not a list of rule ids', () => {
    expect(text).not.toMatch(/SML-START-SMALL \(SUS05-BP01\)/);
    expect(text).toMatch(/ChurnTuningWorkflow \(workflow\) .* ChurnBaseline: maxRuntime 1 h$/m);
  });

  test('the README shows the real output: what the report prints at synth (`npm run docs` rewrites it)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const sample = /<!-- report:start -->\n```\n([\s\S]*?)\n```\n<!-- report:end -->/.exec(readme);
    expect(sample).not.toBeNull();
    expect(sample![1]).toBe(text);
    const synthesized = newTestApp();
    buildExampleApp(synthesized);
    new FootprintReport(synthesized, 'SustainabilityReport');
    expect(synthQuietly(synthesized).trim()).toBe(sample![1]);
  });

  test('with a token maxRuntime-free definition, no value prints as a huge negative number', () => {
    expect(text).not.toMatch(/e\+\d{2,}/);
  });
});

describe('regions in the table', () => {
  test('a stack in a high-carbon region says so in its header, naming a lower-carbon region', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'us-east-2');
    new TrainingWorkflow(stack, 'Flow', { trainingJob: job(stack) });
    expect(FootprintReport.format(app)).toContain('TestStack (us-east-2, 0.410608 kgCO2e/kWh; above the mean of the table (SML-REGION): us-west-1 emits 0.322167)');
  });
});

describe('standalone definitions', () => {
  test('a training job no workflow or pipeline runs is reported on its own', () => {
    const app = newTestApp();
    const stack = stackIn(app);
    job(stack, { maxRuntime: Duration.hours(2) });
    const { runs } = FootprintReport.of(app);
    expect(runs.map((r) => `${r.path} ${r.kind} ${r.worstCaseInstanceHours}`)).toEqual(['TestStack/Job training job 2']);
  });
});
