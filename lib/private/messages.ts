import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { rule, SUSTAINABILITY_ERROR, warningId } from '../rules';
import { show } from '../rules/rule';

export { show } from '../rules/rule';

/**
 * A synth-time refusal of a wasteful or contradictory configuration. The message starts with the rule id,
 * names the prop, the value received, what is allowed and the fix.
 *
 * Not exported from the package: jsii cannot express a class that extends `Error` (aws-cdk-lib keeps its
 * `ValidationError` internal for the same reason). Callers recognise a refusal with
 * `SustainabilityRules.isSustainabilityError(e)` and read its rule id with `SustainabilityRules.ruleIdOf(e)`, or
 * from the message, which starts with `<rule id>: ` in every language.
 */
export class SustainabilityError extends Error {
  /** The rule id (`SML-…`) behind the refusal. */
  public readonly ruleId: string;
  constructor(ruleId: string, message: string) {
    super(`${ruleId}: ${message}`);
    this.name = 'SustainabilityError';
    this.ruleId = rule(ruleId).id;
    // A marker that survives two copies of the library in one app (instanceof would not).
    Object.defineProperty(this, SUSTAINABILITY_ERROR, { value: true });
  }
}

/** What a refusal says. */
export interface RefusalDetails {
  /** The prop (path) that carries the refused value, e.g. `maxWait`. */
  readonly prop: string;
  /** The value received (stringified for the message). */
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Throw a refusal for `ruleId`. */
export function refuse(ruleId: string, d: RefusalDetails): never {
  const r = rule(ruleId);
  throw new SustainabilityError(
    ruleId,
    `${d.prop} ${show(d.value)}: ${d.problem}. Fix: ${d.fix} (${r.wellArchitected.join(', ')})`,
  );
}

/** Publish a warning with the rule's stable id (`cdk-sustainable-ml:<id>`). */
export function warn(scope: IConstruct, ruleId: string, message: string): void {
  Annotations.of(scope).addWarningV2(warningId(ruleId), `${ruleId}: ${message} (${rule(ruleId).wellArchitected.join(', ')})`);
}

