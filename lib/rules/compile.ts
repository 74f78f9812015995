import { API_TERMS, ApiShape, field, refusal, RuleFinding, SustainabilityRule, Terms, warning } from './rule';
import { instanceFacts } from './silicon';

/** SML-COMPILE: Training Compiler is opt-in, only on the families it supports, with a warning that it is unmaintained. */
export const COMPILE: SustainabilityRule = {
  id: 'SML-COMPILE',
  title: 'Training Compiler is opt-in, only on the families it supports, with a warning that it is unmaintained',
  wellArchitected: ['SUS03-BP03'],
  rationale: 'Compiling a deep-learning model shortens training on supported GPUs; AWS no longer releases new versions of SageMaker Training Compiler.',
  fix: 'Enable `trainingCompiler` only on ml.p3, ml.p3dn, ml.g4dn, ml.p4d or ml.g5 with a Training Compiler image.',
};

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

/** Families SageMaker Training Compiler supports (SDK-v2 training_compiler/config.py). */
export const TRAINING_COMPILER_FAMILIES: readonly string[] = ['p3', 'p3dn', 'g4dn', 'p4d', 'g5'];

/** The hyperparameter that turns Training Compiler on (what the SageMaker Python SDK sets). */
export const TRAINING_COMPILER_ENABLED = 'sagemaker_training_compiler_enabled';

const ENABLED = `HyperParameters[${TRAINING_COMPILER_ENABLED}]`;

/**
 * Compliant when a CreateTrainingJob request leaves SageMaker Training Compiler off
 * (`HyperParameters.sagemaker_training_compiler_enabled`); when it is on, the instance family must be one it supports
 * (refused otherwise); a supported one warns that Training Compiler receives no new releases.
 */
export function trainingJobCompilesWhereSupported(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const enabled = field(request?.HyperParameters, TRAINING_COMPILER_ENABLED);
  if (!enabled.known || String(enabled.value).toLowerCase() !== 'true') return [];
  const type = field(request?.ResourceConfig, 'InstanceType');
  const facts = type.known ? instanceFacts(type.value) : undefined;
  if (facts && !TRAINING_COMPILER_FAMILIES.includes(facts.family)) {
    return [refusal(COMPILE.id, t, ENABLED, enabled.value,
      `is not supported on ${type.value} (only ${TRAINING_COMPILER_FAMILIES.map((f) => `ml.${f}`).join(', ')})`,
      facts.accelerator === 'trainium' ? `Trainium compiles through the Neuron SDK already; drop ${t.name(ENABLED)}` : `drop ${t.name(ENABLED)} or choose a supported GPU family`)];
  }
  return [warning(COMPILE.id, 'SageMaker Training Compiler receives no new releases or patches; prefer torch.compile in a current framework image')];
}
