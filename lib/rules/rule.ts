/**
 * What every rule module holds: the registry entry (`SustainabilityRule`) and, where the rule can be checked on an
 * API shape, pure predicates that return findings. A predicate never throws and never annotates: the constructs
 * turn its findings into refusals, warnings and info annotations (`lib/rules/apply.ts`), the `SustainableMlChecks`
 * pack turns them into cdk-nag findings.
 */
import { Token } from 'aws-cdk-lib';

/** Well-Architected document roots the practice ids refer to. */
export const WELL_ARCHITECTED_DOCS = {
  mlLens: 'https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/',
  sustainabilityPillar: 'https://docs.aws.amazon.com/wellarchitected/latest/sustainability-pillar/',
};

/** One sustainable default or refusal. */
export interface SustainabilityRule {
  /** Stable id, e.g. `SML-SPOT`. */
  readonly id: string;
  /** One line: what the default or refusal is. */
  readonly title: string;
  /** Well-Architected practice ids (MLSUSnn-BPnn, SUSnn-BPnn). */
  readonly wellArchitected: string[];
  /** Why the default exists. */
  readonly rationale: string;
  /** What to do when the rule fires. */
  readonly fix: string;
}

/**
 * How bad a finding is: `error` is what the constructs refuse, `warning` what they warn about, `unknown` a check
 * that cannot be evaluated at synth because the value is a deploy-time value (a token, an intrinsic, a JSONPath).
 */
export type FindingLevel = 'error' | 'warning' | 'unknown';

/** One result of a predicate. An empty list means compliant (or not applicable). */
export interface RuleFinding {
  /** The rule id, e.g. `SML-SPOT`. */
  readonly ruleId: string;
  /** See `FindingLevel`. */
  readonly level: FindingLevel;
  /** What is wrong, in the words the constructs use (for `unknown`: which field, and who checks it instead). */
  readonly message: string;
  /** For `unknown`: the API field (or prop) that holds the deploy-time value. */
  readonly field?: string;
}

/** A finding of level `error`. */
export function error(ruleId: string, message: string): RuleFinding {
  return { ruleId, level: 'error', message };
}

/** A finding of level `warning`. */
export function warning(ruleId: string, message: string): RuleFinding {
  return { ruleId, level: 'warning', message };
}

/** A finding of level `unknown`: `field` is a deploy-time value, so `what` (the rest of the sentence) holds. */
export function unknown(ruleId: string, field: string, what: string): RuleFinding {
  return { ruleId, level: 'unknown', message: what, field };
}

/**
 * The one test of "is this value known at synth?" for API shapes, whichever way they were produced:
 * - a CDK token (`Token.isUnresolved`, also number tokens and Duration/Size tokens as the constructs hold them);
 * - a CloudFormation intrinsic in a resolved template (`{ Ref }`, `{ 'Fn::…' }`);
 * - the pack's placeholder for the deploy-time parts of a joined definition (`DEPLOY_TIME`);
 * - a Step Functions JSONPath field (`Name.$`): the caller passes the parent object and the key.
 * `undefined` is known (absent).
 */
export function isKnown(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Token.isUnresolved(value)) return false;
  if (typeof value === 'string') return !value.includes(DEPLOY_TIME);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value as object);
    // CloudFormation intrinsics, and SageMaker Pipelines expressions (`Get`, `Std:Join`, …) known only at run time.
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Get' || keys[0].startsWith('Std:'))) return false;
  }
  return true;
}

/** The placeholder the pack writes for a deploy-time part of a definition joined with `Fn::Join`. */
export const DEPLOY_TIME = '__SML_DEPLOY_TIME__';

/** An API shape: a request or resource properties as plain JSON, keys as the API spells them. */
export interface ApiShape {
  readonly [key: string]: any;
}

/**
 * Field `key` of `shape`, with whether it is known at synth. A Step Functions task may give it as a JSONPath
 * (`key.$`), which is known only at run time.
 */
export function field(shape: ApiShape | undefined, key: string): { readonly value: any; readonly known: boolean } {
  if (shape === undefined || shape === null || typeof shape !== 'object') return { value: undefined, known: true };
  if (`${key}.$` in shape) return { value: undefined, known: false };
  const value = (shape as any)[key];
  return { value, known: isKnown(value) };
}
