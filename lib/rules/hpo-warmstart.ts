import { API_TERMS, ApiShape, field, refusal, RuleFinding, SustainabilityRule, Terms, unknown } from './rule';

/** SML-HPO-WARMSTART: Warm start from parent tuning jobs (≤ 5), type validated. */
export const HPO_WARMSTART: SustainabilityRule = {
  id: 'SML-HPO-WARMSTART',
  title: 'Warm start from parent tuning jobs (≤ 5), type validated',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'A new search that starts from what earlier searches learned needs fewer jobs.',
  fix: 'Pass `warmStart` with at most 5 parents and a Bayesian or Random strategy.',
};

// --- CreateHyperParameterTuningJob: WarmStartConfig --------------------------------------------------------------

/** The most parent tuning jobs a warm start accepts (API limit). */
export const MAX_WARM_START_PARENTS = 5;
/** The warm-start types of the API. */
export const WARM_START_TYPES = ['IdenticalDataAndAlgorithm', 'TransferLearning'];

const CONFIG = 'WarmStartConfig';
const PARENTS = 'WarmStartConfig.ParentHyperParameterTuningJobs';
const TYPE = 'WarmStartConfig.WarmStartType';
const TUNING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

/** The parent names of a WarmStartConfig, each with whether it is known at synth. */
function parentNames(config: ApiShape): { readonly value: any; readonly known: boolean }[] | undefined {
  const parents = field(config, 'ParentHyperParameterTuningJobs');
  if (!parents.known) return undefined;
  return Array.isArray(parents.value) ? parents.value.map((p: ApiShape) => field(p, 'HyperParameterTuningJobName')) : [];
}

/** Compliant when a WarmStartConfig names 1–5 parents (the API limit). */
export function warmStartParentCount(config: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const parents = field(config, 'ParentHyperParameterTuningJobs');
  if (!parents.known || !Array.isArray(parents.value)) return [];
  const n = parents.value.length;
  if (n >= 1 && n <= MAX_WARM_START_PARENTS) return [];
  return [refusal(HPO_WARMSTART.id, t, PARENTS, n, `a warm start takes 1–${MAX_WARM_START_PARENTS} parent tuning jobs (the API limit)`,
    `keep the ${MAX_WARM_START_PARENTS} most relevant parents; their best jobs carry what the search learned`)];
}

/** Compliant when each parent of a WarmStartConfig known at synth is a tuning job name (1–32 letters, digits and inner hyphens). */
export function warmStartParentNames(config: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const bad = (parentNames(config) ?? []).find((n) => n.known && (typeof n.value !== 'string' || !TUNING_JOB_NAME.test(n.value)));
  return bad === undefined ? [] : [refusal(HPO_WARMSTART.id, t, PARENTS, bad.value, 'is not a tuning job name (1–32 letters, digits and inner hyphens)',
    'copy the name of a finished tuning job from the console or ListHyperParameterTuningJobs')];
}

/** Compliant when a WarmStartConfig lists each parent once. */
export function warmStartParentsOnce(config: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const names = (parentNames(config) ?? []).filter((n) => n.known).map((n) => n.value);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  return dup === undefined ? [] : [refusal(HPO_WARMSTART.id, t, PARENTS, dup, 'is listed twice', 'list each parent once')];
}

/** Compliant when the `WarmStartType` of a WarmStartConfig, if known, is one of the API's types. */
export function warmStartType(config: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const type = field(config, 'WarmStartType');
  if (!type.known || type.value === undefined || WARM_START_TYPES.includes(type.value)) return [];
  return [refusal(HPO_WARMSTART.id, t, TYPE, type.value, `must be one of ${WARM_START_TYPES.join(', ')}`, 'use WarmStartType.IDENTICAL_DATA_AND_ALGORITHM or TRANSFER_LEARNING')];
}

/**
 * Compliant when the warm start of a CreateHyperParameterTuningJob request, if any, is one the API accepts and
 * that learns: a Bayesian or Random search, 1–5 parents, each a tuning job name listed once, a valid type.
 */
export function tuningJobWarmStart(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const ws = field(request, 'WarmStartConfig');
  if (!ws.known || (ws.value !== undefined && parentNames(ws.value) === undefined)) {
    return [unknown(HPO_WARMSTART.id, t.name(CONFIG), 'the parents of the warm start are not checked at synth; SageMaker checks them when the tuning job is created')];
  }
  if (ws.value === undefined) return [];
  const strategy = field(request?.HyperParameterTuningJobConfig, 'Strategy');
  if (strategy.known && !['Bayesian', 'Random'].includes(strategy.value)) {
    return [refusal(HPO_WARMSTART.id, t, CONFIG, strategy.value, 'warm start works with the Bayesian and Random strategies only', 'use TuningStrategy.BAYESIAN with warm start, or start cold')];
  }
  return [...warmStartParentCount(ws.value, t), ...warmStartParentNames(ws.value, t), ...warmStartParentsOnce(ws.value, t), ...warmStartType(ws.value, t)];
}
