import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ArtifactPrefix, MlArtifactsBucket } from '../../lib';
import { newTestStack } from '../support/app';

describe('MlArtifactsBucket', () => {
  const stack = newTestStack();
  const artifacts = new MlArtifactsBucket(stack, 'Artifacts');
  const t = Template.fromStack(stack);
  const bucket = Object.values(t.findResources('AWS::S3::Bucket'))[0] as any;
  const rules: any[] = bucket.Properties.LifecycleConfiguration.Rules;

  test('SML-ARTIFACTS: scratch prefixes expire after 30 days, with their non-current versions', () => {
    for (const prefix of ['checkpoints/', 'debug/', 'tmp/']) {
      expect(rules).toContainEqual(expect.objectContaining({ Prefix: prefix, ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 7 }, Status: 'Enabled' }));
    }
  });

  test('SML-ARTIFACTS: models/ never expires: no rule expiring objects applies to it', () => {
    for (const r of rules) {
      const expires = r.ExpirationInDays !== undefined || r.NoncurrentVersionExpiration !== undefined || r.ExpirationDate !== undefined;
      if (expires) {
        expect(r.Prefix).toBeDefined();
        expect(ArtifactPrefix.SCRATCH).toContain(r.Prefix);
        expect(r.Prefix.startsWith(ArtifactPrefix.MODELS)).toBe(false);
      }
    }
    expect(rules.some((r) => r.Prefix === undefined && r.AbortIncompleteMultipartUpload)).toBe(true);
  });

  test('encrypted, TLS-only, public access blocked, versioned, retained', () => {
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.DeletionPolicy).toBe('Retain');
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('KMS when a key is given, with an S3 bucket key', () => {
    const s = newTestStack();
    new MlArtifactsBucket(s, 'A', { encryptionKey: new kms.Key(s, 'K', { enableKeyRotation: true }) });
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }), BucketKeyEnabled: true })] },
    });
  });

  test('expirations and removal policy are configurable', () => {
    const s = newTestStack();
    new MlArtifactsBucket(s, 'A', { scratchExpiration: Duration.days(7), checkpointExpiration: Duration.days(14), removalPolicy: RemovalPolicy.DESTROY });
    const r: any[] = (Object.values(Template.fromStack(s).findResources('AWS::S3::Bucket'))[0] as any).Properties.LifecycleConfiguration.Rules;
    expect(r.find((x) => x.Prefix === 'checkpoints/').ExpirationInDays).toBe(14);
    expect(r.find((x) => x.Prefix === 'tmp/').ExpirationInDays).toBe(7);
  });

  test('grantReadModels grants read on models/ only', () => {
    const s = newTestStack();
    const a = new MlArtifactsBucket(s, 'A');
    const role = new iam.Role(s, 'R', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    a.grantReadModels(role);
    expect(JSON.stringify(Template.fromStack(s).findResources('AWS::IAM::Policy'))).toContain('/models/*');
  });

  test('s3Uri builds URIs under the fixed prefixes', () => {
    expect(stack.resolve(artifacts.s3Uri(ArtifactPrefix.TMP, 'x/'))).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.any(String) }, '/tmp/x/']] });
  });

  test('server access logs go to a given bucket', () => {
    const s = newTestStack();
    new MlArtifactsBucket(s, 'A', { serverAccessLogsBucket: new s3.Bucket(s, 'Logs') });
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'ml-artifacts/' }) });
  });

  test.each([
    ['scratchExpiration', { scratchExpiration: Duration.hours(12) }],
    ['checkpointExpiration', { checkpointExpiration: Duration.hours(30) }],
    ['noncurrentVersionExpiration', { noncurrentVersionExpiration: Duration.days(0) }],
  ])('fails when %s is not whole days of at least 1', (prop, props) => {
    expect(() => new MlArtifactsBucket(newTestStack(), 'A', props)).toThrow(new RegExp(`^SML-ARTIFACTS: ${prop} `));
  });
});
