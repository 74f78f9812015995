/**
 * Footprint against hand-computed reference cases. Every expected figure below is worked out by hand from CCF's
 * published coefficients (cloud-carbon-footprint@b7a049c7 AwsFootprintEstimationConstants.ts; ccf-coefficients@b0032d92
 * for newer processors) and the region table, not from the library's code; the estimator must agree within 0.1 %.
 *
 *   instance W at 100 % = vCPU × max W/vCPU + GPUs × max W/GPU + extra GB × 0.392 W/GB
 *   extra GB            = (largest memory / chips − GB per chip of the microarchitecture) / (largest memory / memory)
 *   kWh                 = W × instance-hours × PUE 1.135 / 1000;  kgCO2e = kWh × region factor
 */
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import {
  Footprint, HyperparameterRange, Objective, PowerStatus, SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob,
  TrainingImage, TrainingInstance, TrainingPipeline, TrainingWorkflow,
} from '../../lib';
import { knownInstancePower } from '../../lib/data';
import { estimatePower } from '../../lib/carbon/instance-power';
import { newTestStack } from '../support/app';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const PUE = 1.135;
const auc = Objective.maximize('validation:auc', 'auc=([0-9.]+)', { target: 0.9 });

/** Within 0.1 % of the hand-computed value. */
function near(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected) / expected).toBeLessThan(0.001);
}

function job(stack: Stack, props: Partial<SustainableTrainingJobProps> = {}, id = 'Job'): SustainableTrainingJob {
  return new SustainableTrainingJob(stack, id, { image: IMAGE, jobNamePrefix: id.toLowerCase(), ...props });
}

describe('instance power (CCF method)', () => {
  test('ml.X is looked up as X: ml.p3.2xlarge draws about 209 W at 50 %, not the 19 W of CCF\'s SageMaker bug', () => {
    const p = Footprint.instancePower('ml.p3.2xlarge');
    // 8 vCPU × Broadwell (0.71..3.69) + 1 × V100 (35..306) + 52.2938 GB × 0.392: 61.18 W idle, 356.02 W max
    expect(p).toMatchObject({ lookedUpAs: 'p3.2xlarge', status: PowerStatus.KNOWN });
    near((p.idleWatts! + p.maxWatts!) / 2, 208.5992);
    near(p.maxWatts, 8 * 3.69 + 306 + 52.2938 * 0.392);
  });

  test('the estimator reproduces CCF\'s own figure for every one of the 45 training types CCF covers', () => {
    const known = knownInstancePower();
    expect(Object.keys(known)).toHaveLength(45);
    for (const [t, k] of Object.entries(known)) {
      const e = estimatePower(`ml.${t}`);
      near(e.idleWatts, k.instanceWattsExclPue.p0);
      near(e.maxWatts, k.instanceWattsExclPue.p100);
    }
  });

  test('a type CCF does not cover is estimated from the sourced processor table (ml.m7i.large, Sapphire Rapids)', () => {
    // ccf-coefficients 2026 Sapphire Rapids: 1.0362861..4.1604763 W/vCPU, 130.7952 GB/chip; family largest m7i.48xlarge
    // (192 vCPU, 768 GiB) → 2 chips → (384 − 130.7952) / (768 / 8) = 2.637550 GB extra
    const p = Footprint.instancePower('ml.m7i.large');
    expect(p.status).toBe(PowerStatus.ESTIMATED);
    near(p.maxWatts, 2 * 4.1604763 + 2.637550 * 0.392);
    near(p.idleWatts, 2 * 1.0362861 + 2.637550 * 0.392);
    expect(p.sources.join(' ')).toMatch(/ccf-coefficients@b0032d92 data\/aws-instances-latest-2026\.csv/);
  });

  test('Trainium is unknown, never an average; watts supplied by the user are used as given', () => {
    const p = Footprint.instancePower('ml.trn1.2xlarge');
    expect(p).toMatchObject({ status: PowerStatus.UNKNOWN });
    expect(p.maxWatts).toBeUndefined();
    expect(p.unknownBecause).toMatch(/no public power figure for the AWS Trainium chip/);
    expect(Footprint.instancePower('ml.trn1.2xlarge', 500)).toMatchObject({ status: PowerStatus.USER_SUPPLIED, maxWatts: 500 });
  });

  test('coverage of the 225 training types: 45 known, 143 estimated, 37 unknown', () => {
    const c = Footprint.powerCoverage();
    expect(c).toMatchObject({ total: 225, known: 45, estimated: 143, unknown: 37 });
    expect(c.unknownTypes.filter((u) => /trn/.test(u))).toHaveLength(4);
  });
});

describe('reference cases', () => {
  test('CPU: 1 × ml.m5.large for 8 h in us-west-2', () => {
    const stack = newTestStack({ env: { region: 'us-west-2' } });
    const e = Footprint.ofTrainingJob(job(stack));
    // m5.large: 2 × 4.26 + (384 − 81.32) / (384 / 8) × 0.392 = 10.99189 W
    const kwh = 10.99189 * 8 * PUE / 1000;
    expect(e.worstCaseInstanceHours).toBe(8);
    expect(e.worstCaseHours).toBe(16); // MaxWait: waiting for spot capacity draws no job power
    near(e.worstCaseKwh, kwh); // 0.0998064
    near(e.worstCaseKgCo2e, kwh * 0.322167); // 0.032154
    // expected at 50 %: (3.7719 + 10.99189) / 2 W
    near(e.expectedKwh, (3.77189 + 10.99189) / 2 * 8 * PUE / 1000);
    expect(e.sources.join('\n')).toMatch(/us-west-2: 0\.322167 kgCO2e\/kWh \(EPA eGRID2020 NERC WECC, 2020 data\)/);
  });

  test('single GPU: 1 × ml.g5.xlarge for 4 h in eu-west-1', () => {
    const stack = newTestStack({ env: { region: 'eu-west-1' } });
    const e = Footprint.ofTrainingJob(job(stack, { instanceType: TrainingInstance.G5_XLARGE, maxRuntime: Duration.hours(4) }));
    // 4 × 1.69 (EPYC 2nd Gen) + 153 (A10G) + (768 / 2 − 129.78) / (768 / 16) × 0.392 = 161.8361 W
    const kwh = 161.8361 * 4 * PUE / 1000;
    near(e.worstCaseKwh, kwh); // 0.734736
    near(e.worstCaseKgCo2e, kwh * 0.2786); // 0.204697
  });

  test('multi-GPU: 1 × ml.p3.16xlarge for 2 h in us-east-1', () => {
    const stack = newTestStack({ env: { region: 'us-east-1' } });
    const e = Footprint.ofTrainingJob(job(stack, { instanceType: TrainingInstance.of('ml.p3.16xlarge'), maxRuntime: Duration.hours(2) }));
    // 64 × 3.69 + 8 × 306 + (488 − 69.65) × 0.392 = 2848.1532 W
    const kwh = 2848.1532 * 2 * PUE / 1000;
    near(e.worstCaseKwh, kwh); // 6.46531
    near(e.worstCaseKgCo2e, kwh * 0.379069); // 2.45078
  });

  test('multi-instance: 4 × ml.c5.xlarge for 3 h in eu-north-1', () => {
    const stack = newTestStack({ env: { region: 'eu-north-1' } });
    const e = Footprint.ofTrainingJob(job(stack, { instanceType: TrainingInstance.C5_XLARGE, instanceCount: 4, maxRuntime: Duration.hours(3) }));
    // c5.xlarge: 4 × (3.97 + 4.26) / 2 + (192 − (98.12 + 81.32) / 2) / (192 / 8) × 0.392 = 18.13057 W
    expect(e.worstCaseInstanceHours).toBe(12);
    const kwh = 18.13057 * 12 * PUE / 1000;
    near(e.worstCaseKwh, kwh); // 0.246940
    near(e.worstCaseKgCo2e, kwh * 0.0088);
  });

  test('tuning with parallelism and retries: the tuning MaxRuntime caps 12 jobs × 2 h at 3 × 6 h; retries add nothing', () => {
    const tuning = (retryAttempts: number, maxRuntime?: Duration) => {
      const stack = newTestStack({ env: { region: 'us-west-2' } });
      const j = job(stack, { instanceType: TrainingInstance.M5_XLARGE, maxRuntime: Duration.hours(2), retryAttempts, objective: auc });
      return Footprint.ofTuningJob(new SustainableTuningJob(stack, 'Tune', {
        trainingJob: j, ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)], maxTrainingJobs: 12, maxParallelTrainingJobs: 3, maxRuntime,
      }));
    };
    // m5.xlarge: 4 × 4.26 + (384 − 81.32) / (384 / 16) × 0.392 = 21.98377 W
    const capped = tuning(5, Duration.hours(6));
    expect(capped.worstCaseInstanceHours).toBe(18); // min(12 × 2, 3 × 6)
    near(capped.worstCaseKwh, 21.98377 * 18 * PUE / 1000); // 0.449135
    near(capped.worstCaseKgCo2e, 21.98377 * 18 * PUE / 1000 * 0.322167);
    expect(capped.steps[0].bound).toMatch(/caps it at 3 × 6 h/);
    // Without a tighter tuning MaxRuntime (derived: ceil(12 / 3) × 4 h MaxWait = 16 h): 12 jobs × 2 h.
    const uncapped = tuning(5);
    expect(uncapped.worstCaseInstanceHours).toBe(24);
    near(uncapped.worstCaseKwh, 21.98377 * 24 * PUE / 1000);
    // MaxRuntime bounds all retry attempts together: 1 or 5 retries, the same worst case.
    expect(tuning(1).worstCaseKwh).toBe(uncapped.worstCaseKwh);
  });

  test('unknown instance: Trainium has no figure unless the user supplies watts', () => {
    const stack = newTestStack({ env: { region: 'us-east-2' } });
    const j = job(stack, { instanceType: TrainingInstance.TRN1_2XLARGE, image: TrainingImage.fromUri('763104351884.dkr.ecr.us-east-2.amazonaws.com/pytorch-training-neuronx:2.9.0') });
    const e = Footprint.ofTrainingJob(j);
    expect(e.worstCaseInstanceHours).toBe(8);
    expect(e.worstCaseKwh).toBeUndefined();
    expect(e.worstCaseKgCo2e).toBeUndefined();
    expect(e.unknowns.join('\n')).toMatch(/power of ml\.trn1\.2xlarge is unknown: no public power figure for the AWS Trainium chip.*pass instanceWatts/);
    const supplied = Footprint.ofTrainingJob(j, { instanceWatts: { 'ml.trn1.2xlarge': 500 } });
    near(supplied.worstCaseKwh, 500 * 8 * PUE / 1000); // 4.54
    near(supplied.worstCaseKgCo2e, 4.54 * 0.410608);
  });

  test('unknown region: the energy is known, the emissions are not, and no average is used', () => {
    const stack = newTestStack({ env: { region: 'eu-central-2' } });
    const e = Footprint.ofTrainingJob(job(stack));
    near(e.worstCaseKwh, 10.99189 * 8 * PUE / 1000);
    expect(e.region).toMatchObject({ region: 'eu-central-2', known: false });
    expect(e.worstCaseKgCo2e).toBeUndefined();
    expect(e.unknowns.join('\n')).toMatch(/carbon intensity of eu-central-2 is unknown/);
  });

  test('environment-agnostic: the worst case uses the highest factor in the table, and the lowest is given beside it', () => {
    const e = Footprint.ofTrainingJob(job(newTestStack()));
    const kwh = 10.99189 * 8 * PUE / 1000;
    expect(e.region.region).toBe('set at deploy time');
    near(e.worstCaseKgCo2e, kwh * 0.9006); // af-south-1
    near(e.lowestRegionKgCo2e, kwh * 0.0088); // eu-north-1
  });

  test('a workflow with a baseline: the worst path runs the baseline and the job; the best path the baseline only', () => {
    const stack = newTestStack({ env: { region: 'us-west-2' } });
    const main = job(stack, { objective: auc, instanceType: TrainingInstance.G5_XLARGE });
    const baseline = job(stack, { objective: auc, maxRuntime: Duration.hours(1) }, 'Base');
    const e = Footprint.ofWorkflow(new TrainingWorkflow(stack, 'Flow', { trainingJob: main, baseline }));
    const base = 10.99189 * 1 * PUE / 1000;
    const gpu = 161.8361 * 8 * PUE / 1000;
    expect(e.paths.map((p) => p.description)).toEqual([
      'the baseline meets its target: only the baseline runs',
      'the baseline misses its target: the baseline, then the training job (the gate after it runs nothing)',
    ]);
    near(e.paths[0].worstCaseKwh, base);
    near(e.worstCaseKwh, base + gpu);
    expect(e.worstCaseInstanceHours).toBe(9);
    expect(e.worstCaseHours).toBe(2 + 16);
    expect(e.deviations).toEqual(['Base: maxRuntime 1 h', 'Job: instance ml.g5.xlarge']);
  });

  test('a pipeline is estimated like the workflow, with its parameters at their defaults', () => {
    const stack = newTestStack({ env: { region: 'us-west-2' } });
    const e = Footprint.ofPipeline(new TrainingPipeline(stack, 'Pipe', { trainingJob: job(stack, { objective: auc }) }));
    near(e.worstCaseKwh, 10.99189 * 8 * PUE / 1000);
    expect(e.assumptions.join('\n')).toMatch(/InstanceType parameter can change/);
    expect(e.comparisons[0]).toMatchObject({ expressible: false });
  });
});

describe('comparison with aws-cdk-lib and the SageMaker Python SDK', () => {
  const stack = newTestStack({ env: { region: 'us-west-2' } });
  const e = Footprint.ofTrainingJob(job(stack));
  const [cdk, sdk] = e.comparisons;

  test('aws-cdk-lib: 1 × ml.m4.xlarge for 1 h, on demand; the change list says exactly that', () => {
    // m4.xlarge: 4 × (4.74 + 3.69) / 2 + (256 − (27.71 + 69.65) / 2) / (256 / 16) × 0.392 = 21.93934 W
    expect(cdk).toMatchObject({ expressible: true, instances: '1 × ml.m4.xlarge', spot: false, worstCaseInstanceHours: 1 });
    near(cdk.worstCaseKwh, 21.93934 * 1 * PUE / 1000);
    expect(cdk.changes).toEqual([
      'training: instance ml.m5.large (library default) → ml.m4.xlarge',
      'training: maxRuntime 8 h (library default) → 1 h',
      'training: spot on → off (the task cannot express spot): the same kWh, from on-demand instead of spare capacity',
      'training: 2 retries → none (no change to the bound: MaxRuntime covers all attempts)',
    ]);
    expect(cdk.source).toMatch(/aws-cdk-lib@2\.276\.0 aws-stepfunctions-tasks\/lib\/sagemaker\/create-training-job\.ts/);
  });

  test('SageMaker Python SDK v2: the same instance (it has no default), max_run 24 h, on demand', () => {
    expect(sdk).toMatchObject({ expressible: true, instances: '1 × ml.m5.large', spot: false, worstCaseInstanceHours: 24 });
    near(sdk.worstCaseKwh, 10.99189 * 24 * PUE / 1000);
    expect(sdk.source).toMatch(/sagemaker-python-sdk v2\.257\.6/);
  });

  test('spot is never counted as energy saved', () => {
    const onDemand = Footprint.ofTrainingJob(job(newTestStack({ env: { region: 'us-west-2' } }), { spot: false }));
    expect(onDemand.worstCaseKwh).toBe(e.worstCaseKwh);
  });

  test('settings that differ from the library\'s defaults are kept in the comparison', () => {
    const s = newTestStack({ env: { region: 'us-west-2' } });
    const c = Footprint.ofTrainingJob(job(s, { instanceType: TrainingInstance.G5_XLARGE, maxRuntime: Duration.hours(3) })).comparisons[0];
    expect(c.instances).toBe('1 × ml.g5.xlarge');
    expect(c.worstCaseInstanceHours).toBe(3);
  });

  test('a tuning job cannot be written with aws-cdk-lib\'s tasks; the SDK\'s default tuner runs one job', () => {
    const s = newTestStack({ env: { region: 'us-west-2' } });
    const t = Footprint.ofTuningJob(new SustainableTuningJob(s, 'Tune', { trainingJob: job(s, { objective: auc }), ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)] }));
    expect(t.worstCaseInstanceHours).toBe(80);
    expect(t.comparisons[0]).toMatchObject({ expressible: false });
    expect(t.comparisons[0].note).toMatch(/no task for CreateHyperParameterTuningJob/);
    expect(t.comparisons[1]).toMatchObject({ expressible: true, worstCaseInstanceHours: 24 });
    expect(t.comparisons[1].changes).toContain('tuning: maxTrainingJobs 10 (library default) → 1 (max_jobs=None becomes 1 for non-Grid strategies)');
  });
});

describe('values set at deploy time', () => {
  test('a CfnParameter instance count prints as set at deploy time, never as a number', () => {
    const stack = newTestStack({ env: { region: 'us-west-2' } });
    const count = new CfnParameter(stack, 'Count', { type: 'Number', default: 1 }).valueAsNumber;
    const e = Footprint.ofTrainingJob(job(stack, { instanceCount: count }));
    expect(e.steps[0].instances).toBe('set at deploy time × ml.m5.large');
    expect(e.worstCaseKwh).toBeUndefined();
    expect(e.unknowns).toEqual(['training (TestStack/Job): instanceCount is set at deploy time']);
    expect(e.deviations).toEqual(['Job: instanceCount set at deploy time']);
    expect(JSON.stringify(e)).not.toMatch(/e\+\d{3}/);
  });
});
