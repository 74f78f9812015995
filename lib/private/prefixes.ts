/**
 * The job-name prefixes taken in an app, per kind of job (lowercase, as in ARNs). A prefix identifies one
 * definition's runs: its checkpoints, the orchestrators' IAM permissions (`<prefix>-*`), the guard's StopTraining
 * scope and, for tuning, the warm-start lookup of the previous run. Two definitions with one prefix could not be
 * told apart, so SustainableTrainingJob and SustainableTuningJob both refuse a prefix already taken in the app
 * (SML-MANAGED), through this one registry. Job names are unique per account and region: stacks with different
 * explicit environments keep separate registries; environment-agnostic stacks of one app share one.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { refuse } from './messages';

/** The kinds of job whose names are prefixed. */
export type PrefixKind = 'training' | 'tuning';

/** Per app (the construct tree's root): `<environment>|<kind>|<lowercase prefix>` → the definition that has it. */
const taken = new WeakMap<IConstruct, Map<string, IConstruct>>();

function registry(scope: IConstruct): Map<string, IConstruct> {
  const root = scope.node.root;
  if (!taken.has(root)) taken.set(root, new Map());
  return taken.get(root)!;
}

/** The account and region a definition's jobs run in, when the stack names them; else one shared namespace. */
function environment(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) ? 'agnostic' : `${stack.account}/${stack.region}`;
}

function key(kind: PrefixKind, scope: IConstruct, prefix: string): string {
  return `${environment(scope)}|${kind}|${prefix.toLowerCase()}`;
}

/**
 * Refuse `prefix` when another definition of the same kind in the app already has it; `derived` says the prefix
 * was not given but derived, and `consequence` what sharing it would break.
 */
export function checkPrefixFree(kind: PrefixKind, scope: IConstruct, prefix: string, derived: string | undefined, consequence: string, fix: string): void {
  const owner = registry(scope).get(key(kind, scope, prefix));
  if (owner && owner !== scope) {
    refuse('SML-MANAGED', {
      prop: 'jobNamePrefix',
      value: prefix,
      problem: `${derived ? `(${derived}) ` : ''}is already the prefix of ${owner.node.path} in this app${environment(scope) === 'agnostic' ? '' : ` (${environment(scope)})`}, so the two definitions' runs could not be told apart: ${consequence}`,
      fix,
    });
  }
}

/** Record `prefix` as taken by `owner` (call it last in the constructor, so a refused definition takes nothing). */
export function claimPrefix(kind: PrefixKind, owner: IConstruct, prefix: string): void {
  registry(owner).set(key(kind, owner, prefix), owner);
}
