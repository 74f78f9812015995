import { isKnown, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

/** SML-ARTIFACTS: Scratch data (checkpoints, debugger/profiler output, temporary data) expires; model artifacts never. */
export const ARTIFACTS: SustainabilityRule = {
  id: 'SML-ARTIFACTS',
  title: 'Scratch data (checkpoints, debugger/profiler output, temporary data) expires; model artifacts never',
  wellArchitected: ['MLSUS04-BP03', 'SUS04-BP03'],
  rationale: 'Scratch data kept forever is stored (and replicated) for no one; models are the product.',
  fix: 'Use MlArtifactsBucket and write scratch output only under its scratch prefixes.',
};

/** The key prefixes one enabled lifecycle rule expires, as far as synth can tell ('' is the whole bucket). */
export interface ExpiringRule {
  /** Key prefix ('' for the whole bucket). */
  readonly prefix: string;
}

/**
 * The rules of a bucket's `LifecycleConfiguration` (resolved; CloudFormation or CDK casing) that expire every current
 * object under their prefix: enabled, with an expiration, no tag or size filter. `deploy-time` when the rules hold
 * deploy-time values.
 */
export function expiringRules(lifecycle: any): ExpiringRule[] | 'deploy-time' {
  if (lifecycle === undefined || lifecycle === null) return [];
  const text = JSON.stringify(lifecycle);
  if (!isKnown(lifecycle) || text.includes('"Ref"') || text.includes('"Fn::')) return 'deploy-time';
  const get = (r: any, k: string) => r[k] ?? r[k.charAt(0).toUpperCase() + k.slice(1)];
  const rules: any[] = get(lifecycle, 'rules') ?? [];
  return rules
    .filter((r) => get(r, 'status') === 'Enabled'
      && (get(r, 'expirationInDays') !== undefined || get(r, 'expirationDate') !== undefined)
      && !(get(r, 'tagFilters')?.length) && get(r, 'objectSizeGreaterThan') === undefined && get(r, 'objectSizeLessThan') === undefined)
    .map((r) => ({ prefix: get(r, 'prefix') ?? '' }));
}

/**
 * Compliant when a bucket's lifecycle expires every scratch prefix it receives (`scratchPrefixes`: checkpoints,
 * debugger/profiler output, temporary data) and no rule expires `modelsPrefix` (when given). `subject` names the
 * bucket in messages.
 */
export function bucketExpiresScratch(lifecycle: any, scratchPrefixes: string[], subject: string, modelsPrefix?: string): RuleFinding[] {
  const rules = expiringRules(lifecycle);
  if (rules === 'deploy-time') {
    return [unknown(ARTIFACTS.id, `${subject.split(' ')[0]} lifecycle rules`, `whether they expire ${scratchPrefixes.join(', ')}${modelsPrefix ? ` and keep ${modelsPrefix}` : ''} is not checked at synth`)];
  }
  const findings: RuleFinding[] = [];
  const missing = scratchPrefixes.filter((p) => !rules.some((r) => p.startsWith(r.prefix)));
  if (missing.length > 0) {
    findings.push(warning(ARTIFACTS.id, `${subject} keeps ${missing.join(', ')} forever: add lifecycle rules that expire ${missing.length > 1 ? 'them' : 'it'} (MlArtifactsBucket expires every scratch prefix)`));
  }
  if (modelsPrefix !== undefined) {
    const models = rules.filter((r) => modelsPrefix.startsWith(r.prefix) || r.prefix.startsWith(modelsPrefix));
    if (models.length > 0) {
      findings.push(warning(ARTIFACTS.id, `${subject} expires model artifacts (a lifecycle rule on ${models.map((r) => `'${r.prefix}'`).join(', ')} covers ${modelsPrefix}): scope expiring rules to the scratch prefixes ${scratchPrefixes.join(', ')}`));
    }
  }
  return findings;
}
