/**
 * TrainingImage by name: AWS Deep Learning Containers for training (PyTorch, TensorFlow, PyTorch Neuron for
 * Trainium) by framework and version, per region, from lib/data/training-images.json.
 */
import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob, TrainingImage, TrainingInstance, TrainingPipeline,
  TrainingWorkflow, Objective, HyperparameterRange,
} from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidPipelineDefinition, pipelineDefinitions } from '../support/pipelines';
import { expectValidCreateTrainingJob } from '../support/requests';
import { expectValidTuningRequest } from '../support/tuning';

const OREGON = { region: 'us-west-2', account: '111111111111' };

function make(props: Partial<SustainableTrainingJobProps>, env?: { region: string; account: string }) {
  const stack = newTestStack(env ? { env } : {});
  const job = new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.pytorch(), ...props });
  const request = expectValidCreateTrainingJob(job, job.renderRequest());
  return { stack, job, request, image: request.AlgorithmSpecification.TrainingImage };
}

function siliconWarnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-SILICON')).map((w) => String(w.entry.data));
}

/** The ECR resources the job role may pull from. */
function pullResources(stack: Stack): unknown[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => ([] as string[]).concat(s.Action).includes('ecr:BatchGetImage'))
    .flatMap((s: any) => ([] as unknown[]).concat(s.Resource));
}

describe('TrainingImage by name in a stack with a region', () => {
  test('PyTorch on the default CPU instance: the newest CPU training image of the region', () => {
    const { image } = make({}, OREGON);
    expect(image).toBe('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.10.0-cpu-py313-ubuntu22.04-sagemaker');
  });

  test('PyTorch on a GPU instance: the GPU build', () => {
    const { image } = make({ instanceType: TrainingInstance.G5_XLARGE, spot: true }, OREGON);
    expect(image).toBe('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.10.0-gpu-py313-cu130-ubuntu22.04-sagemaker');
  });

  test('SML-SILICON: PyTorch on Trainium gets the Neuron image, without a silicon warning', () => {
    const { image, stack } = make({ instanceType: TrainingInstance.TRN1_2XLARGE }, OREGON);
    expect(image).toBe('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:2.9.0-neuronx-py312-sdk2.30.0-ubuntu24.04');
    expect(siliconWarnings(stack)).toEqual([]);
  });

  test('a version given as major.minor picks its build for the instance', () => {
    expect(make({ image: TrainingImage.pytorch({ version: '2.8' }) }, OREGON).image).toMatch(/pytorch-training:2\.8\.0-cpu-py312-ubuntu22\.04-sagemaker$/);
    expect(make({ image: TrainingImage.pytorch({ version: '2.8' }), instanceType: TrainingInstance.TRN2_48XLARGE }, OREGON).image)
      .toMatch(/pytorch-training-neuronx:2\.8\.0-neuronx-py311-sdk2\.26\.1-ubuntu22\.04$/);
    expect(make({ image: TrainingImage.pytorchNeuron({ version: '2.7.0' }), instanceType: TrainingInstance.TRN1_32XLARGE }, OREGON).image)
      .toMatch(/pytorch-training-neuronx:2\.7\.0-neuronx-py310-sdk2\.25\.0-ubuntu22\.04$/);
  });

  test('TensorFlow: CPU and GPU builds', () => {
    expect(make({ image: TrainingImage.tensorflow() }, OREGON).image).toBe('763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-training:2.21.0-cpu-py312-amzn2023-sagemaker');
    expect(make({ image: TrainingImage.tensorflow({ version: '2.19' }), instanceType: TrainingInstance.G6_XLARGE }, OREGON).image)
      .toBe('763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-training:2.19.0-gpu-py312-cu125-ubuntu22.04-sagemaker');
  });

  test('registry account and DNS suffix per region (af-south-1, cn-north-1)', () => {
    expect(make({}, { region: 'af-south-1', account: '111111111111' }).image).toMatch(/^626614931356\.dkr\.ecr\.af-south-1\.amazonaws\.com\/pytorch-training:/);
    const china = make({}, { region: 'cn-north-1', account: '111111111111' });
    expect(china.image).toMatch(/^727897471807\.dkr\.ecr\.cn-north-1\.amazonaws\.com\.cn\/pytorch-training:/);
    expect(pullResources(china.stack)).toEqual(['arn:aws-cn:ecr:cn-north-1:727897471807:repository/pytorch-training']);
  });

  test('the job role may pull from that repository only', () => {
    const { stack } = make({ instanceType: TrainingInstance.TRN1_2XLARGE }, OREGON);
    expect(pullResources(stack)).toEqual(['arn:aws:ecr:us-west-2:763104351884:repository/pytorch-training-neuronx']);
  });
});

describe('TrainingImage by name in an environment-agnostic stack', () => {
  test('the registry account comes from a CfnMapping by region (Fn::FindInMap)', () => {
    const { image, stack } = make({});
    expect(image).toEqual({
      'Fn::Join': ['', [
        { 'Fn::FindInMap': ['SustainableMlImageRegistriesDlc', { Ref: 'AWS::Region' }, 'account'] },
        '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/pytorch-training:2.10.0-cpu-py313-ubuntu22.04-sagemaker',
      ]],
    });
    const mappings = Template.fromStack(stack).toJSON().Mappings;
    expect(mappings.SustainableMlImageRegistriesDlc['us-east-1']).toEqual({ account: '763104351884' });
    expect(mappings.SustainableMlImageRegistriesDlc['af-south-1']).toEqual({ account: '626614931356' });
    expect(Object.keys(mappings.SustainableMlImageRegistriesDlc).length).toBeGreaterThanOrEqual(36);
  });

  test('Trainium: the Neuron repository and its own (smaller) region mapping; pull granted on that repository only', () => {
    const { image, stack } = make({ instanceType: TrainingInstance.TRN1_2XLARGE });
    expect(JSON.stringify(image)).toContain('SustainableMlImageRegistriesNeuronx');
    expect(JSON.stringify(image)).toContain('/pytorch-training-neuronx:2.9.0-neuronx-py312-sdk2.30.0-ubuntu24.04');
    const mapping = Template.fromStack(stack).toJSON().Mappings.SustainableMlImageRegistriesNeuronx;
    expect(mapping['us-east-1']).toEqual({ account: '763104351884' });
    expect(mapping['me-south-1']).toBeUndefined();
    expect(pullResources(stack)).toEqual([{
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':',
        { 'Fn::FindInMap': ['SustainableMlImageRegistriesNeuronx', { Ref: 'AWS::Region' }, 'account'] }, ':repository/pytorch-training-neuronx']],
    }]);
  });

  test('two jobs share one mapping per registry table', () => {
    const stack = newTestStack();
    new SustainableTrainingJob(stack, 'A', { image: TrainingImage.pytorch() });
    new SustainableTrainingJob(stack, 'B', { image: TrainingImage.tensorflow(), instanceType: TrainingInstance.G5_XLARGE });
    expect(Object.keys(Template.fromStack(stack).toJSON().Mappings)).toEqual(['SustainableMlImageRegistriesDlc']);
  });

  test('tuning, Step Functions and SageMaker Pipelines use the same resolved image', () => {
    const stack = newTestStack();
    const job = new SustainableTrainingJob(stack, 'Job', {
      image: TrainingImage.pytorch(), instanceType: TrainingInstance.TRN1_2XLARGE, objective: Objective.minimize('validation:loss', 'val_loss=([0-9\\.]+)', { target: 0.2 }),
    });
    const tuning = new SustainableTuningJob(stack, 'Tuning', { trainingJob: job, ranges: [HyperparameterRange.continuous('lr', 0.0001, 0.1)] });
    const request = expectValidTuningRequest(tuning, tuning.renderRequest());
    expect(JSON.stringify(request)).toContain('pytorch-training-neuronx:2.9.0');
    new TrainingWorkflow(stack, 'Flow', { trainingJob: job });
    new TrainingPipeline(stack, 'Pipeline', { trainingJob: job });
    const definitions = pipelineDefinitions(stack);
    for (const def of Object.values(definitions)) expect(expectValidPipelineDefinition(def)).toBeGreaterThan(0);
    expect(JSON.stringify(definitions)).toContain('pytorch-training-neuronx:2.9.0');
    const machine = JSON.stringify(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
    expect(machine).toContain('SustainableMlImageRegistriesNeuronx');
  });
});

describe('TrainingImage by name: silicon and region checks', () => {
  test.each([
    ['fails when a Neuron image is asked for on a CPU instance', { image: TrainingImage.pytorchNeuron() },
      /^SML-SILICON: TrainingImage\.pytorchNeuron 'ml\.m5\.large': a Neuron image runs only on Trainium instances\. Fix: use a Trainium instance type/],
    ['fails when a Neuron image is asked for on a GPU instance', { image: TrainingImage.pytorchNeuron(), instanceType: TrainingInstance.G5_XLARGE },
      /^SML-SILICON: TrainingImage\.pytorchNeuron 'ml\.g5\.xlarge': a Neuron image runs only on Trainium/],
    ['fails when TensorFlow is asked for on Trainium', { image: TrainingImage.tensorflow(), instanceType: TrainingInstance.TRN1_2XLARGE },
      /^SML-SILICON: TrainingImage\.tensorflow 'ml\.trn1\.2xlarge': there is no TensorFlow training image for Trainium.*Fix: use TrainingImage\.pytorch\(\) on Trainium/],
    ['fails when the PyTorch version has no Neuron build for Trainium', { image: TrainingImage.pytorch({ version: '2.10' }), instanceType: TrainingInstance.TRN1_2XLARGE },
      /^SML-SILICON: TrainingImage\.pytorch version '2\.10': has no pytorch-training-neuronx build for ml\.trn1\.2xlarge \(pytorch-training-neuronx versions: 2\.7\.0, 2\.8\.0, 2\.9\.0\)/],
    ['fails when the PyTorch version has no CPU/GPU build', { image: TrainingImage.pytorch({ version: '2.7' }) },
      /^SML-SILICON: TrainingImage\.pytorch version '2\.7': has no pytorch-training build for ml\.m5\.large \(pytorch-training versions: 2\.8\.0, 2\.9\.0, 2\.10\.0\)/],
  ])('%s', (_name, props, message) => {
    expect(() => new SustainableTrainingJob(newTestStack({ env: OREGON }), 'Job', props as SustainableTrainingJobProps)).toThrow(message);
  });

  test.each([
    ['fails when the version is unknown', () => TrainingImage.pytorch({ version: '1.13' }),
      /^SML-SILICON: TrainingImage\.pytorch version '1\.13': is not a PyTorch training image version the library knows \(pytorch-training: 2\.8\.0, 2\.9\.0, 2\.10\.0; pytorch-training-neuronx: 2\.7\.0, 2\.8\.0, 2\.9\.0\)\. Fix: choose one of those versions, or pass the image URI with TrainingImage\.fromUri/],
    ['fails when the Neuron version is unknown', () => TrainingImage.pytorchNeuron({ version: '2.10' }),
      /^SML-SILICON: TrainingImage\.pytorchNeuron version '2\.10': is not a PyTorch Neuron training image version the library knows \(pytorch-training-neuronx: 2\.7\.0, 2\.8\.0, 2\.9\.0\)/],
    ['fails when the TensorFlow version is unknown', () => TrainingImage.tensorflow({ version: '2.20' }),
      /^SML-SILICON: TrainingImage\.tensorflow version '2\.20': is not a TensorFlow training image version/],
  ])('%s', (_name, factory, message) => {
    expect(factory).toThrow(message);
  });

  test('fails when the version is a deploy-time value (it must be known at synth), without crashing', () => {
    const version = new CfnParameter(newTestStack(), 'Version').valueAsString;
    expect(() => TrainingImage.pytorch({ version }))
      .toThrow(/^SML-SILICON: TrainingImage\.pytorch version \(a deploy-time value\): must be known at synth time: it chooses the repository and the CPU, GPU or Neuron build.*Fix: pass a literal version such as '2\.9', or a deploy-time image URI with TrainingImage\.fromUri/);
  });

  test('fails when the region has no Neuron image (stack with a region)', () => {
    const stack = newTestStack({ env: { region: 'me-south-1', account: '111111111111' } });
    expect(() => new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.pytorch(), instanceType: TrainingInstance.TRN1_2XLARGE }))
      .toThrow(/^SML-SILICON: TrainingImage\.pytorch 'me-south-1': AWS publishes no pytorch-training-neuronx image in this region \(it does in af-south-1, .*us-west-2\)\. Fix: train in one of those regions, or pass an image you copied/);
  });

  test('fails when the region has no Deep Learning Container at all', () => {
    const stack = newTestStack({ env: { region: 'eusc-de-east-1', account: '111111111111' } });
    expect(() => new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.tensorflow() }))
      .toThrow(/^SML-SILICON: TrainingImage\.tensorflow 'eusc-de-east-1': AWS publishes no tensorflow-training image in this region/);
  });

  test('SML-SILICON: a Neuron image URI on a non-Trainium instance warns (the reverse of the Trainium check)', () => {
    const stack = newTestStack();
    new SustainableTrainingJob(stack, 'Job', {
      image: TrainingImage.fromUri('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:2.9.0-neuronx-py312-sdk2.30.0-ubuntu24.04'),
      instanceType: TrainingInstance.G5_XLARGE,
    });
    expect(siliconWarnings(stack)).toEqual([expect.stringMatching(/is a Neuron image, which runs only on Trainium, but instanceType is 'ml\.g5\.xlarge'/)]);
  });

  test('SML-SILICON: a GPU image URI on Trainium warns and points at the image by name', () => {
    const stack = newTestStack();
    new SustainableTrainingJob(stack, 'Job', {
      image: TrainingImage.fromUri('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.10.0-gpu-py313-cu130-ubuntu22.04-sagemaker'),
      instanceType: TrainingInstance.TRN1_2XLARGE,
    });
    expect(siliconWarnings(stack)).toEqual([expect.stringMatching(/is Trainium but the image .* is not a Neuron image; use TrainingImage\.pytorch\(\)/)]);
  });
});
