/**
 * Free-form values of a training job (image URI, channel names and S3 URIs, the initial model, hyperparameters,
 * environment) are checked at synth against the SageMaker API's own shapes, so a value the API would refuse when
 * the job starts is refused by `cdk synth` instead.
 */
import { CfnParameter, Lazy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InitialModel, InputChannel, SustainableTrainingJob, SustainableTrainingJobProps, TrainingImage } from '../../lib';
import { validateRequest } from '../support/api-model';
import { newTestStack } from '../support/app';
import { expectValidCreateTrainingJob } from '../support/requests';

const URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1';

function job(props: Partial<SustainableTrainingJobProps> = {}) {
  const stack = newTestStack();
  const j = new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.fromUri(URI), ...props });
  return { stack, job: j, request: expectValidCreateTrainingJob(j, j.renderRequest()) };
}

/** The official model's verdict on a valid request with one value replaced (independent of the library's table). */
function modelErrors(mutate: (request: any) => void): string[] {
  const { request } = job({ inputs: [InputChannel.fromS3Uri('train', 's3://data/train/')], initialModel: InitialModel.fromS3Uri('s3://m/model.tar.gz') });
  const copy = JSON.parse(JSON.stringify(request));
  mutate(copy);
  return validateRequest('sagemaker', 'CreateTrainingJob', copy);
}

describe('free-form values checked with the API\'s own shapes (SML-MANAGED)', () => {
  test('valid values of every kind render a request the official model accepts', () => {
    const { request } = job({
      image: TrainingImage.fromUri(`123456789012.dkr.ecr.us-west-2.amazonaws.com/team/train@sha256:${'0'.repeat(64)}`),
      inputs: [InputChannel.fromS3Uri('train.v2_a-b', 's3://my-bucket/data/'), InputChannel.fromS3Uri('validation', 'https://my-bucket.s3.amazonaws.com/val/')],
      initialModel: InitialModel.fromS3Uri('s3://my-bucket/models/old/output/model.tar.gz'),
      hyperparameters: { 'epochs': '3', 'lr': '', 'x': 'y'.repeat(2500) },
      environment: { _PRIVATE: 'ok', LOG_LEVEL: 'debug', EMPTY: '' },
    });
    expect(request.InputDataConfig.map((c: any) => c.ChannelName)).toEqual(['train.v2_a-b', 'validation', 'model']);
    expect(request.HyperParameters.epochs).toBe('3');
  });

  test('deploy-time values are left to the API (no refusal)', () => {
    const stack = newTestStack();
    const uri = new CfnParameter(stack, 'ImageUri').valueAsString;
    const data = new CfnParameter(stack, 'DataUri').valueAsString;
    const name = Lazy.string({ produce: () => 'train' });
    const model = new CfnParameter(stack, 'ModelUri').valueAsString;
    const hp = new CfnParameter(stack, 'Epochs').valueAsString;
    const j = new SustainableTrainingJob(stack, 'Job', {
      image: TrainingImage.fromUri(uri),
      inputs: [InputChannel.fromS3Uri(name, data)],
      initialModel: InitialModel.fromS3Uri(model),
      hyperparameters: { epochs: hp },
      environment: { MODE: hp },
    });
    const request = stack.resolve(j.renderRequest());
    expect(request.AlgorithmSpecification.TrainingImage).toEqual({ Ref: 'ImageUri' });
    expect(request.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Ref: 'DataUri' });
  });

  test('InputChannel.fromBucket and InitialModel.fromBucket build S3 URIs the API accepts', () => {
    const stack = newTestStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const j = new SustainableTrainingJob(stack, 'Job', {
      image: TrainingImage.fromUri(URI),
      inputs: [InputChannel.fromBucket('train', bucket, 'datasets/train/')],
      initialModel: InitialModel.fromBucket(bucket, 'models/model.tar.gz'),
    });
    expectValidCreateTrainingJob(j, j.renderRequest());
  });

  describe('refusals name the prop, the value, what the API expects and the fix', () => {
    test.each([
      ['fails when the training image URI is empty', () => TrainingImage.fromUri(''),
        /^SML-MANAGED: TrainingImage\.fromUri uri '': is empty; the SageMaker API expects a container image reference registry\/repository\[:tag\] or registry\/repository\[@digest\].*\(API shape AlgorithmImage; 0–255 characters\)\. Fix: pass the full image URI/],
      ['fails when the training image URI has a space', () => TrainingImage.fromUri('train latest'),
        /^SML-MANAGED: TrainingImage\.fromUri uri 'train latest': does not have the expected form; the SageMaker API expects a container image reference/],
      ['fails when the training image URI names no registry', () => TrainingImage.fromUri('train:latest'),
        /^SML-MANAGED: TrainingImage\.fromUri uri 'train:latest': does not have the expected form/],
      ['fails when the training image URI is longer than the API allows', () => TrainingImage.fromUri(`123456789012.dkr.ecr.us-west-2.amazonaws.com/${'t'.repeat(250)}:1`),
        /^SML-MANAGED: TrainingImage\.fromUri uri '.*': is 297 characters long; .*0–255 characters/],
      ['fails when a channel S3 URI is not an S3 URI', () => InputChannel.fromS3Uri('train', 'not-a-uri'),
        /^SML-MANAGED: InputChannel\.fromS3Uri\("train"\) s3Uri 'not-a-uri': does not have the expected form; the SageMaker API expects s3:\/\/ or https:\/\/ followed by a bucket name and an optional key \(API shape S3Uri; 0–1,024 characters; pattern \(https\|s3\):\/\/\(\[\^\/\]\+\)\/\?\(\.\*\)\)\. Fix: pass the S3 URI of the data/],
      ['fails when a channel name has a space', () => InputChannel.fromS3Uri('my train', 's3://b/train/'),
        /^SML-MANAGED: InputChannel name 'my train': does not have the expected form; the SageMaker API expects letters, digits, dots, hyphens and underscores only \(API shape ChannelName; 1–64 characters; pattern \[A-Za-z0-9\\\.\\-_\]\+\)\. Fix: use letters, digits, dots, hyphens and underscores only/],
      ['fails when a channel name is empty', () => InputChannel.fromBucket('', new s3.Bucket(newTestStack(), 'B'), 'train/'),
        /^SML-MANAGED: InputChannel name '': is empty/],
      ['fails when a channel name is longer than 64 characters', () => InputChannel.fromS3Uri('c'.repeat(65), 's3://b/train/'),
        /^SML-MANAGED: InputChannel name 'c{65}': is 65 characters long/],
      ['fails when the InitialModel URI is empty', () => InitialModel.fromS3Uri(''),
        /^SML-MANAGED: InitialModel\.fromS3Uri s3Uri '': is empty; the SageMaker API expects s3:\/\/ or https:\/\/.*Fix: pass the S3 URI of the model artifact/],
      ['fails when the InitialModel URI is not an S3 URI', () => InitialModel.fromS3Uri('models/model.tar.gz'),
        /^SML-MANAGED: InitialModel\.fromS3Uri s3Uri 'models\/model\.tar\.gz': does not have the expected form/],
      ['fails when a hyperparameter has an empty name', () => job({ hyperparameters: { '': '3' } }),
        /^SML-MANAGED: hyperparameters key '': is empty; the SageMaker API expects a non-empty name \(API shape HyperParameterKey; 1–256 characters\)\. Fix: give every hyperparameter a name/],
      ['fails when a hyperparameter name is longer than 256 characters', () => job({ hyperparameters: { ['k'.repeat(257)]: '3' } }),
        /^SML-MANAGED: hyperparameters key 'k{257}': is 257 characters long/],
      ['fails when a hyperparameter value is longer than 2,500 characters', () => job({ hyperparameters: { config: 'x'.repeat(2501) } }),
        /^SML-MANAGED: hyperparameters\["config"\] 'x{2501}': is 2,501 characters long; the SageMaker API expects any text \(API shape HyperParameterValue; 0–2,500 characters\)\. Fix: pass long values/],
      ['fails when there are more than 100 hyperparameters', () => job({ hyperparameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${i}`, '1'])) }),
        /^SML-MANAGED: hyperparameters '101 entries': the SageMaker API allows at most 100 \(API shape HyperParameters\)/],
      ['fails when an environment variable name has a hyphen', () => job({ environment: { 'LOG-LEVEL': 'debug' } }),
        /^SML-MANAGED: environment key 'LOG-LEVEL': does not have the expected form; the SageMaker API expects a letter or underscore followed by letters, digits and underscores \(API shape TrainingEnvironmentKey; 0–512 characters; pattern \[a-zA-Z_\]\[a-zA-Z0-9_\]\*\)/],
      ['fails when an environment variable name starts with a digit', () => job({ environment: { '1ST': 'x' } }),
        /^SML-MANAGED: environment key '1ST': does not have the expected form/],
      ['fails when an environment value is longer than 512 characters', () => job({ environment: { CONFIG: 'x'.repeat(513) } }),
        /^SML-MANAGED: environment\["CONFIG"\] 'x{513}': is 513 characters long/],
    ])('%s', (_name, make, message) => {
      expect(make).toThrow(message);
    });
  });

  test('the refusals agree with the official model where the model itself decides', () => {
    const channel = (r: any) => r.InputDataConfig[0];
    expect(modelErrors((r) => { channel(r).DataSource.S3DataSource.S3Uri = 'not-a-uri'; })).toEqual([expect.stringMatching(/S3Uri: .*does not match/)]);
    expect(modelErrors((r) => { channel(r).ChannelName = 'my train'; })).toEqual([expect.stringMatching(/ChannelName: .*does not match/)]);
    expect(modelErrors((r) => { r.InputDataConfig[1].DataSource.S3DataSource.S3Uri = ''; })).toEqual([expect.stringMatching(/S3Uri/)]);
    expect(modelErrors((r) => { r.Environment = { 'LOG-LEVEL': 'debug' }; })).toEqual([expect.stringMatching(/does not match/)]);
    expect(modelErrors((r) => { r.HyperParameters = { config: 'x'.repeat(2501) }; })).toEqual([expect.stringMatching(/max 2500/)]);
    // where the model's pattern is `.*` / min 0, the library applies the documented format (sources in the table)
    expect(modelErrors((r) => { r.AlgorithmSpecification.TrainingImage = 'train latest'; })).toEqual([]);
    expect(modelErrors((r) => { r.HyperParameters = { '': '3' }; })).toEqual([]);
  });
});
