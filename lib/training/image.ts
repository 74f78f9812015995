import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** What an image resolves to once bound to a job. */
export interface TrainingImageConfig {
  /** The image URI (may be a token). */
  readonly imageUri: string;
}

/**
 * The container image a training job runs. `bind` grants the job role what it needs to pull the image.
 */
export abstract class TrainingImage {
  /** An image by URI (an ECR image the role can already pull, or an AWS Deep Learning Container). */
  public static fromUri(uri: string): TrainingImage {
    return new UriImage(uri);
  }

  /** An image in an ECR repository of this or another stack; grants pull to the job role. */
  public static fromEcrRepository(repository: ecr.IRepository, tag = 'latest'): TrainingImage {
    return new EcrImage(repository, tag);
  }

  /** An image built from a local directory with a Dockerfile (an ECR asset; built at deploy, not at synth). */
  public static fromAsset(directory: string, props: ecrAssets.DockerImageAssetOptions = {}): TrainingImage {
    return new AssetImage(directory, props);
  }

  /** The URI when known at synth time (used for Trainium/Neuron image checks), else undefined. */
  public abstract readonly knownUri?: string;

  /** Resolve the image for a job whose role is `role`. */
  public abstract bind(scope: Construct, role: iam.IGrantable): TrainingImageConfig;
}

class UriImage extends TrainingImage {
  public readonly knownUri?: string;
  constructor(private readonly uri: string) {
    super();
    this.knownUri = uri;
  }
  public bind(scope: Construct, role: iam.IGrantable): TrainingImageConfig {
    // An ECR URI names its repository: grant pull on that repository only.
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(this.uri);
    if (m) {
      const [, account, region, repo] = m;
      const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      iam.Grant.addToPrincipal({
        grantee: role,
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resourceArns: [`arn:${partition}:ecr:${region}:${account}:repository/${repo}`],
      });
    }
    void scope;
    return { imageUri: this.uri };
  }
}

class EcrImage extends TrainingImage {
  public readonly knownUri?: string = undefined;
  constructor(private readonly repository: ecr.IRepository, private readonly tag: string) {
    super();
  }
  public bind(_scope: Construct, role: iam.IGrantable): TrainingImageConfig {
    this.repository.grantPull(role);
    return { imageUri: this.repository.repositoryUriForTag(this.tag) };
  }
}

class AssetImage extends TrainingImage {
  public readonly knownUri?: string = undefined;
  private asset?: ecrAssets.DockerImageAsset;
  constructor(private readonly directory: string, private readonly props: ecrAssets.DockerImageAssetOptions) {
    super();
  }
  public bind(scope: Construct, role: iam.IGrantable): TrainingImageConfig {
    if (!this.asset) {
      this.asset = new ecrAssets.DockerImageAsset(scope, 'TrainingImage', { directory: this.directory, ...this.props });
    }
    this.asset.repository.grantPull(role);
    return { imageUri: this.asset.imageUri };
  }
}
