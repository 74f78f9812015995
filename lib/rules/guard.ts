import { GuardTags } from '../guard/guard-tags';
import { firstDuplicate } from './private/duplicates';
import { API_TERMS, ApiShape, CheckContext, field, refusal, RuleFinding, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-GUARD: Jobs are watched: stop on idle accelerators, stalled objective, overfitting; Debugger rules where available. */
export const GUARD: SustainabilityRule = {
  id: 'SML-GUARD',
  title: 'Jobs are watched: stop on idle accelerators, stalled objective, overfitting; Debugger rules where available',
  wellArchitected: ['SUS05-BP04'],
  rationale: 'A job whose accelerators idle or whose objective stopped improving burns energy for nothing.',
  fix: 'Deploy TrainingJobGuard (or Debugger rules with StopTraining where the account has Debugger).',
};

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

const DEBUG_RULES = 'DebugRuleConfigurations';
const PROFILER_RULES = 'ProfilerRuleConfigurations';
/** The most rule configurations of one kind the API accepts (DebugRuleConfigurations, ProfilerRuleConfigurations). */
const MAX_RULES_PER_KIND = 20;

/** The rule configurations of a request: `[list field, kind, configurations]` for debug and profiler rules. */
function ruleConfigurations(request: ApiShape): [string, string, ApiShape[]][] {
  return ([[DEBUG_RULES, 'debug'], [PROFILER_RULES, 'profiler']] as const).map(([list, kind]) => {
    const v = field(request, list);
    return [list, kind, v.known && Array.isArray(v.value) ? v.value.filter((r: unknown) => r && typeof r === 'object') : []];
  });
}

/**
 * Compliant when the Debugger rule configurations of a CreateTrainingJob request can work: each has its own
 * `RuleConfigurationName`, there are at most 20 of each kind (the API limit), and no built-in StopTraining action is
 * combined with network isolation, a VPC, or managed spot training (interruptions), where built-in actions do not
 * work. Rules that pass warn that Debugger is closed to new customers.
 */
export function trainingJobRuleConfigurationsWork(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const lists = ruleConfigurations(request);
  if (lists.every(([, , rules]) => rules.length === 0)) return [];
  const dup = firstDuplicate(lists.flatMap(([, , rules]) => rules.map((r) => r.RuleConfigurationName)));
  if (dup !== undefined) {
    const list = lists.find(([, , rules]) => rules.some((r) => r.RuleConfigurationName === dup))![0];
    return [refusal(GUARD.id, t, list, dup, 'two rule configurations have the same name', 'give the second one its own name')];
  }
  const refusals = [
    ...lists.filter(([, , rules]) => rules.length > MAX_RULES_PER_KIND).map(([list, kind, rules]) =>
      refusal(GUARD.id, t, list, rules.length, `has more than ${MAX_RULES_PER_KIND} ${kind} rules (the API limit)`, 'keep the rules that can stop a wasteful job')),
    ...stopActionsThatCannotWork(request, lists[0][2], t),
  ];
  return refusals.length > 0 ? refusals
    : [warning(GUARD.id, 'Debugger rules need an account that already used SageMaker Debugger (closed to new customers since 2026-07-30); TrainingJobGuard works without it')];
}

/** The StopTraining actions of `debugRules` where built-in actions do not work. */
function stopActionsThatCannotWork(request: ApiShape, debugRules: ApiShape[], t: Terms): RuleFinding[] {
  const isolation = field(request, 'EnableNetworkIsolation');
  const vpc = field(request, 'VpcConfig');
  const spot = field(request, 'EnableManagedSpotTraining');
  const why = isolation.known && isolation.value === true ? 'network isolation'
    : vpc.known && vpc.value !== undefined ? 'a VPC'
      : spot.known && spot.value === true ? 'managed spot training (interruptions)' : undefined;
  if (why === undefined) return [];
  return debugRules.flatMap((r) => {
    const action = field(r.RuleParameters, 'action_json');
    if (!action.known || typeof action.value !== 'string' || !/stoptraining/i.test(action.value)) return [];
    return [refusal(GUARD.id, t, `${DEBUG_RULES}[${r.RuleConfigurationName}].RuleParameters.action_json`, action.value,
      `built-in Debugger actions do not work with ${why}`,
      why === 'network isolation' || why === 'a VPC' ? 'rely on TrainingJobGuard to stop the job' : 'set spot: false for this job, or rely on TrainingJobGuard')];
  });
}

/** The guard tag as a field: `Tags[sustainable-ml:guard]`. */
const GUARD_TAG = `Tags[${GuardTags.GUARD}]`;

/**
 * Compliant when TrainingJobGuard watches the job: its `Tags` (or, for a tuning job's training definition, the
 * tuning job's, which SageMaker adds to every training job it launches: `context.inheritedTags`) carry
 * `sustainable-ml:guard: enabled`.
 */
export function trainingJobIsWatched(request: ApiShape, t: Terms = API_TERMS, context: CheckContext = {}): RuleFinding[] {
  const own = field(request, 'Tags');
  const tags = own.value === undefined && own.known ? { value: context.inheritedTags, known: field(context, 'inheritedTags').known } : own;
  if (!tags.known) return [unknown(GUARD.id, 'Tags', 'whether TrainingJobGuard watches the job is not checked at synth')];
  const list: ApiShape[] = Array.isArray(tags.value) ? tags.value : [];
  const tag = list.find((x) => x?.Key === GuardTags.GUARD);
  if (tag !== undefined && !field(tag, 'Value').known) return [unknown(GUARD.id, GUARD_TAG, 'whether TrainingJobGuard watches the job is not checked at synth')];
  if (tag?.Value === GuardTags.ENABLED) return [];
  return [warning(GUARD.id, `${t.name(GUARD_TAG)} is off: TrainingJobGuard will not stop this job when its accelerators idle, its objective stalls or it overfits`)];
}
