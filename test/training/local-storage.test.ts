/**
 * Instance types with local NVMe instance storage (ml.g5, ml.p4d, ml.trn1, ml.r5d, …): SageMaker mounts that storage
 * instead of an EBS volume, encrypts it with a hardware module, refuses a VolumeKmsKeyId for it and a VolumeSizeInGB
 * above its size (CreateTrainingJob API reference, ResourceConfig). The sizes come from lib/data/training-instance-types.json.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Size } from 'aws-cdk-lib';
import { Objective, SustainableMlChecks, SustainableTrainingJob, TrainingImage, TrainingInstance, TrainingPipeline } from '../../lib';
import { localInstanceStorageGB } from '../../lib/data';
import { trainingJobVolumeKeyFitsTheInstance } from '../../lib/rules/managed';
import { pipelineInstanceChoicesFitTheVolume, trainingJobVolumeFitsLocalStorage } from '../../lib/rules/start-small';
import { newTestStack } from '../support/app';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const KEY_ARN = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function job(stack: Stack, instanceType: TrainingInstance, more: { key?: boolean; volumeSize?: Size } = {}) {
  return new SustainableTrainingJob(stack, 'Job', {
    image: IMAGE,
    jobNamePrefix: 'churn',
    instanceType,
    volumeSize: more.volumeSize,
    encryptionKey: more.key ? kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) : undefined,
  });
}

describe('the local-storage table', () => {
  test('knows the types that have local NVMe storage, and those that have none', () => {
    expect(localInstanceStorageGB('ml.g5.xlarge')).toBe(250);
    expect(localInstanceStorageGB('ml.trn1.2xlarge')).toBe(474);
    expect(localInstanceStorageGB('ml.m5.large')).toBe(0);
    expect(localInstanceStorageGB('ml.p6e-gb200.36xlarge')).toBeUndefined(); // no source for it: unknown
    expect(localInstanceStorageGB('ml.nope.large')).toBeUndefined();
  });
});

describe('SustainableTrainingJob on a type with local storage', () => {
  test('renders no VolumeKmsKeyId (SageMaker would refuse it) and says so; the key still encrypts the output', () => {
    const stack = newTestStack();
    const request = job(stack, TrainingInstance.G5_XLARGE, { key: true }).renderRequest();
    expect(request.ResourceConfig.VolumeKmsKeyId).toBeUndefined();
    expect(request.OutputDataConfig.KmsKeyId).toBe(KEY_ARN);
    expect(Annotations.fromStack(stack).findInfo('/TestStack/Job', Match.stringLikeRegexp('^encryptionKey: ml.g5.xlarge has 250 GB of local NVMe instance storage'))).toHaveLength(1);
  });

  test('on a type without local storage the key encrypts the volume too', () => {
    const request = job(newTestStack(), TrainingInstance.M5_LARGE, { key: true }).renderRequest();
    expect(request.ResourceConfig.VolumeKmsKeyId).toBe(KEY_ARN);
  });

  test('fails when volumeSize is more than the local storage (SML-START-SMALL)', () => {
    expect(() => job(newTestStack(), TrainingInstance.G5_XLARGE, { volumeSize: Size.gibibytes(300) }))
      .toThrow(/^SML-START-SMALL: volumeSize .*: is more than the 250 GB of local NVMe instance storage of ml\.g5\.xlarge, .*Fix: ask for at most 250 GiB/);
  });

  test('a volume within the local storage is accepted', () => {
    expect(job(newTestStack(), TrainingInstance.G5_XLARGE, { volumeSize: Size.gibibytes(250) }).renderRequest().ResourceConfig.VolumeSizeInGB).toBe(250);
  });
});

describe('the predicates, in the API\'s words', () => {
  const request = (ResourceConfig: Record<string, unknown>) => ({ ResourceConfig: { InstanceCount: 1, VolumeSizeInGB: 30, ...ResourceConfig } });

  test('VolumeKmsKeyId on a local-storage type is an SML-MANAGED error; on an EBS type nothing', () => {
    const [f] = trainingJobVolumeKeyFitsTheInstance(request({ InstanceType: 'ml.g5.xlarge', VolumeKmsKeyId: KEY_ARN }));
    expect(f).toMatchObject({ ruleId: 'SML-MANAGED', level: 'error', field: 'ResourceConfig.VolumeKmsKeyId' });
    expect(f.message).toMatch(/is refused by SageMaker on ml\.g5\.xlarge/);
    expect(trainingJobVolumeKeyFitsTheInstance(request({ InstanceType: 'ml.m5.large', VolumeKmsKeyId: KEY_ARN }))).toEqual([]);
  });

  test('VolumeSizeInGB above the local storage is an SML-START-SMALL error; an unknown size or type says nothing', () => {
    expect(trainingJobVolumeFitsLocalStorage(request({ InstanceType: 'ml.r5d.large', VolumeSizeInGB: 100 }))).toMatchObject([{ ruleId: 'SML-START-SMALL', level: 'error' }]);
    expect(trainingJobVolumeFitsLocalStorage(request({ InstanceType: 'ml.r5d.large', VolumeSizeInGB: 75 }))).toEqual([]);
    expect(trainingJobVolumeFitsLocalStorage(request({ InstanceType: 'ml.m5.large', VolumeSizeInGB: 1000 }))).toEqual([]);
    expect(trainingJobVolumeFitsLocalStorage(request({ InstanceType: 'ml.p6e-gb200.36xlarge', VolumeSizeInGB: 100000 }))).toEqual([]);
  });

  test('a pipeline is judged for every type an execution may choose', () => {
    const definition = {
      Parameters: [{ Name: 'InstanceType', Type: 'String', DefaultValue: 'ml.r5d.xlarge', EnumValues: ['ml.r5d.xlarge', 'ml.r5d.large'] }],
      Steps: [{ Name: 'Train', Type: 'Training', Arguments: { ResourceConfig: { InstanceType: { Get: 'Parameters.InstanceType' }, InstanceCount: 1, VolumeSizeInGB: 100 } } }],
    };
    const found = pipelineInstanceChoicesFitTheVolume(definition);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/75 GB of local NVMe instance storage of ml\.r5d\.large/);
  });
});

/** A job with a volume key and an objective (a pipeline needs one). */
function keyedJobWithObjective(stack: Stack, instanceType: string): SustainableTrainingJob {
  return new SustainableTrainingJob(stack, 'Job', {
    image: IMAGE,
    jobNamePrefix: 'churn',
    instanceType: TrainingInstance.of(instanceType),
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
    objective: Objective.maximize('validation:auc', 'auc=([0-9.]+)', { target: 0.85 }),
  });
}

describe('TrainingPipeline', () => {
  test('fails when an allowed type has local storage and the job encrypts its volume with a key (SML-MANAGED)', () => {
    const stack = newTestStack();
    const trainingJob = keyedJobWithObjective(stack, 'ml.m5.xlarge');
    expect(() => new TrainingPipeline(stack, 'Pipe', { trainingJob, allowedInstanceTypes: [TrainingInstance.of('ml.m5.xlarge'), TrainingInstance.of('ml.r5d.xlarge')] }))
      .toThrow(/^SML-MANAGED: ResourceConfig\.VolumeKmsKeyId .*: is refused by SageMaker on ml\.r5d\.xlarge/);
  });
});

describe('SustainableMlChecks', () => {
  test('finds a raw pipeline training step with a volume key on ml.g5 (error), and nothing on ml.m5', () => {
    const stack = new Stack(new App(), 'S');
    const pipeline = (id: string, instanceType: string) => new sagemaker.CfnPipeline(stack, id, {
      pipelineName: id,
      roleArn: 'arn:aws:iam::123456789012:role/sm',
      pipelineDefinition: {
        PipelineDefinitionBody: JSON.stringify({
          Version: '2020-12-01',
          Steps: [{
            Name: 'Train',
            Type: 'Training',
            CacheConfig: { Enabled: true, ExpireAfter: 'P30D' },
            Arguments: {
              AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1', TrainingInputMode: 'File' },
              RoleArn: 'arn:aws:iam::123456789012:role/sm',
              OutputDataConfig: { S3OutputPath: 's3://literal-bucket/models/' },
              ResourceConfig: { InstanceType: instanceType, InstanceCount: 1, VolumeSizeInGB: 10, VolumeKmsKeyId: KEY_ARN },
              EnableManagedSpotTraining: true,
              CheckpointConfig: { S3Uri: 's3://literal-bucket/checkpoints/job' },
              StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
              Tags: [{ Key: 'sustainable-ml:guard', Value: 'enabled' }],
            },
          }],
        }),
      },
    });
    pipeline('OnG5', 'ml.g5.xlarge');
    pipeline('OnM5', 'ml.m5.large');
    const violations = new SustainableMlChecks().validateScope(stack).violations
      .filter((v) => v.ruleName === 'SML-MANAGED')
      .map((v) => [v.severity, v.violatingResources.map((r) => r.constructPath)]);
    expect(violations).toEqual([['error', ['S/OnG5']]]);
  });
});

describe('TrainingPipeline defaults', () => {
  test('an execution may choose only the smaller types that take the job\'s volume (no local-storage type for a keyed EBS volume)', () => {
    const stack = newTestStack();
    const trainingJob = keyedJobWithObjective(stack, 'ml.r5.xlarge');
    const pipe = new TrainingPipeline(stack, 'Pipe', { trainingJob });
    const names = pipe.allowedInstanceTypes.map((t) => t.name);
    expect(names).toContain('ml.m5.large');
    expect(names.filter((n) => (localInstanceStorageGB(n) ?? 0) > 0)).toEqual([]);
    // without the filter, smaller types with local storage would be offered
    expect(TrainingInstance.of('ml.r5.xlarge').smallerTypes().some((t) => (localInstanceStorageGB(t.name) ?? 0) > 0)).toBe(true);
  });
});
