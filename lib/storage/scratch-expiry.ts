/**
 * Whether a bucket a user brings expires the scratch prefixes and keeps the models (SML-ARTIFACTS). When the bucket
 * is defined in the app (an `s3.Bucket` or any construct whose default child is an `AWS::S3::Bucket`), its lifecycle
 * rules are read once the app is complete, so rules added after the training job count too.
 */
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { warn } from '../private/messages';
import { bucketExpiresScratch } from '../rules/artifacts';
import { publishFindings } from '../rules/apply';
import { ArtifactPrefix } from './artifacts-bucket';

/** The resolved lifecycle configuration of `bucket`; `not-in-app` for a bucket defined elsewhere. */
function lifecycleOf(bucket: s3.IBucket): unknown {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) return 'not-in-app';
  return Stack.of(cfn).resolve(cfn.lifecycleConfiguration);
}

/**
 * Warn (SML-ARTIFACTS) when `bucket` does not expire every scratch prefix or expires model artifacts; when its
 * rules cannot be read (a bucket from outside the app), say so and what to check.
 */
export function checkScratchExpiry(scope: IConstruct, prop: string, bucket: s3.IBucket): void {
  const lifecycle = lifecycleOf(bucket);
  const scratch = ArtifactPrefix.SCRATCH.join(', ');
  if (lifecycle === 'not-in-app') {
    warn(scope, 'SML-ARTIFACTS', `${prop} '${bucket.node.path}' is not defined in this app, so its lifecycle rules cannot be read: make its ${scratch} prefixes expire (MlArtifactsBucket does) and never ${ArtifactPrefix.MODELS}`);
    return;
  }
  publishFindings(scope, bucketExpiresScratch(lifecycle, ArtifactPrefix.SCRATCH, `${prop} '${bucket.node.path}'`, ArtifactPrefix.MODELS));
}

