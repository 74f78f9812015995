/**
 * How a construct publishes the findings of a predicate it ran on its own request or shape: a warning is an
 * `Annotations` warning with the rule's stable id, an `unknown` the info annotation of a check deferred to deploy
 * time. Errors are not published here: the constructs refuse with the prop, the value and the fix (`refuse`).
 */
import { IConstruct } from 'constructs';
import { SustainabilityError, warn } from '../private/messages';
import { deferred } from '../private/synth-value';
import { RuleFinding } from './rule';

/** Publish `findings` on `scope`; `fieldToProp` maps an API field to the prop that sets it (for deferred checks). */
export function publishFindings(scope: IConstruct, findings: RuleFinding[], fieldToProp: { [field: string]: string } = {}): void {
  for (const f of findings) {
    if (f.level === 'warning') warn(scope, f.ruleId, f.message);
    else if (f.level === 'unknown') deferred(scope, f.ruleId, fieldToProp[f.field ?? ''] ?? f.field ?? '', f.message);
    else throw new SustainabilityError(f.ruleId, f.message);
  }
}
