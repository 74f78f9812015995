import { Token } from 'aws-cdk-lib';
import { trainingInstanceSource, trainingInstanceTypes } from '../data';
import { refuse } from '../private/messages';
import { nearMatches } from '../private/near-matches';
import { typeName } from '../private/synth-value';
import { instanceFacts } from '../rules/silicon';

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
   * The training instance type with this API name (`ml.g5.xlarge`). The name must be known at synth time: the
   * library chooses and checks the job's defaults by the instance's accelerator and generation. To let each run
   * choose among allowed types, use TrainingPipeline's `InstanceType` parameter (`allowedInstanceTypes`).
   * @throws SML-SILICON when the SageMaker API does not accept the name for training (e.g. `ml.inf2.xlarge`), or
   * when the name is a token (a deploy-time value).
   */
  public static of(name: string): TrainingInstance {
    if (typeof name !== 'string') {
      refuse('SML-SILICON', {
        prop: 'instanceType',
        value: name,
        problem: `must be a training instance type name (a string such as 'ml.m5.large'), and it is ${typeName(name)}`,
        fix: "use TrainingInstance.of('ml.m5.large') or a preset such as TrainingInstance.M5_LARGE",
      });
    }
    if (Token.isUnresolved(name)) {
      refuse('SML-SILICON', {
        prop: 'instanceType',
        value: name,
        problem: 'must be known at synth time: the library chooses and checks the job\'s defaults (Trainium images, GPU-only Debugger rules, Training Compiler, previous generations, the pipeline\'s allowed types) by the instance\'s accelerator and generation',
        fix: 'name the type with a literal string; to let each run choose among allowed types, use TrainingPipeline (InstanceType parameter, allowedInstanceTypes)',
      });
    }
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

  /**
   * The instance type of a prop: a TrainingInstance as it is, or an API name string (what plain-JavaScript callers
   * write) converted with `TrainingInstance.of`; anything else is refused, naming `prop`.
   * @internal
   */
  public static _fromProp(prop: string, value: unknown): TrainingInstance | undefined {
    if (value === undefined || value instanceof TrainingInstance) return value;
    if (typeof value === 'string') return TrainingInstance.of(value);
    refuse('SML-SILICON', {
      prop,
      value,
      problem: `must be a TrainingInstance (or its API name as a string), and it is ${typeName(value)}`,
      fix: "use TrainingInstance.of('ml.m5.large') or a preset such as TrainingInstance.M5_LARGE",
    });
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
    const facts = instanceFacts(name)!; // the rules read the same data (SML-SILICON, SML-COMPILE)
    this.acceleratorKind = facts.accelerator as AcceleratorKind;
    this.acceleratorCount = acc?.count ?? 0;
    this.acceleratorName = acc?.name ?? '';
    this.previousGeneration = facts.previousGeneration;
  }

  /** True for Trainium instances. */
  public get isTrainium(): boolean {
    return this.acceleratorKind === AcceleratorKind.TRAINIUM;
  }

  /** True for NVIDIA GPU instances. */
  public get isGpu(): boolean {
    return this.acceleratorKind === AcceleratorKind.NVIDIA_GPU;
  }

  /**
   * The current-generation training types of the same accelerator kind that are no larger than this one: at most
   * its vCPUs, its memory and its number of accelerators (this type itself excluded), smallest first. The default
   * choices TrainingPipeline offers an execution besides the job's own type (SML-START-SMALL, SML-SILICON).
   */
  public smallerTypes(): TrainingInstance[] {
    return TrainingInstance.names()
      .filter((n) => n !== this.name)
      .map((n) => TrainingInstance.of(n))
      .filter((t) => t.acceleratorKind === this.acceleratorKind && !t.previousGeneration
        && t.fitsWithin(this))
      .sort((a, b) => a.vcpus - b.vcpus || a.memoryGiB - b.memoryGiB || a.name.localeCompare(b.name));
  }

  /** True when this type needs no more than `other`: vCPUs, memory and accelerators each at most `other`'s. */
  public fitsWithin(other: TrainingInstance): boolean {
    return this.vcpus <= other.vcpus && this.memoryGiB <= other.memoryGiB && this.acceleratorCount <= other.acceleratorCount;
  }

  /** The API name. */
  public toString(): string {
    return this.name;
  }
}
