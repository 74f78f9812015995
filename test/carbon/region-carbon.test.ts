import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Objective, RegionCarbon, SustainableTrainingJob, TrainingImage, TrainingInstance, TrainingPipeline, TrainingWorkflow } from '../../lib';
import { newTestStack } from '../support/app';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');

function workflowIn(region?: string): Stack {
  const stack = newTestStack(region ? { env: { region } } : {});
  const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn' });
  new TrainingWorkflow(stack, 'Flow', { trainingJob });
  return stack;
}

describe('RegionCarbon', () => {
  test('of: the factor with its source and year (CCF table of 2022-06-20)', () => {
    expect(RegionCarbon.of('us-west-2')).toMatchObject({
      region: 'us-west-2', known: true, kgCo2ePerKwh: 0.322167, source: 'EPA eGRID2020 NERC WECC', dataYear: 2020, sourceUrl: 'https://www.epa.gov/egrid/download-data',
    });
    expect(RegionCarbon.of('ap-south-1')).toMatchObject({ kgCo2ePerKwh: 0.7082, country: 'India', dataYear: 2021 });
    expect(RegionCarbon.of('eu-north-1')).toMatchObject({ kgCo2ePerKwh: 0.0088, source: 'EEA' });
    expect(RegionCarbon.of('eu-north-1').dataYear).toBeUndefined(); // CCF does not say which year the EEA figure is
    expect(RegionCarbon.of('us-west-2').vintage).toMatch(/CCF table of 2022-06-20 \(cloud-carbon-footprint\/cloud-carbon-footprint@b7a049c7/);
  });

  test('of: a region missing from the table is unknown, never the average', () => {
    const r = RegionCarbon.of('eu-central-2');
    expect(r).toMatchObject({ region: 'eu-central-2', known: false });
    expect(r.kgCo2ePerKwh).toBeUndefined();
    expect(r.source).toMatch(/not in the table \(27 regions/);
  });

  test('the table has 27 regions; the high-carbon line is their mean', () => {
    expect(RegionCarbon.all()).toHaveLength(27);
    expect(RegionCarbon.average()).toBeCloseTo(10.941347 / 27, 6); // the sum of the 27 factors / 27 = 0.405235
    expect(RegionCarbon.lowestInTable().region).toBe('eu-north-1');
    expect(RegionCarbon.highest().region).toBe('af-south-1');
  });

  test('lowest: the lowest known candidate; unknown candidates listed, not ranked; availability of the type stated as unknown', () => {
    const choice = RegionCarbon.lowest(['us-east-1', 'eu-central-2', 'eu-west-3', 'ca-central-1'], { instanceType: TrainingInstance.TRN1_32XLARGE });
    expect(choice.region).toBe('eu-west-3');
    expect(choice.ranked.map((r) => r.region)).toEqual(['eu-west-3', 'ca-central-1', 'us-east-1']);
    expect(choice.unknownRegions).toEqual(['eu-central-2']);
    expect(choice.availabilityKnown).toBe(false);
    expect(choice.note).toMatch(/whether SageMaker offers ml\.trn1\.32xlarge for training in these regions is not known to the library/);
  });

  test('lowest: no candidate with a known factor gives no region', () => {
    const choice = RegionCarbon.lowest(['eu-central-2', 'ap-southeast-4']);
    expect(choice.region).toBeUndefined();
    expect(choice.note).toMatch(/no candidate has a known carbon factor/);
  });

  test('alternatives stay in the partition, the same geography first', () => {
    expect(RegionCarbon.alternatives('us-east-2').slice(0, 3).map((r) => r.region)).toEqual(['us-west-1', 'us-west-2', 'us-east-1']);
    expect(RegionCarbon.alternatives('cn-north-1')).toEqual([]);
  });
});

describe('SML-REGION annotations', () => {
  test('a stack in a high-carbon region warns and names lower-carbon regions', () => {
    const a = Annotations.fromStack(workflowIn('ap-southeast-2'));
    a.hasWarning('/TestStack', Match.stringLikeRegexp('^SML-REGION: region ap-southeast-2 emits 0\\.76 kgCO2e/kWh .*above the 0\\.405 average of the 27 regions.*lower-carbon regions: ap-southeast-1 \\(0\\.408, same geography\\), ap-northeast-2 \\(0\\.4156, same geography\\), eu-north-1 \\(0\\.0088, lowest in the partition\\)'));
  });

  test('a stack in a region below the average does not warn', () => {
    Annotations.fromStack(workflowIn('us-west-2')).hasNoWarning('*', Match.stringLikeRegexp('SML-REGION'));
  });

  test('an environment-agnostic stack gets an info note that the region decides the footprint', () => {
    Annotations.fromStack(workflowIn()).hasInfo('/TestStack', Match.stringLikeRegexp('^SML-REGION: this stack is environment-agnostic, so the region decides its footprint'));
  });

  test('an unknown region gets an info note, not a guess', () => {
    Annotations.fromStack(workflowIn('eu-central-2')).hasInfo('/TestStack', Match.stringLikeRegexp('^SML-REGION: the carbon intensity of eu-central-2 is unknown'));
  });

  test('pipelines check the region too, once per stack', () => {
    const stack = newTestStack({ env: { region: 'af-south-1' } });
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: Objective.maximize('auc', 'auc=([0-9.]+)') });
    new TrainingPipeline(stack, 'Pipe', { trainingJob });
    new TrainingPipeline(stack, 'Pipe2', { trainingJob });
    expect(Annotations.fromStack(stack).findWarning('/TestStack', Match.stringLikeRegexp('SML-REGION'))).toHaveLength(1);
  });
});
