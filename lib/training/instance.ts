import { previousGenerationFamilies, trainingInstanceSource, trainingInstanceTypes } from '../data';
import { refuse } from '../private/messages';
import { nearMatches } from '../private/near-matches';

/** The kind of accelerator a training instance carries. */
export enum AcceleratorKind {
  /** CPU only. */
  NONE = 'none',
  /** NVIDIA GPUs (ml.p*, ml.g*). */
  NVIDIA_GPU = 'nvidia-gpu',
  /** AWS Trainium (ml.trn1, ml.trn1n, ml.trn2). */
  TRAINIUM = 'trainium',
}

/**
 * A SageMaker training instance type, with what the library needs to know about it (vCPUs, memory,
 * accelerators, generation). Only names the SageMaker API accepts for training are allowed (SML-SILICON);
 * the table and its sources are in `lib/data/training-instance-types.json`.
 */
export class TrainingInstance {
  /** 2 vCPU, 8 GiB, current generation: the library's default (SML-START-SMALL). */
  public static readonly M5_LARGE = TrainingInstance.of('ml.m5.large');
  /** 4 vCPU, 16 GiB. */
  public static readonly M5_XLARGE = TrainingInstance.of('ml.m5.xlarge');
  /** 2 vCPU, 8 GiB, Ice Lake. */
  public static readonly M6I_LARGE = TrainingInstance.of('ml.m6i.large');
  /** 4 vCPU, 8 GiB, compute optimised. */
  public static readonly C5_XLARGE = TrainingInstance.of('ml.c5.xlarge');
  /** 1 NVIDIA A10G. */
  public static readonly G5_XLARGE = TrainingInstance.of('ml.g5.xlarge');
  /** 1 NVIDIA L4. */
  public static readonly G6_XLARGE = TrainingInstance.of('ml.g6.xlarge');
  /** 1 Trainium device (2 NeuronCores). */
  public static readonly TRN1_2XLARGE = TrainingInstance.of('ml.trn1.2xlarge');
  /** 16 Trainium devices. */
  public static readonly TRN1_32XLARGE = TrainingInstance.of('ml.trn1.32xlarge');
  /** 16 Trainium devices, 1600 Gbps networking. */
  public static readonly TRN1N_32XLARGE = TrainingInstance.of('ml.trn1n.32xlarge');
  /** 16 Trainium2 devices. */
  public static readonly TRN2_48XLARGE = TrainingInstance.of('ml.trn2.48xlarge');

  /**
   * The training instance type with this API name (`ml.g5.xlarge`).
   * @throws SML-SILICON when the SageMaker API does not accept the name for training (e.g. `ml.inf2.xlarge`).
   */
  public static of(name: string): TrainingInstance {
    const table = trainingInstanceTypes();
    const row = table[name];
    if (!row) {
      const near = nearMatches(name, Object.keys(table));
      refuse('SML-SILICON', {
        prop: 'instanceType',
        value: name,
        problem: `is not a SageMaker training instance type (${Object.keys(table).length} are; ml.inf* are inference-only and ml.trn2.3xlarge is HyperPod-only)`,
        fix: near.length > 0 ? `use one of ${near.join(', ')}` : 'use a name from the TrainingInstanceType enum, e.g. ml.m5.large',
      });
    }
    return new TrainingInstance(name);
  }

  /** Every training instance type name the library knows. */
  public static names(): string[] {
    return Object.keys(trainingInstanceTypes());
  }

  /** Where the instance table comes from. */
  public static source(): string {
    return trainingInstanceSource();
  }

  /** API name, e.g. `ml.m5.large`. */
  public readonly name: string;
  /** Family, e.g. `m5`, `trn1`. */
  public readonly family: string;
  /** vCPUs per instance. */
  public readonly vcpus: number;
  /** Memory per instance in GiB. */
  public readonly memoryGiB: number;
  /** Accelerator kind. */
  public readonly acceleratorKind: AcceleratorKind;
  /** Number of accelerator devices per instance (0 for CPU instances). */
  public readonly acceleratorCount: number;
  /** Accelerator model, e.g. `a10g`, `trainium` (empty for CPU instances). */
  public readonly acceleratorName: string;
  /** True for families EC2 lists as previous generation (SML-SILICON warns). */
  public readonly previousGeneration: boolean;

  private constructor(name: string) {
    const row = trainingInstanceTypes()[name];
    this.name = name;
    this.family = row.family;
    this.vcpus = row.vcpu;
    this.memoryGiB = row.memoryGiB;
    const acc = row.accelerator;
    this.acceleratorKind = !acc ? AcceleratorKind.NONE : acc.kind === 'neuron' ? AcceleratorKind.TRAINIUM : AcceleratorKind.NVIDIA_GPU;
    this.acceleratorCount = acc?.count ?? 0;
    this.acceleratorName = acc?.name ?? '';
    this.previousGeneration = previousGenerationFamilies().includes(row.family);
  }

  /** True for Trainium instances. */
  public get isTrainium(): boolean {
    return this.acceleratorKind === AcceleratorKind.TRAINIUM;
  }

  /** True for NVIDIA GPU instances. */
  public get isGpu(): boolean {
    return this.acceleratorKind === AcceleratorKind.NVIDIA_GPU;
  }

  /** The API name. */
  public toString(): string {
    return this.name;
  }
}
