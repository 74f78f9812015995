import { InstanceTypeRow, localInstanceStorageGB, trainingInstanceTypes } from '../data';
import { apiEnum } from '../private/api-shapes';
import { nearMatches } from '../private/near-matches';
import { API_TERMS, ApiShape, field, refusal, RuleFinding, shown, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-START-SMALL: Small current-generation CPU instance, one instance, volume sized to need. */
export const START_SMALL: SustainabilityRule = {
  id: 'SML-START-SMALL',
  title: 'Small current-generation CPU instance, one instance, volume sized to need',
  wellArchitected: ['SUS05-BP01'],
  rationale: 'Most experiments fit on a small instance; scale up only when utilisation shows the need.',
  fix: 'Keep the default instance or choose the smallest type and count the workload needs.',
};

// --- AWS::SageMaker::NotebookInstance properties ---------------------------------------------------------------------

/** `ml.<family>.<size>`: the form of every SageMaker instance type name. */
export const INSTANCE_NAME = /^ml\.([a-z0-9-]+)\.([a-z0-9]+)$/;
/** Notebook sizes that stay small; larger ones warn (SML-START-SMALL). */
const SMALL_NOTEBOOK_SIZES = new Set(['medium', 'large', 'xlarge']);

/**
 * Compliant when a notebook instance's `InstanceType` is one the API lists for notebooks (its `InstanceType` enum,
 * lib/data/sagemaker-api-shapes.json); otherwise an error with the nearest names.
 */
export function notebookInstanceTypeIsKnown(nb: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const f = field(nb, 'InstanceType');
  if (!f.known) return [unknown(START_SMALL.id, t.name('InstanceType'), 'whether the notebook instance type is small and current is not checked at synth')];
  const known = apiEnum('InstanceType');
  if (typeof f.value === 'string' && INSTANCE_NAME.test(f.value) && known.includes(f.value)) return [];
  return [refusal(START_SMALL.id, t, 'InstanceType', f.value,
    `is not a SageMaker notebook instance type (the API's InstanceType enum has ${known.length}, e.g. ml.t3.medium)`,
    `use one of ${nearMatches(String(f.value), known).join(', ')}, or 'ml.t3.medium' (the default)`)];
}

/** Compliant when a notebook instance's `InstanceType` is small and not accelerated (heavy work belongs in training jobs). */
export function notebookInstanceTypeIsSmall(nb: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const f = field(nb, 'InstanceType');
  const m = f.known && typeof f.value === 'string' ? INSTANCE_NAME.exec(f.value) : null;
  // an unknown type is notebookInstanceTypeIsKnown's refusal, not a large one
  if (!m || !apiEnum('InstanceType').includes(f.value)) return [];
  const [, family, size] = m;
  return /^(p|g|inf|trn)\d/.test(family) || !SMALL_NOTEBOOK_SIZES.has(size)
    ? [warning(START_SMALL.id, `${t.name('InstanceType')} ${shown(t, 'InstanceType', f.value)} is large or accelerated for a notebook; run heavy work as training jobs and keep the notebook on ml.t3.medium`)]
    : [];
}

// --- SageMaker pipeline definition -----------------------------------------------------------------------------------

/** An instance-type parameter of a pipeline: the types an execution may choose for a step's `ResourceConfig.InstanceType`. */
export interface InstanceTypeChoice {
  /** The parameter's `Name`. */
  readonly parameter: string;
  /** Its `DefaultValue` (the type the definition was written for). */
  readonly defaultValue: unknown;
  /** Its `EnumValues`; undefined when the parameter takes any value. */
  readonly enumValues?: unknown[];
}

/**
 * The pipeline parameters that choose a Training or Tuning step's `ResourceConfig.InstanceType` (`{"Get":
 * "Parameters.<name>"}`), condition branches and a tuning job's `TrainingJobDefinition(s)` included.
 */
export function instanceTypeChoices(definition: ApiShape): InstanceTypeChoice[] {
  const parameters: any[] = Array.isArray(definition?.Parameters) ? definition.Parameters : [];
  const names = new Set(pipelineTrainingJobs(definition).map(instanceTypeParameter).filter((n): n is string => n !== undefined));
  return [...names].map((n) => parameters.find((p) => p?.Name === n)).filter((p) => p !== undefined)
    .map((p) => ({ parameter: p.Name, defaultValue: p.DefaultValue, enumValues: Array.isArray(p.EnumValues) ? p.EnumValues : undefined }));
}

/**
 * The training jobs of a pipeline definition: each Training step's arguments and each Tuning step's training
 * definitions, Condition branches included.
 */
export function pipelineTrainingJobs(definition: ApiShape): ApiShape[] {
  const jobs: ApiShape[] = [];
  const visit = (steps: any) => {
    for (const step of Array.isArray(steps) ? steps : []) {
      if (step?.Type === 'Training') jobs.push(step.Arguments);
      if (step?.Type === 'Tuning') jobs.push(...[step.Arguments?.TrainingJobDefinition, ...(step.Arguments?.TrainingJobDefinitions ?? [])].filter((d) => d));
      if (step?.Type === 'Condition') { visit(step.Arguments?.IfSteps); visit(step.Arguments?.ElseSteps); }
    }
  };
  visit(definition?.Steps);
  return jobs;
}

/** The name of the pipeline parameter a training job takes its instance type from (`{ Get: 'Parameters.<name>' }`). */
function instanceTypeParameter(job: ApiShape | undefined): string | undefined {
  const get = job?.ResourceConfig?.InstanceType?.Get;
  return typeof get === 'string' ? /^Parameters\.(.+)$/.exec(get)?.[1] : undefined;
}

/**
 * Each training job of a pipeline definition whose `ResourceConfig.InstanceType` is a parameter, with the types an
 * execution may choose: the parameter's `EnumValues`, else its `DefaultValue`.
 */
export function parameterizedTrainingJobs(definition: ApiShape): { readonly job: ApiShape; readonly types: string[] }[] {
  const parameters: any[] = Array.isArray(definition?.Parameters) ? definition.Parameters : [];
  return pipelineTrainingJobs(definition).flatMap((job) => {
    const name = instanceTypeParameter(job);
    const p = name !== undefined ? parameters.find((x) => x?.Name === name) : undefined;
    if (!p) return [];
    const types = (Array.isArray(p.EnumValues) ? p.EnumValues : [p.DefaultValue]).filter((v: unknown): v is string => typeof v === 'string');
    return [{ job, types }];
  });
}

/** `trainingJobVolumeFitsLocalStorage` for every type an execution of a pipeline may choose. */
export function pipelineInstanceChoicesFitTheVolume(definition: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return parameterizedTrainingJobs(definition).flatMap(({ job, types }) => types.flatMap((type) => volumeFitsLocalStorage(job, t, type)));
}

/** The field path of a parameter's `EnumValues`. */
export function enumValuesField(parameter: string): string {
  return `Parameters[${parameter}].EnumValues`;
}

/**
 * Compliant when no execution of a pipeline can choose a larger instance type than the definition was written for:
 * each instance-type parameter lists its `EnumValues`, none of them larger (vCPUs, memory, accelerators) than its
 * `DefaultValue` or of another accelerator kind. Types the training-instance table does not know are not judged.
 */
export function pipelineInstanceChoicesAreSmall(definition: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return instanceTypeChoices(definition).flatMap((c) => {
    const f = enumValuesField(c.parameter);
    if (c.enumValues === undefined) {
      return [warning(START_SMALL.id, `${t.name(f)} is not set: an execution may choose any instance type for ${c.parameter}, however large`)];
    }
    const own = typeof c.defaultValue === 'string' ? trainingInstanceTypes()[c.defaultValue] : undefined;
    if (!own) return [];
    const kind = (row: InstanceTypeRow) => row.accelerator?.kind ?? 'none';
    const larger = c.enumValues.filter((n): n is string => typeof n === 'string' && trainingInstanceTypes()[n] !== undefined).filter((n) => {
      const row = trainingInstanceTypes()[n];
      const fits = row.vcpu <= own.vcpu && row.memoryGiB <= own.memoryGiB && (row.accelerator?.count ?? 0) <= (own.accelerator?.count ?? 0);
      return !fits || kind(row) !== kind(own);
    });
    return larger.length === 0 ? [] : [warning(START_SMALL.id,
      `${t.name(f)} lets an execution choose ${larger.join(', ')}, larger than or of another kind than the job's ${c.defaultValue}: the job's defaults were checked for ${c.defaultValue} only`)];
  });
}

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

const COUNT = 'ResourceConfig.InstanceCount';
const VOLUME = 'ResourceConfig.VolumeSizeInGB';
const ENCRYPTION = 'EnableInterContainerTrafficEncryption';

/**
 * Compliant when a CreateTrainingJob request starts small: `ResourceConfig.InstanceCount` a whole number of at least
 * 1 (more than one warns: distributed training multiplies the footprint), `ResourceConfig.VolumeSizeInGB` 1–16,384
 * whole GiB, and a multi-instance job keeps `EnableInterContainerTrafficEncryption` on.
 */
export function trainingJobStartsSmall(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const resources = field(request, 'ResourceConfig');
  if (!resources.known) return [];
  return [...instanceCount(resources.value, t), ...volumeSize(resources.value, t), ...encryptsBetweenInstances(request, t)];
}

function instanceCount(resources: ApiShape | undefined, t: Terms): RuleFinding[] {
  const count = field(resources, 'InstanceCount');
  if (!count.known) return [unknown(START_SMALL.id, t.name(COUNT), 'SageMaker checks it when the job is created, and no warning can say whether it is more than one instance')];
  const n = count.value;
  if (n === undefined) return [];
  if (!Number.isInteger(n) || n < 1) {
    return [refusal(START_SMALL.id, t, COUNT, n, 'must be a whole number of at least 1', 'start with 1 instance and scale out only when utilisation shows the need')];
  }
  return n > 1 ? [warning(START_SMALL.id, `${t.name(COUNT)} ${shown(t, COUNT, n)}: distributed training multiplies the footprint; check that one instance is really too slow`)] : [];
}

function volumeSize(resources: ApiShape | undefined, t: Terms): RuleFinding[] {
  const volume = field(resources, 'VolumeSizeInGB');
  if (!volume.known) return [unknown(START_SMALL.id, t.name(VOLUME), 'SageMaker checks the 1–16,384 GiB range when the job is created')];
  const gb = volume.value;
  if (gb === undefined || (typeof gb === 'number' && Number.isInteger(gb) && gb >= 1 && gb <= 16384)) return [];
  return [refusal(START_SMALL.id, t, VOLUME, gb, `${gb} GiB is outside 1–16384 whole GiB`,
    'size the volume to what the job writes locally; FastFile input needs no room for the dataset')];
}

/**
 * Compliant when `ResourceConfig.VolumeSizeInGB` fits the instance's local NVMe storage, on types that have it:
 * SageMaker mounts that storage instead of an EBS volume and refuses a larger VolumeSizeInGB (CreateTrainingJob API
 * reference, ResourceConfig.VolumeSizeInGB).
 */
export function trainingJobVolumeFitsLocalStorage(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return volumeFitsLocalStorage(request, t, field(request?.ResourceConfig, 'InstanceType').value);
}

/** `trainingJobVolumeFitsLocalStorage` for an instance type other than the request's (one of a pipeline parameter's allowed types). */
export function volumeFitsLocalStorage(request: ApiShape, t: Terms, type: unknown): RuleFinding[] {
  const local = localInstanceStorageGB(type);
  const volume = field(request?.ResourceConfig, 'VolumeSizeInGB');
  if (!local || !volume.known || typeof volume.value !== 'number' || volume.value <= local) return [];
  return [refusal(START_SMALL.id, t, VOLUME, volume.value,
    `is more than the ${local} GB of local NVMe instance storage of ${type}, which SageMaker mounts instead of an EBS volume; the API refuses a larger VolumeSizeInGB`,
    `ask for at most ${local} GiB, or choose a type with more local storage`)];
}

/** A multi-instance job (or one whose count is a deploy-time value) with inter-container traffic encryption off. */
function encryptsBetweenInstances(request: ApiShape, t: Terms): RuleFinding[] {
  const count = field(request?.ResourceConfig, 'InstanceCount');
  const multiInstance = !count.known || (typeof count.value === 'number' && count.value > 1);
  const encryption = field(request, ENCRYPTION);
  if (!multiInstance || !encryption.known || encryption.value === true) return [];
  return [warning(START_SMALL.id, `${t.name(ENCRYPTION)} is off for a multi-instance job: traffic between instances is not encrypted`)];
}
