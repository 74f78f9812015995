/**
 * Typed accessors for the JSON tables in this folder. Each table carries `_source` (and `_license`);
 * code reads the tables only through these functions.
 */
import * as fs from 'fs';
import * as path from 'path';

const loaded = new Map<string, any>();
/** Read a table of this folder once (read from disk so the same code works from .ts and from emitted .js). */
function table(file: string): any {
  let t = loaded.get(file);
  if (!t) {
    t = JSON.parse(fs.readFileSync(path.join(__dirname, file), 'utf8'));
    loaded.set(file, t);
  }
  return t;
}

/** One row of the training-instance table. */
export interface InstanceTypeRow {
  readonly family: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly accelerator: { readonly kind: string; readonly name: string; readonly count: number } | null;
  readonly inBotocoreGitHead: boolean;
  /** Local NVMe instance storage in GB: 0 none (EBS), null unknown. */
  readonly localNvmeGB: number | null;
}

/** Every SageMaker training instance type, keyed by API name (`ml.m5.large`). */
export function trainingInstanceTypes(): { readonly [name: string]: InstanceTypeRow } {
  return table('training-instance-types.json').instanceTypes;
}

/**
 * The local NVMe instance storage of a training instance type in GB (SageMaker mounts it instead of an EBS volume,
 * refuses a VolumeKmsKeyId for it and a VolumeSizeInGB above it): 0 for none, undefined when unknown.
 */
export function localInstanceStorageGB(instanceType: unknown): number | undefined {
  const row = typeof instanceType === 'string' ? trainingInstanceTypes()[instanceType] : undefined;
  return typeof row?.localNvmeGB === 'number' ? row.localNvmeGB : undefined;
}

/** Source line of the training-instance table. */
export function trainingInstanceSource(): string {
  return table('training-instance-types.json')._source.instanceTypeEnum;
}

/** Families EC2 lists as previous generation. */
export function previousGenerationFamilies(): readonly string[] {
  return table('instance-generations.json').previousGenerationFamilies;
}

/** Debugger rule-evaluator image registry accounts per region, and regions without Debugger. */
export function debuggerRuleImages(): {
  readonly repository: string;
  readonly tag: string;
  readonly registries: { readonly [region: string]: string };
  readonly unsupportedRegions: readonly string[];
} {
  const d = table('debugger-rule-images.json');
  return { repository: d.repository, tag: d.tag, registries: d.registries, unsupportedRegions: d.debuggerUnsupportedRegions };
}

/** Built-in Debugger (debug) rules with their default collections, and profiler rules with their code defaults. */
export function debuggerBuiltinRules(): {
  readonly debugRules: { readonly [name: string]: { readonly sdkDefaultCollectionConfigurations: any[] } };
  readonly profilerRules: { readonly [name: string]: { readonly sdkSerializedRuleParameters: { [k: string]: string } } };
} {
  const d = table('debugger-builtin-rules.json');
  return { debugRules: d.allDebugRulesIn_1_0_1, profilerRules: d.profilerRules };
}

/** Carbon intensity of one AWS region (region-carbon.json). */
export interface RegionCarbonRow {
  readonly kgCo2ePerKwh: number;
  readonly country: string | null;
  readonly source: string;
  readonly sourceUrl: string | null;
  readonly dataYear: number | null;
  readonly partition: string;
  readonly geography: string;
}

/** CCF's AWS grid emission factors per region, with the table's date and vintage. */
export function regionCarbonTable(): {
  readonly regions: { readonly [region: string]: RegionCarbonRow };
  readonly tableDate: string;
  readonly vintage: string;
  readonly source: string;
} {
  const t = table('region-carbon.json');
  return { regions: t.regions, tableDate: t._tableDate, vintage: t._vintage, source: `${t._source.repo}@${t._source.commit.slice(0, 8)} ${t._source.path.split(' ')[0]}` };
}

/** Watts per vCPU of one processor microarchitecture, and its memory per physical chip (GB). */
export interface CpuCoefficient {
  readonly min: number;
  readonly max: number;
  readonly memoryGBPerChip: number;
}

let coefficients: ReturnType<typeof energyCoefficients> | undefined;
/** CCF's constants and coefficient tables (energy-coefficients.json). */
export function energyCoefficients(): {
  readonly pue: number;
  readonly avgCpuUtilizationPct: number;
  readonly memoryKWhPerGBHour: number;
  readonly vcpusPerPhysicalChip: number;
  /** The CCF app's coefficients, keyed by CCF's microarchitecture names. */
  readonly cpuApp: { readonly [arch: string]: CpuCoefficient };
  /** ccf-coefficients' 2026 recalculation (SPECpower 2026-03-09), not yet used by the CCF app. */
  readonly cpu2026: { readonly [arch: string]: CpuCoefficient };
  /** Watts per GPU card (CCF, from Teads), and extrapolated figures labelled as such. */
  readonly gpu: { readonly [model: string]: { readonly min: number; readonly max: number; readonly method?: string } };
} {
  if (coefficients) return coefficients;
  const t = table('energy-coefficients.json');
  return coefficients = {
    pue: t.constants.pue,
    avgCpuUtilizationPct: t.constants.avgCpuUtilizationPct,
    memoryKWhPerGBHour: t.constants.memoryKWhPerGBHour,
    vcpusPerPhysicalChip: t.constants.vcpusPerPhysicalChipForMemoryRule,
    cpuApp: t.cpuWattsPerVcpu,
    cpu2026: t.cpuWattsPerVcpu_ccfCoefficients2026,
    gpu: { ...t.gpuWatts, ...t.gpuWattsDerived },
  };
}

/** Processor, GPU and family facts of one training type (instance-processors.json), keyed by EC2 name. */
export interface InstanceProcessorRow {
  readonly cpu: { readonly microarchitectures: string[]; readonly coefficients?: 'ccf-app' | 'ccf-coefficients-2026'; readonly platformCpu?: string; readonly source: string };
  readonly familyLargest: { readonly type: string; readonly vcpu: number; readonly memoryGiB: number; readonly source: string };
  readonly burstableBaselinePct?: number;
  readonly gpu?: { readonly model: string; readonly count: number; readonly source: string };
  readonly accelerator?: { readonly model: string; readonly count: number; readonly source: string };
  readonly unknownBecause?: string;
}

/** The processor table of every training type (keys without `ml.`). */
export function instanceProcessors(): { readonly [ec2Type: string]: InstanceProcessorRow } {
  return table('instance-processors.json').instances;
}

/** One CCF figure of a training type CCF covers (instance-power.json). */
export interface KnownPowerRow {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly gpuCount: number;
  readonly gpuModel: string | null;
  readonly cpuMicroarchitectures: string[];
  readonly effectiveVcpuForCompute: number;
  readonly extraMemoryGB: number;
  readonly instanceWattsExclPue: { readonly p0: number; readonly p50: number; readonly p100: number };
}

/** CCF's own power figures of the training types it covers (keys without `ml.`). */
export function knownInstancePower(): { readonly [ec2Type: string]: KnownPowerRow } {
  return table('instance-power.json').instances;
}

/** The defaults of aws-cdk-lib's SageMakerCreateTrainingJob and of the SageMaker Python SDK (tool-defaults.json). */
export function toolDefaults(): any {
  return table('tool-defaults.json');
}

/** A string, list or map shape of the SageMaker API model, as the library checks values against it. */
export interface SageMakerApiShape {
  /** The shape name in the model, e.g. `ChannelName`. */
  readonly name: string;
  /** `string`, `map`, `list`. */
  readonly type: string;
  /** Least length (strings) or entry count (maps, lists). */
  readonly min?: number;
  /** Greatest length (strings) or entry count (maps, lists). */
  readonly max?: number;
  /** Pattern without anchors, as in the model (or tightened, see `documentedFormats` in the table). */
  readonly pattern?: string;
  /** Allowed values. */
  readonly enum?: readonly string[];
  /** What the shape accepts, in words, for messages. */
  readonly described: string;
}

/**
 * A SageMaker API shape from `sagemaker-api-shapes.json`: the official model's constraints, with the tightenings
 * the table documents (and sources) applied.
 */
export function sageMakerApiShape(name: string): SageMakerApiShape {
  const t = table('sagemaker-api-shapes.json');
  const shape = t.shapes[name];
  if (!shape) throw new Error(`sagemaker-api-shapes.json has no shape ${name}`);
  const { _source: _ignored, ...tightened } = t.documentedFormats[name] ?? {};
  return { name, ...shape, ...tightened, described: t.described[name] ?? name };
}

/** The source line of the SageMaker API shapes table. */
export function sageMakerApiShapesSource(): string {
  return table('sagemaker-api-shapes.json')._source;
}

/** One version of a Deep Learning Container for training. */
export interface TrainingImageVersionRow {
  /** Python version, e.g. `py312`. */
  readonly python: string;
  /** Neuron SDK version (Neuron images only). */
  readonly neuronSdk?: string;
  /** General availability date (YYYY-MM-DD), when published. */
  readonly ga?: string;
  /** End of patch date (YYYY-MM-DD), when published. */
  readonly eop?: string;
  /** Image tag per processor (`cpu`, `gpu`, `neuronx`). */
  readonly tags: { readonly [processor: string]: string };
}

/** One family of Deep Learning Containers for training (one ECR repository name in every registry). */
export interface TrainingImageFamilyRow {
  /** ECR repository name, e.g. `pytorch-training`. */
  readonly repository: string;
  /** Key of the registry table (the same accounts serve every repository that shares it), e.g. `dlc`. */
  readonly registrySet: string;
  /** Registry account per region where the repository exists. */
  readonly registries: { readonly [region: string]: string };
  /** Versions, keyed by full framework version (`2.9.0`). */
  readonly versions: { readonly [version: string]: TrainingImageVersionRow };
}

/** AWS Deep Learning Containers for training by family (`pytorch`, `tensorflow`, `pytorch-neuronx`). */
export function trainingImageFamily(family: string): TrainingImageFamilyRow {
  const t = table('training-images.json');
  const f = t.images[family];
  if (!f) throw new Error(`training-images.json has no family ${family}`);
  return { repository: f.repository, registrySet: f.registries, registries: t.registries[f.registries], versions: f.versions };
}
