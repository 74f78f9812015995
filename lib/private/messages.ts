import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { rule, SUSTAINABILITY_ERROR, warningId } from '../rules';

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

/** Render a value for a message. */
export function show(value: unknown): string {
  if (isDeployTime(value)) return '(a deploy-time value)';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object' && 'toHumanString' in value && typeof (value as any).toHumanString === 'function') {
    return (value as any).toHumanString();
  }
  return JSON.stringify(value) ?? String(value);
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

/** True for a token, or a Duration or Size holding one. */
function isDeployTime(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  return typeof value === 'object' && value !== null && typeof (value as { isUnresolved?: unknown }).isUnresolved === 'function'
    && (value as { isUnresolved(): boolean }).isUnresolved();
}
