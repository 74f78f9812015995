import { previousGenerationFamilies, trainingInstanceTypes } from '../data';
import { API_TERMS, ApiShape, field, isKnown, refusal, RuleFinding, show, shown, SustainabilityRule, Terms, warning } from './rule';
import { enumValuesField, INSTANCE_NAME, instanceTypeChoices } from './start-small';

/** SML-SILICON: Previous-generation types warned; Trainium types validated; GPU-only rules not applied to Trainium. */
export const SILICON: SustainabilityRule = {
  id: 'SML-SILICON',
  title: 'Previous-generation types warned; Trainium types validated; GPU-only rules not applied to Trainium',
  wellArchitected: ['MLSUS05-BP02', 'SUS05-BP02'],
  rationale: 'Current-generation and purpose-built silicon (Trainium, Graviton) do more work per watt.',
  fix: 'Choose a current-generation instance type, or Trainium (ml.trn1/trn1n/trn2) for supported frameworks.',
};

/** The family of an instance type name (`ml.<family>.<size>`), or undefined. */
function familyOf(name: unknown): string | undefined {
  return typeof name === 'string' ? INSTANCE_NAME.exec(name)?.[1] : undefined;
}

// --- AWS::SageMaker::NotebookInstance properties ---------------------------------------------------------------------

/** Compliant when a notebook instance's `InstanceType` is of a current generation (lib/data/instance-generations.json). */
export function notebookInstanceTypeIsCurrent(nb: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const f = field(nb, 'InstanceType');
  const family = f.known ? familyOf(f.value) : undefined;
  if (family === undefined || !previousGenerationFamilies().includes(family)) return [];
  return [warning(SILICON.id, `${t.name('InstanceType')} ${shown(t, 'InstanceType', f.value)} is a previous-generation type; use ml.t3 or ml.m5/ml.m6i/ml.m7i`)];
}

// --- SageMaker pipeline definition -----------------------------------------------------------------------------------

/**
 * Compliant when no execution of a pipeline can choose a previous-generation instance type other than the one the
 * definition was written for (each instance-type parameter's `EnumValues` other than its `DefaultValue`).
 */
export function pipelineInstanceChoicesAreCurrent(definition: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return instanceTypeChoices(definition).flatMap((c) => {
    const previous = (c.enumValues ?? []).filter((n): n is string => typeof n === 'string' && n !== c.defaultValue
      && previousGenerationFamilies().includes(familyOf(n) ?? ''));
    return previous.length === 0 ? [] : [warning(SILICON.id,
      `${t.name(enumValuesField(c.parameter))} lets an execution choose previous-generation ${previous.join(', ')}; current-generation types do more work per watt`)];
  });
}

// --- the instance data the rules read (lib/data), by API name ------------------------------------------------------

/** The accelerator of a training instance type, as the instance table names it. */
export type InstanceAccelerator = 'none' | 'nvidia-gpu' | 'trainium';

/** What the rules need to know about a training instance type. */
export interface InstanceFacts {
  /** Family, e.g. `m5`, `trn1`. */
  readonly family: string;
  /** The accelerator; undefined when the type is not in the training-instance table. */
  readonly accelerator?: InstanceAccelerator;
  /** True for families EC2 lists as previous generation. */
  readonly previousGeneration: boolean;
}

/**
 * The facts of a training instance type named by its API name (`ml.g5.xlarge`), from the library's instance data
 * (`lib/data/training-instance-types.json`, `instance-generations.json`); undefined for a name that is not
 * `ml.<family>.<size>`. A well-formed name missing from the table still has its family and generation.
 */
export function instanceFacts(name: unknown): InstanceFacts | undefined {
  if (typeof name !== 'string' || !isKnown(name)) return undefined;
  const row = trainingInstanceTypes()[name];
  const family = row?.family ?? familyOf(name);
  if (family === undefined) return undefined;
  const acc = row?.accelerator;
  const accelerator: InstanceAccelerator | undefined = !row ? undefined : !acc ? 'none' : acc.kind === 'neuron' ? 'trainium' : 'nvidia-gpu';
  return { family, accelerator, previousGeneration: previousGenerationFamilies().includes(family) };
}

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

/** Profiler rules that read GPU metrics only. */
export const GPU_ONLY_PROFILER_RULES: readonly string[] = ['LowGPUUtilization', 'GPUMemoryIncrease'];

const INSTANCE_TYPE = 'ResourceConfig.InstanceType';
const PROFILER_RULES = 'ProfilerRuleConfigurations';

/**
 * Compliant when a CreateTrainingJob request runs on current-generation silicon and asks nothing of it that it cannot
 * do: a previous-generation `ResourceConfig.InstanceType` warns, and so does an image for other silicon (a
 * non-Neuron `AlgorithmSpecification.TrainingImage` on Trainium or a Neuron one elsewhere, judged by the repository
 * name, so it warns rather than refuses); profiler rules on Trainium (SageMaker profiling is
 * off on ml.trn*) and GPU-only profiler rules on an instance without a GPU are refused. Not applicable when the
 * instance type is a deploy-time value (the constructs require it at synth; a pipeline parameter is checked against
 * its allowed types).
 */
export function trainingJobFitsItsSilicon(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const type = field(request?.ResourceConfig, 'InstanceType');
  const facts = type.known ? instanceFacts(type.value) : undefined;
  if (!facts) return [];
  const findings: RuleFinding[] = [];
  if (facts.previousGeneration) {
    findings.push(warning(SILICON.id, `${t.name(INSTANCE_TYPE)} ${shown(t, INSTANCE_TYPE, type.value)} is a previous-generation type (${facts.family}); current-generation types do more work per watt`));
  }
  findings.push(...imageFitsTheSilicon(request, type.value, facts, t));
  const profilerRules = field(request, PROFILER_RULES);
  for (const r of profilerRules.known && Array.isArray(profilerRules.value) ? profilerRules.value : []) {
    const ruleName = field(r?.RuleParameters, 'rule_to_invoke');
    if (!ruleName.known || typeof ruleName.value !== 'string') continue;
    if (facts.accelerator === 'trainium') {
      findings.push(refusal(SILICON.id, t, PROFILER_RULES, ruleName.value,
        `profiler rules read nothing on Trainium (${type.value}): SageMaker profiling is off on ml.trn*`,
        'drop the profiler rule; TrainingJobGuard watches Neuron core utilisation'));
    }
    if (GPU_ONLY_PROFILER_RULES.includes(ruleName.value) && facts.accelerator !== undefined && facts.accelerator !== 'nvidia-gpu') {
      findings.push(refusal(SILICON.id, t, PROFILER_RULES, ruleName.value,
        `reads GPU metrics only, and ${type.value} has no GPU`, 'drop the rule or use a CPU rule such as CPUBottleneck'));
    }
  }
  return findings;
}

/** A known image URI on the wrong silicon: a non-Neuron image on Trainium, or a Neuron image elsewhere. */
function imageFitsTheSilicon(request: ApiShape, instanceType: string, facts: InstanceFacts, t: Terms): RuleFinding[] {
  const image = field(request?.AlgorithmSpecification, 'TrainingImage');
  if (!image.known || typeof image.value !== 'string' || facts.accelerator === undefined) return [];
  const neuron = /neuron/i.test(image.value);
  const type = `${t.name(INSTANCE_TYPE)} ${shown(t, INSTANCE_TYPE, instanceType)}`;
  if (facts.accelerator === 'trainium' && !neuron) {
    return [warning(SILICON.id, `${type} is Trainium but the image ${show(image.value)} is not a Neuron image; use TrainingImage.pytorch() (it picks pytorch-training-neuronx on Trainium)`)];
  }
  if (facts.accelerator !== 'trainium' && neuron) {
    return [warning(SILICON.id, `the image ${show(image.value)} is a Neuron image, which runs only on Trainium, but ${t.name(INSTANCE_TYPE)} is ${shown(t, INSTANCE_TYPE, instanceType)}; use a Trainium type (e.g. ml.trn1.2xlarge) or a CPU/GPU image`)];
  }
  return [];
}
