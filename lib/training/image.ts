import { Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { trainingImageFamily, TrainingImageFamilyRow } from '../data';
import { checkApiString } from '../private/api-values';
import { refuse } from '../private/messages';
import { AcceleratorKind, TrainingInstance } from './instance';
import { grantEcrPull, partitionOf, regionalImage } from './private/ecr-registry';

/** What an image resolves to once bound to a job. */
export interface TrainingImageConfig {
  /** The image URI (may be a token). */
  readonly imageUri: string;
}

/** What a job tells its image when binding it. */
export interface TrainingImageBindOptions {
  /** The job's execution role: it gets permission to pull the image. */
  readonly role: iam.IGrantable;
  /** The job's instance type: framework images by name choose their CPU, GPU or Neuron build by it. */
  readonly instanceType: TrainingInstance;
}

/** Options of an AWS Deep Learning Container chosen by framework and version. */
export interface FrameworkImageOptions {
  /**
   * Framework version, `2.9` or `2.9.0`, known at synth time (it chooses the image build). The versions the
   * library knows are in `lib/data/training-images.json` (from the AWS Deep Learning Containers and the SageMaker
   * Python SDK).
   * @default - the newest version with a build for the job's instance (CPU, GPU or Trainium)
   */
  readonly version?: string;
}

/**
 * The container image a training job runs. `bind` grants the job role what it needs to pull the image.
 */
export abstract class TrainingImage {
  /**
   * An image by URI (an ECR image the role can already pull, or an AWS Deep Learning Container).
   * @throws SML-MANAGED when the URI is not an image reference SageMaker accepts (`registry/repository[:tag]`)
   */
  public static fromUri(uri: string): TrainingImage {
    checkApiString('AlgorithmImage', uri, {
      ruleId: 'SML-MANAGED',
      prop: 'TrainingImage.fromUri uri',
      fix: "pass the full image URI, e.g. '123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1', or use TrainingImage.pytorch() / TrainingImage.tensorflow() for an AWS Deep Learning Container",
    });
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

  /**
   * The AWS Deep Learning Container for PyTorch training, in the job's region: the CPU build on CPU instances,
   * the GPU build on GPU instances, and the Neuron build (`pytorch-training-neuronx`) on Trainium instances
   * (SML-SILICON). The job role may pull from that repository only.
   * @throws SML-SILICON when the version is unknown, or has no build for the job's instance or region
   */
  public static pytorch(options: FrameworkImageOptions = {}): TrainingImage {
    return new FrameworkImage('PyTorch', 'TrainingImage.pytorch', [FAMILY_PYTORCH, FAMILY_PYTORCH_NEURONX], options);
  }

  /**
   * The AWS Deep Learning Container for PyTorch training on Trainium (`pytorch-training-neuronx`), in the
   * job's region. Only for Trainium instances (SML-SILICON).
   * @throws SML-SILICON when the job's instance is not Trainium, or the version or region has no Neuron build
   */
  public static pytorchNeuron(options: FrameworkImageOptions = {}): TrainingImage {
    return new FrameworkImage('PyTorch Neuron', 'TrainingImage.pytorchNeuron', [FAMILY_PYTORCH_NEURONX], options);
  }

  /**
   * The AWS Deep Learning Container for TensorFlow training, in the job's region: the CPU build on CPU
   * instances, the GPU build on GPU instances. There is no TensorFlow training image for Trainium (SML-SILICON).
   * @throws SML-SILICON when the version is unknown, the instance is Trainium, or the region has no image
   */
  public static tensorflow(options: FrameworkImageOptions = {}): TrainingImage {
    return new FrameworkImage('TensorFlow', 'TrainingImage.tensorflow', [FAMILY_TENSORFLOW], options);
  }

  /** The URI when known at synth time (used for Trainium/Neuron image checks), else undefined. */
  public abstract readonly knownUri?: string;

  /** Resolve the image for a job: grant its role the pull, and choose the build for its instance. */
  public abstract bind(scope: Construct, options: TrainingImageBindOptions): TrainingImageConfig;
}

class UriImage extends TrainingImage {
  public readonly knownUri?: string;
  constructor(private readonly uri: string) {
    super();
    this.knownUri = uri;
  }
  // The image on the wrong silicon (a non-Neuron image on Trainium, or a Neuron one elsewhere) is judged on the
  // rendered request (SML-SILICON, lib/rules/silicon.ts).
  public bind(_scope: Construct, options: TrainingImageBindOptions): TrainingImageConfig {
    // An ECR URI names its repository: grant pull on that repository only.
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(this.uri);
    if (m) {
      const [, account, region, repo] = m;
      grantEcrPull(options.role, `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repo}`);
    }
    return { imageUri: this.uri };
  }
}

class EcrImage extends TrainingImage {
  public readonly knownUri?: string = undefined;
  constructor(private readonly repository: ecr.IRepository, private readonly tag: string) {
    super();
  }
  public bind(_scope: Construct, options: TrainingImageBindOptions): TrainingImageConfig {
    this.repository.grantPull(options.role);
    return { imageUri: this.repository.repositoryUriForTag(this.tag) };
  }
}

class AssetImage extends TrainingImage {
  public readonly knownUri?: string = undefined;
  private asset?: ecrAssets.DockerImageAsset;
  constructor(private readonly directory: string, private readonly props: ecrAssets.DockerImageAssetOptions) {
    super();
  }
  public bind(scope: Construct, options: TrainingImageBindOptions): TrainingImageConfig {
    if (!this.asset) {
      this.asset = new ecrAssets.DockerImageAsset(scope, 'TrainingImage', { directory: this.directory, ...this.props });
    }
    this.asset.repository.grantPull(options.role);
    return { imageUri: this.asset.imageUri };
  }
}

/** Families of `lib/data/training-images.json`. */
const FAMILY_PYTORCH = 'pytorch';
const FAMILY_TENSORFLOW = 'tensorflow';
const FAMILY_PYTORCH_NEURONX = 'pytorch-neuronx';

/** Compare `2.10.0` and `2.9.0` as versions. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The full version in `family` that `requested` (`2.9` or `2.9.0`) names, or undefined. */
function matchVersion(family: TrainingImageFamilyRow, requested: string): string | undefined {
  const versions = Object.keys(family.versions);
  if (versions.includes(requested)) return requested;
  return versions.filter((v) => v.startsWith(`${requested}.`)).sort(compareVersions).pop();
}

/** An AWS Deep Learning Container by framework and version (lib/data/training-images.json). */
class FrameworkImage extends TrainingImage {
  public readonly knownUri?: string = undefined;

  constructor(
    private readonly framework: string,
    private readonly factory: string,
    private readonly familyNames: string[],
    private readonly options: FrameworkImageOptions,
  ) {
    super();
    const requested = options.version;
    if (requested !== undefined && Token.isUnresolved(requested)) {
      refuse('SML-SILICON', {
        prop: `${factory} version`,
        value: requested,
        problem: 'must be known at synth time: it chooses the repository and the CPU, GPU or Neuron build for the job\'s instance',
        fix: "pass a literal version such as '2.9', or a deploy-time image URI with TrainingImage.fromUri",
      });
    }
    if (requested !== undefined && !familyNames.some((f) => matchVersion(trainingImageFamily(f), requested))) {
      refuse('SML-SILICON', {
        prop: `${factory} version`,
        value: requested,
        problem: `is not a ${framework} training image version the library knows (${this.knownVersions(familyNames)})`,
        fix: 'choose one of those versions, or pass the image URI with TrainingImage.fromUri',
      });
    }
  }

  public bind(scope: Construct, options: TrainingImageBindOptions): TrainingImageConfig {
    const instance = options.instanceType;
    const familyName = this.familyFor(instance);
    const family = trainingImageFamily(familyName);
    const processor = instance.acceleratorKind === AcceleratorKind.TRAINIUM ? 'neuronx'
      : instance.acceleratorKind === AcceleratorKind.NVIDIA_GPU ? 'gpu' : 'cpu';
    const version = this.options.version !== undefined
      ? matchVersion(family, this.options.version)
      : Object.keys(family.versions).sort(compareVersions).pop();
    if (!version) {
      refuse('SML-SILICON', {
        prop: `${this.factory} version`,
        value: this.options.version,
        problem: `has no ${family.repository} build for ${instance.name} (${family.repository} versions: ${Object.keys(family.versions).join(', ')})`,
        fix: `choose one of those versions for ${instance.name}`,
      });
    }
    const tag = family.versions[version].tags[processor];
    const image = regionalImage(scope, {
      mappingId: `SustainableMlImageRegistries${family.registrySet.charAt(0).toUpperCase()}${family.registrySet.slice(1)}`,
      registries: family.registries,
      repository: family.repository,
      tag,
      onMissingRegion: (region) => refuse('SML-SILICON', {
        prop: this.factory,
        value: region,
        problem: `AWS publishes no ${family.repository} image in this region (it does in ${Object.keys(family.registries).join(', ')})`,
        fix: 'train in one of those regions, or pass an image you copied to this region with TrainingImage.fromUri',
      }),
    });
    grantEcrPull(options.role, image.repositoryArn);
    return { imageUri: image.uri };
  }

  /** The family for the instance: Neuron on Trainium, the CPU/GPU family elsewhere; refusals for the mismatches. */
  private familyFor(instance: TrainingInstance): string {
    const neuron = this.familyNames.find((f) => f === FAMILY_PYTORCH_NEURONX);
    const other = this.familyNames.find((f) => f !== FAMILY_PYTORCH_NEURONX);
    if (instance.isTrainium) {
      if (!neuron) {
        refuse('SML-SILICON', {
          prop: this.factory,
          value: instance.name,
          problem: `there is no ${this.framework} training image for Trainium; Trainium trains with the Neuron SDK, for which AWS publishes PyTorch images`,
          fix: 'use TrainingImage.pytorch() on Trainium, or a CPU/GPU instance type for TensorFlow',
        });
      }
      return neuron;
    }
    if (!other) {
      refuse('SML-SILICON', {
        prop: this.factory,
        value: instance.name,
        problem: 'a Neuron image runs only on Trainium instances',
        fix: 'use a Trainium instance type (e.g. TrainingInstance.TRN1_2XLARGE), or TrainingImage.pytorch() for CPU/GPU instances',
      });
    }
    return other;
  }

  private knownVersions(familyNames: string[]): string {
    return familyNames.map((f) => {
      const family = trainingImageFamily(f);
      return `${family.repository}: ${Object.keys(family.versions).join(', ')}`;
    }).join('; ');
  }
}
