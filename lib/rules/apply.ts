/**
 * How a construct publishes the findings of the predicates it ran on its own rendered request or shape: an error
 * is thrown as a refusal (`SustainabilityError`, worded as `refuse` words one: `<rule id>: <prop> <value>: <problem>.
 * Fix: <fix> (<Well-Architected ids>)`), a warning is an `Annotations` warning with the rule's stable id, an
 * `unknown` the info annotation of a check deferred to deploy time. The predicates were given the construct's
 * `Terms`, so the findings already name props.
 */
import { IConstruct } from 'constructs';
import { SustainabilityError, warn } from '../private/messages';
import { deferred } from '../private/synth-value';
import { rule } from './index';
import { RuleFinding } from './rule';

/**
 * Publish `findings` on `scope`, in order: warnings and deferred checks are annotated, the first error is thrown.
 * `fieldToProp` maps an API field to the prop that sets it, for predicates that take no `Terms`.
 */
export function publishFindings(scope: IConstruct, findings: RuleFinding[], fieldToProp: { [field: string]: string } = {}): void {
  for (const f of findings) {
    if (f.level === 'warning') warn(scope, f.ruleId, f.message);
    else if (f.level === 'unknown') deferred(scope, f.ruleId, fieldToProp[f.field ?? ''] ?? f.field ?? '', f.message);
    else throwFinding(f);
  }
}

/**
 * Throw the first error of `findings` as a refusal; warnings and deferred checks are ignored. For value objects
 * that check themselves when they are made (no construct to annotate yet), e.g. `HyperparameterRange`.
 */
export function refuseFindings(findings: RuleFinding[]): void {
  const first = findings.find((f) => f.level === 'error');
  if (first) throwFinding(first);
}

function throwFinding(f: RuleFinding): never {
  throw new SustainabilityError(f.ruleId, f.fix !== undefined ? `${f.message}. Fix: ${f.fix} (${rule(f.ruleId).wellArchitected.join(', ')})` : f.message);
}
