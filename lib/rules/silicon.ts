import { previousGenerationFamilies } from '../data';
import { API_TERMS, ApiShape, field, RuleFinding, shown, SustainabilityRule, Terms, warning } from './rule';
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
