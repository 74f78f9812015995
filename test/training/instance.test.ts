import * as iam from 'aws-cdk-lib/aws-iam';
import { AcceleratorKind, MlArtifactsBucket, SustainableTrainingJob, TrainingImage, TrainingInstance } from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidCreateTrainingJob } from '../support/requests';
import { apiModel } from '../support/api-model';

describe('TrainingInstance', () => {
  test('knows vCPUs, memory, accelerators and generation', () => {
    expect(TrainingInstance.M5_LARGE).toMatchObject({ name: 'ml.m5.large', vcpus: 2, memoryGiB: 8, acceleratorKind: AcceleratorKind.NONE, acceleratorCount: 0, previousGeneration: false });
    expect(TrainingInstance.G5_XLARGE).toMatchObject({ acceleratorKind: AcceleratorKind.NVIDIA_GPU, acceleratorCount: 1, acceleratorName: 'a10g' });
    expect(TrainingInstance.TRN1_32XLARGE).toMatchObject({ acceleratorKind: AcceleratorKind.TRAINIUM, acceleratorCount: 16, isTrainium: true, isGpu: false });
    expect(TrainingInstance.TRN2_48XLARGE.acceleratorName).toBe('trainium2');
    expect(TrainingInstance.of('ml.m4.xlarge').previousGeneration).toBe(true);
    expect(TrainingInstance.of('ml.p3.2xlarge').previousGeneration).toBe(true);
  });

  test('the four Trainium training types are exactly those the API accepts', () => {
    const trn = TrainingInstance.names().filter((n) => n.startsWith('ml.trn'));
    expect(trn.sort()).toEqual(['ml.trn1.2xlarge', 'ml.trn1.32xlarge', 'ml.trn1n.32xlarge', 'ml.trn2.48xlarge']);
  });

  test('every type in the official model used by the tests is in the table (the table may be newer, never older)', () => {
    const modelTypes: string[] = apiModel('sagemaker').shapes.TrainingInstanceType.enum!;
    const table = new Set(TrainingInstance.names());
    expect(modelTypes.filter((t) => !table.has(t))).toEqual([]);
    expect(table.size).toBeGreaterThanOrEqual(modelTypes.length);
  });

  test('the presets are all valid in the official model', () => {
    const modelTypes = new Set(apiModel('sagemaker').shapes.TrainingInstanceType.enum!);
    for (const p of [TrainingInstance.M5_LARGE, TrainingInstance.M6I_LARGE, TrainingInstance.C5_XLARGE, TrainingInstance.G6_XLARGE, TrainingInstance.TRN1N_32XLARGE]) {
      expect(modelTypes.has(p.name)).toBe(true);
    }
  });

  test('the table names its source', () => {
    expect(TrainingInstance.source()).toMatch(/botocore/);
  });

  test.each([
    ['ml.inf2.xlarge', /ml\.inf2\.xlarge.*inference-only/],
    ['ml.trn2.3xlarge', /ml\.trn2\.48xlarge/],
    ['m5.large', /ml\.m5\.large/],
    ['ml.m5.larg', /ml\.m5\.large/],
  ])('fails when the name is %s, suggesting near matches', (name, hint) => {
    expect(() => TrainingInstance.of(name)).toThrow(hint);
  });
});

describe('every training instance type renders a valid request', () => {
  test('all 225 types, validated against botocore 1.43.107 (and the pinned model where it knows the type)', () => {
    const stack = newTestStack();
    const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const image = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
    const names = TrainingInstance.names();
    expect(names).toHaveLength(225);
    names.forEach((name, i) => {
      const job = new SustainableTrainingJob(stack, `Job${i}`, { image, artifactsBucket: artifacts, role, instanceType: TrainingInstance.of(name), jobNamePrefix: `j${i}` });
      expect(expectValidCreateTrainingJob(job, job.renderRequest()).ResourceConfig.InstanceType).toBe(name);
    });
  });
});
