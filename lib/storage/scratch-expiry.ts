/**
 * Whether a bucket a user brings expires the scratch prefixes and keeps the models (SML-ARTIFACTS). When the bucket
 * is defined in the app (an `s3.Bucket` or any construct whose default child is an `AWS::S3::Bucket`), its lifecycle
 * rules are read once the app is complete, so rules added after the training job count too.
 */
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { warn } from '../private/messages';
import { deferred } from '../private/synth-value';
import { ArtifactPrefix } from './artifacts-bucket';

/** The prefixes whose objects one lifecycle rule expires, as far as synth can tell. */
interface ExpiringRule {
  /** Key prefix ('' for the whole bucket). */
  readonly prefix: string;
}

/**
 * The rules of `bucket` that expire every current object under their prefix (enabled, with an expiration, no tag
 * or size filter); `not-in-app` for a bucket defined elsewhere, `deploy-time` when its rules hold tokens.
 */
function expiringRules(bucket: s3.IBucket): ExpiringRule[] | 'not-in-app' | 'deploy-time' {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) return 'not-in-app';
  const config = Stack.of(cfn).resolve(cfn.lifecycleConfiguration);
  if (config === undefined) return [];
  const rules: any[] = config.rules ?? config.Rules ?? [];
  if (JSON.stringify(config).includes('"Ref"') || JSON.stringify(config).includes('"Fn::')) return 'deploy-time';
  const get = (r: any, k: string) => r[k] ?? r[k.charAt(0).toUpperCase() + k.slice(1)];
  return rules
    .filter((r) => get(r, 'status') === 'Enabled'
      && (get(r, 'expirationInDays') !== undefined || get(r, 'expirationDate') !== undefined)
      && !(get(r, 'tagFilters')?.length) && get(r, 'objectSizeGreaterThan') === undefined && get(r, 'objectSizeLessThan') === undefined)
    .map((r) => ({ prefix: get(r, 'prefix') ?? '' }));
}

/**
 * Warn (SML-ARTIFACTS) when `bucket` does not expire every scratch prefix or expires model artifacts; when its
 * rules cannot be read (a bucket from outside the app), say so and what to check.
 */
export function checkScratchExpiry(scope: IConstruct, prop: string, bucket: s3.IBucket): void {
  const rules = expiringRules(bucket);
  const scratch = ArtifactPrefix.SCRATCH.join(', ');
  if (rules === 'not-in-app') {
    warn(scope, 'SML-ARTIFACTS', `${prop} '${bucket.node.path}' is not defined in this app, so its lifecycle rules cannot be read: make its ${scratch} prefixes expire (MlArtifactsBucket does) and never ${ArtifactPrefix.MODELS}`);
    return;
  }
  if (rules === 'deploy-time') {
    deferred(scope, 'SML-ARTIFACTS', `${prop} lifecycle rules`, `whether they expire ${scratch} and keep ${ArtifactPrefix.MODELS} is not checked at synth`);
    return;
  }
  const covers = (prefix: string) => rules.some((r) => prefix.startsWith(r.prefix));
  const missing = ArtifactPrefix.SCRATCH.filter((p) => !covers(p));
  if (missing.length > 0) {
    warn(scope, 'SML-ARTIFACTS', `${prop} '${bucket.node.path}' keeps ${missing.join(', ')} forever: add lifecycle rules that expire ${missing.length > 1 ? 'them' : 'it'} (MlArtifactsBucket expires every scratch prefix)`);
  }
  const models = rules.filter((r) => ArtifactPrefix.MODELS.startsWith(r.prefix) || r.prefix.startsWith(ArtifactPrefix.MODELS));
  if (models.length > 0) {
    warn(scope, 'SML-ARTIFACTS', `${prop} '${bucket.node.path}' expires model artifacts (a lifecycle rule on ${models.map((r) => `'${r.prefix}'`).join(', ')} covers ${ArtifactPrefix.MODELS}): scope expiring rules to the scratch prefixes ${scratch}`);
  }
}

