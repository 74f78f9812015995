import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { refuse } from '../private/messages';
import { checkDuration, deferred, durationIn, isKnownNumber } from '../private/synth-value';

/** The fixed prefixes of an ML artifacts bucket (SML-ARTIFACTS). */
export class ArtifactPrefix {
  /** Model artifacts (`OutputDataConfig`): never expire. */
  public static readonly MODELS = 'models/';
  /** Spot checkpoints (`CheckpointConfig`): scratch. */
  public static readonly CHECKPOINTS = 'checkpoints/';
  /** Debugger hook, profiler, rule and TensorBoard output: scratch. */
  public static readonly DEBUG = 'debug/';
  /** Temporary data (intermediate datasets, uploaded code): scratch. */
  public static readonly TMP = 'tmp/';
  /** The scratch prefixes, which expire. */
  public static readonly SCRATCH = [ArtifactPrefix.CHECKPOINTS, ArtifactPrefix.DEBUG, ArtifactPrefix.TMP];
}

/** Properties of an `MlArtifactsBucket`. */
export interface MlArtifactsBucketProps {
  /**
   * KMS key for SSE-KMS encryption (with an S3 bucket key, which cuts KMS requests).
   * @default - SSE-S3 (S3-managed keys)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long scratch objects (under `debug/` and `tmp/`) live before they expire (SML-ARTIFACTS). Whole days; a
   * deploy-time value (token) must be in days.
   * @default Duration.days(30)
   */
  readonly scratchExpiration?: Duration;
  /**
   * How long checkpoints (under `checkpoints/`) live before they expire (SML-ARTIFACTS). Whole days; must
   * outlast the longest job that resumes from them (checked by SustainableTrainingJob when both are known at
   * synth). A deploy-time value (token) must be in days.
   * @default - the same as `scratchExpiration`
   */
  readonly checkpointExpiration?: Duration;
  /**
   * How long non-current versions of scratch objects are kept. Whole days; a deploy-time value (token) must be in
   * days.
   * @default Duration.days(7)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Bucket for S3 server access logs.
   * @default - no access logs (they would add storage of their own; pass a bucket where audit needs them)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * Enable S3 Object Lock (an organisation's choice, e.g. AWS Control Tower's CT.S3.PR.9). No default retention is set,
   * so the lifecycle rules still expire scratch data (SML-ARTIFACTS); lock individual objects (models) as needed.
   * @default false
   */
  readonly objectLockEnabled?: boolean;
  /**
   * Send the bucket's events to Amazon EventBridge (an organisation's choice, e.g. AWS Control Tower's CT.S3.PR.4).
   * @default false
   */
  readonly eventBridgeEnabled?: boolean;
  /**
   * What happens to the bucket when it leaves the stack. Models are the product: keep them.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Physical bucket name.
   * @default - generated
   */
  readonly bucketName?: string;
}

/**
 * An encrypted, TLS-only, versioned, retained bucket for ML artifacts with fixed prefixes. Lifecycle rules
 * expire only the scratch prefixes (`checkpoints/`, `debug/`, `tmp/`), their non-current versions and incomplete
 * uploads; `models/` never expires (SML-ARTIFACTS).
 */
export class MlArtifactsBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;
  /** The KMS key, when SSE-KMS is used. */
  public readonly encryptionKey?: kms.IKey;
  /** Lifetime of objects under `checkpoints/`. */
  public readonly checkpointExpiration: Duration;
  /** Lifetime of objects under `debug/` and `tmp/`. */
  public readonly scratchExpiration: Duration;

  constructor(scope: Construct, id: string, props: MlArtifactsBucketProps = {}) {
    super(scope, id);
    this.scratchExpiration = wholeDays(this, 'scratchExpiration', props.scratchExpiration, Duration.days(30));
    this.checkpointExpiration = wholeDays(this, 'checkpointExpiration', props.checkpointExpiration, this.scratchExpiration);
    const noncurrent = wholeDays(this, 'noncurrentVersionExpiration', props.noncurrentVersionExpiration, Duration.days(7));
    this.encryptionKey = props.encryptionKey;

    const scratchRule = (prefix: string, expiration: Duration): s3.LifecycleRule => ({
      id: `expire-${prefix.replace('/', '')}`,
      prefix,
      expiration,
      noncurrentVersionExpiration: noncurrent,
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    });

    this.bucket = new s3.Bucket(this, 'Resource', {
      bucketName: props.bucketName,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: props.objectLockEnabled || undefined,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'ml-artifacts/' : undefined,
      lifecycleRules: [
        scratchRule(ArtifactPrefix.CHECKPOINTS, this.checkpointExpiration),
        scratchRule(ArtifactPrefix.DEBUG, this.scratchExpiration),
        scratchRule(ArtifactPrefix.TMP, this.scratchExpiration),
        // Incomplete multipart uploads are never model artifacts: abort them everywhere.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    if (props.eventBridgeEnabled) {
      // On the bucket itself (NotificationConfiguration.EventBridgeConfiguration), not through s3.Bucket's
      // eventBridgeEnabled, which adds a custom-resource Lambda function (BucketNotificationsHandler) to the stack.
      (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
    if (!props.serverAccessLogsBucket) {
      Validations.of(this.bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Server access logs are opt-in (serverAccessLogsBucket): they add storage of their own; object access is auditable through CloudTrail data events.',
      });
    }
  }

  /** `s3://<bucket>/<prefix><suffix>` for one of the fixed prefixes. */
  public s3Uri(prefix: string, suffix = ''): string {
    return `s3://${this.bucket.bucketName}/${prefix}${suffix}`;
  }

  /** Grant read access to model artifacts (e.g. to a hosting role). */
  public grantReadModels(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantRead(grantee, `${ArtifactPrefix.MODELS}*`);
  }
}

/** A lifecycle expiration in whole days; a deploy-time value must be given in days (lifecycle rules count days). */
function wholeDays(scope: Construct, prop: string, value: unknown, byDefault: Duration): Duration {
  const d = checkDuration('SML-ARTIFACTS', prop, value) ?? byDefault;
  const days = durationIn(d, 'days', 'SML-ARTIFACTS', prop);
  if (!isKnownNumber(days)) {
    if (value !== undefined) deferred(scope, 'SML-ARTIFACTS', prop, 'S3 checks that it is a whole number of days, at least 1, when the bucket is created');
    return d;
  }
  if (days < 1 || !Number.isInteger(days)) {
    refuse('SML-ARTIFACTS', {
      prop,
      value: d,
      problem: 'S3 lifecycle rules count whole days, at least 1',
      fix: 'use Duration.days(n) with n ≥ 1',
    });
  }
  return d;
}
