/**
 * The S3 and KMS statements of a training job's execution role, asserted exactly (issue 7):
 * - listing only under the prefixes the job reads and writes (s3:prefix), object reads only there; no s3:List*,
 *   s3:GetBucket* or s3:GetObject* groups, nothing on models/ except the output write and a chosen initial model;
 * - with `encryptionKey`: kms:CreateGrant for AWS resources only (volume), kms:Encrypt (output), and S3's SSE-KMS calls
 *   through kms:ViaService; no kms:ReEncrypt* or kms:GenerateDataKey* wildcards.
 */
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InitialModel, InputChannel, MlArtifactsBucket, SustainableTrainingJob, TrainingImage } from '../../lib';
import { newTestStack } from '../support/app';
import { authorization } from '../support/iam';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const ENV = { account: '111111111111', region: 'eu-west-1' };

/** Every (action, resource, condition) the job role's policies allow, with resources resolved to strings. */
function grants(stack: Stack, job: SustainableTrainingJob, service: string): string[] {
  const policies = stack.node.findAll().filter((c: any) => c.cfnResourceType === 'AWS::IAM::Policy');
  const roleRef = stack.resolve((job.role.node.defaultChild as any).ref);
  const out = new Set<string>();
  for (const p of policies as any[]) {
    const props = stack.resolve(p._toCloudFormation()).Resources;
    const [res] = Object.values<any>(props);
    if (!JSON.stringify(res.Properties.Roles).includes(JSON.stringify(roleRef))) continue;
    for (const st of res.Properties.PolicyDocument.Statement) {
      for (const a of [st.Action].flat()) {
        if (!a.startsWith(`${service}:`)) continue;
        for (const r of [st.Resource].flat()) out.add(`${a} ${name(stack, r)}${st.Condition ? ` ${JSON.stringify(st.Condition)}` : ''}`);
      }
    }
  }
  return [...out].sort();
}

/** A resource as `<construct id>.Arn/…`, readable in expectations. */
function name(stack: Stack, r: any): string {
  const s = JSON.stringify(r);
  const byId = (logicalId: string) => stack.node.findAll().find((c: any) => c.cfnResourceType && stack.resolve(c.logicalId) === logicalId)!
    .node.path.split('/').slice(1).join('/').replace(/(\/Resource)+$/, '');
  return s.replace(/\{"Fn::Join":\["",\[(.*)\]\]\}/, '$1').replace(/\{"Fn::GetAtt":\["([^"]+)","Arn"\]\}/g, (_m, id) => `${byId(id)}.Arn`).replace(/"/g, '').replace(/,/g, '');
}

describe('training role: S3 access only where the job reads and writes (issue 7)', () => {
  const stack = newTestStack({ env: ENV });
  const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
  const data = new s3.Bucket(stack, 'Data');
  const job = new SustainableTrainingJob(stack, 'Job', {
    image: IMAGE, jobNamePrefix: 'churn', artifactsBucket: artifacts,
    inputs: [InputChannel.fromBucket('train', data, 'datasets/churn/train/')],
    initialModel: InitialModel.fromBucket(artifacts.bucket, 'models/base/output/model.tar.gz'),
  });

  test('exact S3 statements: objects under the read and written prefixes, listing conditioned on s3:prefix', () => {
    expect(grants(stack, job, 's3')).toEqual([
      's3:AbortMultipartUpload Artifacts.Arn/checkpoints/churn/*',
      's3:AbortMultipartUpload Artifacts.Arn/debug/*',
      's3:AbortMultipartUpload Artifacts.Arn/models/*',
      's3:DeleteObject Artifacts.Arn/checkpoints/churn/*',
      's3:GetObject Artifacts.Arn/checkpoints/churn/*',
      's3:GetObject Artifacts.Arn/models/base/output/model.tar.gz*',
      's3:GetObject Data.Arn/datasets/churn/train/*',
      // one ListBucket statement per bucket: the initial model's key, then debug/ and this job's checkpoints
      's3:ListBucket Artifacts.Arn {"StringLike":{"s3:prefix":["models/base/output/model.tar.gz*","debug/*","checkpoints/churn/*"]}}',
      's3:ListBucket Data.Arn {"StringLike":{"s3:prefix":["datasets/churn/train/*"]}}',
      's3:PutObject Artifacts.Arn/checkpoints/churn/*',
      's3:PutObject Artifacts.Arn/debug/*',
      's3:PutObject Artifacts.Arn/models/*',
    ]);
  });

  test('no s3:ListBucket without an s3:prefix condition, no wildcard action groups', () => {
    const all = grants(stack, job, 's3');
    expect(all.filter((g) => g.startsWith('s3:ListBucket ') && !g.includes('"s3:prefix"'))).toEqual([]);
    expect(all.filter((g) => /^s3:[A-Za-z]*\*/.test(g))).toEqual([]);
    // s3:prefix is a condition key s3:ListBucket supports (Service Authorization Reference)
    expect(authorization('s3:ListBucket').conditionKeys).toContain('s3:prefix');
  });
});

describe('training role with encryptionKey: what SageMaker and S3 document, no wildcards (issue 7)', () => {
  const stack = newTestStack({ env: ENV });
  const key = new kms.Key(stack, 'JobKey', { enableKeyRotation: true });
  const dataKey = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
  const data = new s3.Bucket(stack, 'Data', { encryption: s3.BucketEncryption.KMS, encryptionKey: dataKey });
  const job = new SustainableTrainingJob(stack, 'Job', {
    image: IMAGE, jobNamePrefix: 'churn', encryptionKey: key,
    inputs: [InputChannel.fromBucket('train', data, 'train/')],
  });
  const viaS3 = '{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}';

  test('exact KMS statements', () => {
    expect(grants(stack, job, 'kms')).toEqual([
      // volume (ResourceConfig.VolumeKmsKeyId): CreateGrant, only for AWS resources
      'kms:CreateGrant JobKey.Arn {"Bool":{"kms:GrantIsForAWSResource":"true"}}',
      // input objects under the data key: S3 decrypts them on read
      `kms:Decrypt DataKey.Arn ${viaS3}`,
      // model output, checkpoints and debug output under the job key (the artifacts bucket's key too): S3's SSE-KMS
      `kms:Decrypt JobKey.Arn ${viaS3}`,
      // output (OutputDataConfig.KmsKeyId): the execution role "must include permissions to call kms:Encrypt"
      'kms:Encrypt JobKey.Arn',
      `kms:GenerateDataKey JobKey.Arn ${viaS3}`,
    ]);
  });

  test('the rendered request encrypts the volume and the output with the key', () => {
    const request = stack.resolve(job.renderRequest());
    expect(request.ResourceConfig.VolumeKmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^JobKey/), 'Arn'] });
    expect(request.OutputDataConfig.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^JobKey/), 'Arn'] });
  });

  test('no kms:ReEncrypt* or kms:GenerateDataKey* wildcards, and every condition key is one the action supports', () => {
    const all = grants(stack, job, 'kms');
    expect(all.filter((g) => g.split(' ')[0].includes('*'))).toEqual([]);
    for (const g of all) {
      const [action, , condition] = g.split(' ');
      if (!condition) continue;
      for (const ops of Object.values<any>(JSON.parse(condition))) {
        for (const k of Object.keys(ops)) expect(`${action} ${k}`).toBe(`${action} ${authorization(action).conditionKeys.includes(k) ? k : '(not supported)'}`);
      }
    }
  });
});
