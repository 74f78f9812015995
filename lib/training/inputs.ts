import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { checkApiString } from '../private/api-values';
import { grantPrefixRead } from './private/grants';

/** How a channel's data reaches the container. */
export enum InputMode {
  /** Download the whole channel before training starts. */
  FILE = 'File',
  /** Stream records through a pipe. */
  PIPE = 'Pipe',
  /** Stream objects on demand as files: no download wait, no volume sized for the dataset (the default). */
  FAST_FILE = 'FastFile',
}

/** How a channel's objects are spread over the instances of a multi-instance job. */
export enum DataDistribution {
  /** Every instance gets every object. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets a share of the objects. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/** Options of an input channel. */
export interface InputChannelOptions {
  /**
   * Input mode.
   * @default InputMode.FAST_FILE
   */
  readonly inputMode?: InputMode;
  /**
   * MIME type of the data.
   * @default - none
   */
  readonly contentType?: string;
  /**
   * `Gzip` when the objects are gzip-compressed.
   * @default - not compressed
   */
  readonly gzipCompressed?: boolean;
  /**
   * Distribution over instances.
   * @default DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: DataDistribution;
}

/**
 * A channel as rendered into the `InputDataConfig` of a CreateTrainingJob request.
 * @internal
 */
export interface RenderedChannel {
  readonly ChannelName: string;
  readonly DataSource: { readonly S3DataSource: { readonly S3DataType: string; readonly S3Uri: string; readonly S3DataDistributionType: string } };
  readonly InputMode?: string;
  readonly ContentType?: string;
  readonly CompressionType?: string;
}

/** One named input channel of a training job. */
export class InputChannel {
  /**
   * A channel reading every object under `prefix` of `bucket`. The job role may read those objects and list that prefix
   * only (and decrypt through S3 when the bucket has a KMS key); nothing else of the bucket.
   * @throws SML-MANAGED when `name` is not a channel name the SageMaker API accepts
   */
  public static fromBucket(name: string, bucket: s3.IBucket, prefix: string, options: InputChannelOptions = {}): InputChannel {
    checkChannelName(name);
    const key = prefix.replace(/^\/+/, '');
    return new InputChannel(name, `s3://${bucket.bucketName}/${key}`, options, (role) => grantPrefixRead(role, bucket, `${key}*`));
  }

  /**
   * A channel reading an S3 URI the job role can already read (no grant is added).
   * @throws SML-MANAGED when `name` or `s3Uri` is not a value the SageMaker API accepts
   */
  public static fromS3Uri(name: string, s3Uri: string, options: InputChannelOptions = {}): InputChannel {
    checkChannelName(name);
    checkApiString('S3Uri', s3Uri, {
      ruleId: 'SML-MANAGED',
      prop: `InputChannel.fromS3Uri(${JSON.stringify(name)}) s3Uri`,
      fix: "pass the S3 URI of the data, e.g. 's3://my-bucket/datasets/train/', or use InputChannel.fromBucket",
    });
    return new InputChannel(name, s3Uri, options);
  }

  private constructor(
    /** Channel name. */
    public readonly name: string,
    /** S3 URI of the data. */
    public readonly s3Uri: string,
    private readonly options: InputChannelOptions,
    private readonly grant?: (role: iam.IGrantable) => void,
  ) {}

  /** The input mode in effect. */
  public get inputMode(): InputMode {
    return this.options.inputMode ?? InputMode.FAST_FILE;
  }

  /**
   * Grant the role read access and render the channel.
   * @internal
   */
  public _bind(role: iam.IGrantable): RenderedChannel {
    this.grant?.(role);
    return {
      ChannelName: this.name,
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: this.s3Uri,
          S3DataDistributionType: this.options.distribution ?? DataDistribution.FULLY_REPLICATED,
        },
      },
      InputMode: this.inputMode,
      ...(this.options.contentType ? { ContentType: this.options.contentType } : {}),
      ...(this.options.gzipCompressed ? { CompressionType: 'Gzip' } : {}),
    };
  }
}

/** Where a job's model output lands, for `InitialModel.fromTrainingJob`. */
export interface ITrainingJobOutput {
  /** The bucket the job writes its model to. */
  readonly outputBucket: s3.IBucket;
  /** The key prefix of the job's model output (`models/`). */
  readonly outputPrefix: string;
}

/**
 * An existing model to start from (SML-REUSE): mounted as the `model` channel, the convention SageMaker's
 * built-in algorithms use for incremental training and framework scripts can read for transfer learning.
 */
export class InitialModel {
  /** The channel name the model is mounted as. */
  public static readonly CHANNEL_NAME = 'model';

  /**
   * A model artifact (e.g. `model.tar.gz`) in a bucket. The channel is an S3 prefix, so SageMaker lists the key and
   * reads what matches it: the job role may list and read `<key>*` only.
   */
  public static fromBucket(bucket: s3.IBucket, key: string): InitialModel {
    return new InitialModel(`s3://${bucket.bucketName}/${key}`, (role) => grantPrefixRead(role, bucket, `${key}*`));
  }

  /**
   * A model artifact at an S3 URI the job role can already read.
   * @throws SML-MANAGED when `s3Uri` is not an S3 URI the SageMaker API accepts
   */
  public static fromS3Uri(s3Uri: string): InitialModel {
    checkApiString('S3Uri', s3Uri, {
      ruleId: 'SML-MANAGED',
      prop: 'InitialModel.fromS3Uri s3Uri',
      fix: "pass the S3 URI of the model artifact, e.g. 's3://my-bucket/models/my-job/output/model.tar.gz', or use InitialModel.fromBucket or InitialModel.fromTrainingJob",
    });
    return new InitialModel(s3Uri);
  }

  /** The model a finished run of `job` produced (`<output>/<trainingJobName>/output/model.tar.gz`). */
  public static fromTrainingJob(job: ITrainingJobOutput, trainingJobName: string): InitialModel {
    const key = `${job.outputPrefix}${trainingJobName}/output/model.tar.gz`;
    return InitialModel.fromBucket(job.outputBucket, key);
  }

  private constructor(
    /** S3 URI of the model artifact. */
    public readonly s3Uri: string,
    private readonly grant?: (role: iam.IGrantable) => void,
  ) {}

  /**
   * Grant the role read access and render the `model` channel.
   * @internal
   */
  public _bind(role: iam.IGrantable): RenderedChannel {
    this.grant?.(role);
    return {
      ChannelName: InitialModel.CHANNEL_NAME,
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: this.s3Uri, S3DataDistributionType: 'FullyReplicated' } },
      InputMode: InputMode.FILE,
      ContentType: 'application/x-sagemaker-model',
      CompressionType: 'None',
    };
  }
}

/** Channel names are checked where they are given (SML-MANAGED: the API would refuse the job when it starts). */
function checkChannelName(name: string): void {
  checkApiString('ChannelName', name, {
    ruleId: 'SML-MANAGED',
    prop: 'InputChannel name',
    fix: "use letters, digits, dots, hyphens and underscores only, e.g. 'train' or 'validation'",
  });
}
