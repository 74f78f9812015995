import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/*
 * The one home of the S3 and KMS permissions of a training job's execution role. Each grant is what the services
 * document, on the narrowest resource:
 * - SageMaker Developer Guide, "CreateTrainingJob API: Execution Role Permissions" (sagemaker-roles.html):
 *   s3:ListBucket on the input bucket, s3:GetObject/s3:PutObject on the input and output objects; kms:Decrypt for
 *   SSE-KMS input, kms:Encrypt for the output key (OutputDataConfig.KmsKeyId), kms:CreateGrant for the volume key
 *   (ResourceConfig.VolumeKmsKeyId).
 * - Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)" and "Multipart upload API and
 *   permissions": uploading an SSE-KMS object takes kms:GenerateDataKey, reading one and completing a multipart
 *   upload take kms:Decrypt. S3 makes those calls, so they are limited with kms:ViaService = s3.<region>.amazonaws.com
 *   (AWS KMS Developer Guide, "kms:ViaService").
 * - AWS KMS Developer Guide, "kms:GrantIsForAWSResource": CreateGrant only when an integrated AWS service asks on the
 *   role's behalf (here SageMaker, for the ML storage volume).
 */

/** `{ StringEquals: { 'kms:ViaService': 's3.<region>.amazonaws.com' } }` in the region of `scope`'s stack. */
function viaS3(scope: IConstruct) {
  return { StringEquals: { 'kms:ViaService': `s3.${Stack.of(scope).region}.amazonaws.com` } };
}

/**
 * Read access to the objects under `keyPattern` (a key prefix ending in `*`, or an exact key) of `bucket`: s3:GetObject
 * on those objects, s3:ListBucket on the bucket only for that prefix (`s3:prefix`), and kms:Decrypt through S3 when
 * the bucket has a KMS key. No bucket-wide listing, no s3:GetBucket*, nothing under other prefixes.
 */
export function grantPrefixRead(grantee: iam.IGrantable, bucket: s3.IBucket, keyPattern: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects(keyPattern)] });
  grantList(grantee, bucket, [keyPattern]);
  if (bucket.encryptionKey) grantKeyViaS3(grantee, bucket.encryptionKey, bucket, ['kms:Decrypt']);
}

/** The s3:prefix patterns already granted per role and bucket, so that each pair has one ListBucket statement. */
const listed = new WeakMap<iam.IPrincipal, Map<s3.IBucket, string[]>>();

/**
 * s3:ListBucket on `bucket`, only for keys under the given prefix patterns (`s3:prefix`, StringLike). One statement per
 * role and bucket: later calls add their patterns to it (IAM counts a role's inline policies against 10,240
 * characters).
 */
export function grantList(grantee: iam.IGrantable, bucket: s3.IBucket, prefixPatterns: string[]): void {
  const byBucket = listed.get(grantee.grantPrincipal) ?? new Map<s3.IBucket, string[]>();
  listed.set(grantee.grantPrincipal, byBucket);
  const known = byBucket.get(bucket);
  if (known) {
    for (const p of prefixPatterns) if (!known.includes(p)) known.push(p);
    return;
  }
  const patterns = [...new Set(prefixPatterns)];
  byBucket.set(bucket, patterns);
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': Lazy.list({ produce: () => patterns }) } },
  });
}

/**
 * Use of `key` by S3 on the role's behalf (SSE-KMS): kms:GenerateDataKey to write objects, kms:Decrypt to read them
 * and to complete multipart uploads; only through s3.<region>.amazonaws.com.
 */
export function grantKeyViaS3(grantee: iam.IGrantable, key: kms.IKey, scope: IConstruct, actions: string[]): void {
  iam.Grant.addToPrincipal({ grantee, actions: [...actions].sort(), resourceArns: [key.keyArn], conditions: viaS3(scope) });
}

/**
 * The job's own key (`encryptionKey`), used for the ML storage volume (VolumeKmsKeyId) and the model output
 * (OutputDataConfig.KmsKeyId): kms:CreateGrant for AWS resources only, kms:Encrypt, and S3's SSE-KMS calls.
 */
export function grantJobKey(grantee: iam.IGrantable, key: kms.IKey, scope: IConstruct): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:CreateGrant'],
    resourceArns: [key.keyArn],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  });
  iam.Grant.addToPrincipal({ grantee, actions: ['kms:Encrypt'], resourceArns: [key.keyArn] });
  grantKeyViaS3(grantee, key, scope, ['kms:GenerateDataKey', 'kms:Decrypt']);
}
