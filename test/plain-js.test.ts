/**
 * Plain-JavaScript callers have no type checker: what they write is cast through `any` here. Each wrong type is
 * refused with the prop, the value and the type expected, or converted as documented: an instance-type name string
 * through `TrainingInstance.of`, numbers and booleans in string maps (hyperparameters, environment, tags,
 * categorical values) to their text.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import {
  HyperparameterRange, MlArtifactsBucket, NotebookIdleShutdown, Objective, StudioIdleShutdown, FootprintReport,
  SustainableNotebookInstance, SustainableTrainingJob, SustainableTuningJob, TrainingImage, TrainingInstance,
  TrainingJobGuard, TrainingPipeline, TrainingWorkflow,
} from '../lib';
import { newTestStack } from './support/app';
import { expectValidCreateTrainingJob } from './support/requests';
import { expectValidTuningRequest } from './support/tuning';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const OBJECTIVE = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });

/** A training job as plain JavaScript would create it. */
function js(props: any, stack: Stack = newTestStack()): SustainableTrainingJob {
  return new SustainableTrainingJob(stack, 'Job', { image: IMAGE, ...props } as any);
}

describe('documented conversions', () => {
  test('an instance-type name string is converted with TrainingInstance.of', () => {
    const stack = newTestStack();
    const job = js({ instanceType: 'ml.p5.48xlarge' }, stack);
    expect(job.instanceType).toBeInstanceOf(TrainingInstance);
    expect(job.instanceType.acceleratorCount).toBe(8);
    const request = expectValidCreateTrainingJob(job, job.renderRequest());
    expect(request.ResourceConfig.InstanceType).toBe('ml.p5.48xlarge');
    expect(FootprintReport.format(stack)).toMatch(/training Job +1 × ml\.p5\.48xlarge/);
  });

  test('hyperparameter, environment and tag values that are numbers or booleans become their text, as the API requires', () => {
    const job = js({ hyperparameters: { num_round: 200, eta: 0.1, early_stop: true }, environment: { WORKERS: 4 }, tags: { cost_center: 42 } });
    const request = expectValidCreateTrainingJob(job, job.renderRequest());
    expect(request.HyperParameters).toEqual({ num_round: '200', eta: '0.1', early_stop: 'true' });
    expect(request.Environment).toEqual({ WORKERS: '4' });
    expect(request.Tags).toContainEqual({ Key: 'cost_center', Value: '42' });
  });

  test('categorical range values that are numbers become their text', () => {
    const stack = newTestStack();
    const trainingJob = js({ objective: OBJECTIVE }, stack);
    const tuning = new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: [HyperparameterRange.categorical('max_depth', [3, 5, 7] as any)] });
    const request = expectValidTuningRequest(tuning, tuning.renderRequest());
    expect(request.HyperParameterTuningJobConfig.ParameterRanges.CategoricalParameterRanges).toEqual([{ Name: 'max_depth', Values: ['3', '5', '7'] }]);
  });

  test('the pipeline\'s allowed instance types may be given as names', () => {
    const stack = newTestStack();
    const pipe = new TrainingPipeline(stack, 'Pipe', { trainingJob: js({ spot: false }, stack), allowedInstanceTypes: ['ml.m5.large', 'ml.m6i.large'] as any });
    expect(pipe.allowedInstanceTypes.map((t) => t.name)).toEqual(['ml.m5.large', 'ml.m6i.large']);
  });
});

/** Every wrong type tried, with the refusal expected (prop, value, type expected). */
const REFUSED: [string, () => unknown, RegExp][] = [
  ['maxRuntime is a number of seconds', () => js({ maxRuntime: 3600 }), /^SML-MAXRUN: maxRuntime 3600: must be a Duration, and it is a number. Fix: write Duration.seconds\(3600\)/],
  ['maxWait is a string', () => js({ maxWait: '16h' }), /^SML-MAXRUN: maxWait '16h': must be a Duration, and it is a string/],
  ['volumeSize is a number of GiB', () => js({ volumeSize: 50 }), /^SML-START-SMALL: volumeSize 50: must be a Size, and it is a number. Fix: write Size.gibibytes\(50\)/],
  ['image is missing', () => new SustainableTrainingJob(newTestStack(), 'Job', {} as any), /^SML-MANAGED: image undefined: is required: the container the job runs. Fix: pass e.g. TrainingImage.fromUri/],
  ['image is a URI string', () => js({ image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1' }), /^SML-MANAGED: image '123456789012.dkr.ecr.us-west-2.amazonaws.com\/train:1': must be a TrainingImage, and it is a string. Fix: write TrainingImage.fromUri\('123456789012/],
  ['the props are missing', () => new (SustainableTrainingJob as any)(newTestStack(), 'Job'), /^SML-MANAGED: props undefined: are required \(at least image\)/],
  ['instanceType is a misspelt name', () => js({ instanceType: 'ml.p5.48xlarg' }), /^SML-SILICON: instanceType 'ml.p5.48xlarg': is not a SageMaker training instance type.*Fix: use one of ml.p5.48xlarge/],
  ['instanceType is a number', () => js({ instanceType: 5 }), /^SML-SILICON: instanceType 5: must be a TrainingInstance \(or its API name as a string\), and it is a number/],
  ['instanceType is an object', () => js({ instanceType: { name: 'ml.m5.large' } }), /^SML-SILICON: instanceType \{"name":"ml.m5.large"\}: must be a TrainingInstance \(or its API name as a string\), and it is a Object/],
  ['TrainingInstance.of gets no name', () => (TrainingInstance as any).of(undefined), /^SML-SILICON: instanceType undefined: must be a training instance type name \(a string such as 'ml.m5.large'\), and it is a undefined/],
  ['jobNamePrefix is a number', () => js({ jobNamePrefix: 42 }), /^SML-MANAGED: jobNamePrefix 42: must be a string, and it is a number/],
  ['instanceCount is a string', () => js({ instanceCount: '2' }), /^SML-START-SMALL: instanceCount '2': must be a number, and it is a string. Fix: write 2 without quotes/],
  ['retryAttempts is a string', () => js({ retryAttempts: 'three' }), /^SML-MAXRUN: retryAttempts 'three': must be a number, and it is a string. Fix: give a number/],
  ['a hyperparameter value is an object', () => js({ hyperparameters: { layers: [64, 32] } }), /^SML-MANAGED: hyperparameters.layers \[64,32\]: must be a string \(the SageMaker API takes strings; numbers and booleans are converted\), and it is an array/],
  ['a hyperparameter value is null', () => js({ hyperparameters: { eta: null } }), /^SML-MANAGED: hyperparameters.eta null: must be a string.*and it is null/],
  ['a hyperparameter value is not a finite number', () => js({ hyperparameters: { eta: Infinity } }), /^SML-MANAGED: hyperparameters.eta Infinity: must be a string/],
  ['the hyperparameters are a list', () => js({ hyperparameters: ['eta=0.1'] }), /^SML-MANAGED: hyperparameters \["eta=0.1"\]: must be a map of names to strings, and it is an array/],
  ['an environment value is an object', () => js({ environment: { CONFIG: { a: 1 } } }), /^SML-MANAGED: environment.CONFIG \{"a":1\}: must be a string/],
  ['a tag value is undefined', () => js({ tags: { team: undefined } }), /^SML-MANAGED: tags.team undefined: must be a string/],
  ['a categorical value is an object', () => HyperparameterRange.categorical('opt', [{ name: 'adam' }] as any), /^SML-HPO-SPACE: ranges\[opt\].values\[0\] \{"name":"adam"\}: must be a string/],
  ['a range bound is a string', () => HyperparameterRange.continuous('eta', '0.01' as any, 0.3), /^SML-HPO-SPACE: ranges\[eta\].min '0.01': must be a number, and it is a string. Fix: write 0.01 without quotes/],
  ['the objective target is a string', () => Objective.maximize('auc', 'auc=([0-9.]+)', { target: '0.9' as any }), /^SML-ACCEPT: objective.target '0.9': must be a number, and it is a string. Fix: write 0.9 without quotes/],
  ['a tuning job count is a string', () => {
    const stack = newTestStack();
    return new SustainableTuningJob(stack, 'Tune', { trainingJob: js({ objective: OBJECTIVE }, stack), ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)], maxTrainingJobs: '10' as any });
  }, /^SML-HPO-SPACE: maxTrainingJobs '10': must be a number, and it is a string. Fix: write 10 without quotes/],
  ['the tuning maxRuntime is a number', () => {
    const stack = newTestStack();
    return new SustainableTuningJob(stack, 'Tune', { trainingJob: js({ objective: OBJECTIVE }, stack), ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)], maxRuntime: 86400 as any });
  }, /^SML-MAXRUN: maxRuntime 86400: must be a Duration, and it is a number/],
  ['the workflow timeout is a number', () => {
    const stack = newTestStack();
    return new TrainingWorkflow(stack, 'Flow', { trainingJob: js({}, stack), timeout: 7200 as any });
  }, /^SML-MAXRUN: timeout 7200: must be a Duration, and it is a number/],
  ['the pipeline cache expiry is a number of days', () => {
    const stack = newTestStack();
    return new TrainingPipeline(stack, 'Pipe', { trainingJob: js({}, stack), cacheExpireAfter: 30 as any });
  }, /^SML-CACHE: cacheExpireAfter 30: must be a Duration, and it is a number/],
  ['an allowed pipeline instance type is a number', () => {
    const stack = newTestStack();
    return new TrainingPipeline(stack, 'Pipe', { trainingJob: js({}, stack), allowedInstanceTypes: ['ml.m5.large', 2] as any });
  }, /^SML-SILICON: allowedInstanceTypes\[1\] 2: must be a TrainingInstance/],
  ['the guard schedule is a number of minutes', () => new TrainingJobGuard(newTestStack(), 'Guard', { schedule: 5 as any }), /^SML-GUARD: schedule 5: must be a Duration, and it is a number. Fix: write Duration.seconds\(5\)/],
  ['the guard threshold is a string', () => new TrainingJobGuard(newTestStack(), 'Guard', { idleThresholdPercent: '5%' as any }), /^SML-GUARD: idleThresholdPercent '5%': must be a number, and it is a string. Fix: give a number/],
  ['the notebook idle threshold is a number', () => new NotebookIdleShutdown(newTestStack(), 'Idle', { idleThreshold: 3600 as any }), /^SML-IDLE-NOTEBOOK: idleThreshold 3600: must be a Duration/],
  ['the notebook volume is a number', () => {
    const stack = newTestStack();
    return new SustainableNotebookInstance(stack, 'Nb', { vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }), volumeSize: 10 as any });
  }, /^SML-START-SMALL: volumeSize 10: must be a Size/],
  ['the Studio idle timeout is a number of minutes', () => new StudioIdleShutdown({ idleTimeout: 60 as any }), /^SML-IDLE-STUDIO: idleTimeout 60: must be a Duration/],
  ['a bucket expiration is a number of days', () => new MlArtifactsBucket(newTestStack(), 'B', { scratchExpiration: 30 as any }), /^SML-ARTIFACTS: scratchExpiration 30: must be a Duration/],
];

describe('refusals that name the prop and the type expected', () => {
  test.each(REFUSED)('fails when %s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
  test.each(REFUSED)('the refusal when %s is a SustainabilityError with a fix, never a TypeError', (_name, fn) => {
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('SustainabilityError');
    expect((error as Error).message).toMatch(/Fix: .+\((MLSUS|SUS)\d\d-BP\d\d(, (MLSUS|SUS)\d\d-BP\d\d)*\)$/);
  });
});

test('a Studio domain as plain JavaScript still gets its idle settings in minutes', () => {
  const stack = newTestStack();
  const domain = new sagemaker.CfnDomain(stack, 'D', { domainName: 'd', authMode: 'IAM', vpcId: 'v', subnetIds: ['s'], defaultUserSettings: { executionRole: 'arn:aws:iam::123456789012:role/r' } });
  new StudioIdleShutdown({ idleTimeout: Duration.minutes(90) }).applyTo(domain);
  expect(stack.resolve(domain.defaultUserSettings).jupyterLabAppSettings.appLifecycleManagement.idleSettings.idleTimeoutInMinutes).toBe(90);
});
