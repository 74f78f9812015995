/**
 * What every rule module holds: the registry entry (`SustainabilityRule`) and, where the rule can be checked on an
 * API shape, pure predicates that return findings. A predicate never throws and never annotates: the constructs
 * turn its findings into refusals, warnings and info annotations (`lib/rules/apply.ts`), the `SustainableMlChecks`
 * pack turns them into cdk-nag findings.
 */
import { Duration, Token } from 'aws-cdk-lib';

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
  /**
   * The field the finding is about, in the reader's terms (`Terms.name`): the prop for a construct, the API field
   * path for the pack. For `unknown`, the field that holds the deploy-time value.
   */
  readonly field?: string;
  /** For a refusal (`refusal`): how to fix it, in the reader's terms. */
  readonly fix?: string;
}

/**
 * The words a predicate uses for the fields it names, so that one predicate serves two readers:
 * - the constructs (`propTerms`): the prop that sets the field and the value as the user wrote it (a `Duration`,
 *   a `Size`), so their refusals read exactly as they always did (`maxWait 1 hour: is shorter than maxRuntime …`);
 * - the `SustainableMlChecks` pack (`API_TERMS`): the API field path and its value
 *   (`StoppingCondition.MaxWaitTimeInSeconds 1 hour: …`).
 * Field paths are the API's, dot-separated from the request root (`StoppingCondition.MaxRuntimeInSeconds`); a
 * per-item field names the item in brackets (`HyperParameterRanges[eta]`).
 */
export interface Terms {
  /** What the reader calls `field`. */
  name(field: string): string;
  /** The value of `field` to show the reader, given its API value. */
  value(field: string, apiValue: unknown): unknown;
}

/** The API's own words: field paths, and durations of `…InSeconds` fields shown as durations. */
export const API_TERMS: Terms = {
  name: (f) => f,
  value: (f, v) => (/InSeconds$/.test(f) && typeof v === 'number' && isKnown(v) && Number.isFinite(v) && v >= 0 ? Duration.seconds(v) : v),
};

/** What a construct says for one API field: the prop that sets it and, optionally, the value as the user gave it. */
export interface PropTerm {
  readonly prop: string;
  readonly value?: unknown;
}

/**
 * A construct's words: `fields` maps API field paths to props (a string) or to a prop and the value as given.
 * A field not in the map keeps its API words.
 */
export function propTerms(fields: { readonly [field: string]: string | PropTerm }): Terms {
  const term = (f: string): PropTerm | undefined => {
    const t = fields[f];
    return typeof t === 'string' ? { prop: t } : t;
  };
  return {
    name: (f) => term(f)?.prop ?? API_TERMS.name(f),
    value: (f, v) => {
      const t = term(f);
      return t && 'value' in t && t.value !== undefined ? t.value : API_TERMS.value(f, v);
    },
  };
}

/** A value as a message shows it: deploy-time values say so, strings are quoted, durations and sizes read as words. */
export function show(value: unknown): string {
  if (isDeployTimeValue(value)) return '(a deploy-time value)';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object' && 'toHumanString' in value && typeof (value as any).toHumanString === 'function') {
    return (value as any).toHumanString();
  }
  return JSON.stringify(value) ?? String(value);
}

/** `field`'s value as the reader shows it (`Terms.value`, then `show`). */
export function shown(t: Terms, field: string, apiValue: unknown): string {
  return show(t.value(field, apiValue));
}

/** True for a token, or a Duration or Size holding one. */
function isDeployTimeValue(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  return typeof value === 'object' && value !== null && typeof (value as { isUnresolved?: unknown }).isUnresolved === 'function'
    && (value as { isUnresolved(): boolean }).isUnresolved();
}

/** A finding of level `error`. */
export function error(ruleId: string, message: string): RuleFinding {
  return { ruleId, level: 'error', message };
}

/**
 * A refusal (level `error`) of the value of one field, in the reader's terms: `<name> <value>: <problem>`, with the
 * fix. The constructs throw it as `<rule id>: <name> <value>: <problem>. Fix: <fix> (<Well-Architected ids>)`,
 * exactly as `refuse` words a refusal of a prop.
 */
export function refusal(ruleId: string, t: Terms, apiField: string, apiValue: unknown, problem: string, fix: string): RuleFinding {
  return { ruleId, level: 'error', message: `${t.name(apiField)} ${shown(t, apiField, apiValue)}: ${problem}`, field: t.name(apiField), fix };
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

/**
 * What a predicate needs beyond the request: facts about the resources the request names, known to the construct
 * that renders it (and, where the pack can read them, to the pack). Absent facts make their checks not applicable.
 */
export interface CheckContext {
  /** How long the bucket keeps checkpoints (the `checkpoints/` prefix's expiration). */
  readonly checkpointExpiration?: Duration;
  /**
   * Tags SageMaker adds to the job beyond its request's own: a tuning job's `Tags`, which it adds to every training
   * job it launches (the training definition has no `Tags`).
   */
  readonly inheritedTags?: unknown;
  /**
   * The user opted in to grid search explicitly (SustainableTuningJob's `allowGridSearch`): the Grid strategy is
   * then not an error, only its job count a warning.
   */
  readonly gridSearchAllowed?: boolean;
  /**
   * The target of the tuning objective when the request does not carry it (completion on the target turned off),
   * so that the finding can say what the search goes on after.
   */
  readonly objectiveTarget?: number;
  /**
   * A notebook instance's lifecycle scripts (`OnStart` and `OnCreate`, decoded): undefined when the instance names
   * a lifecycle configuration whose scripts cannot be read at synth (defined outside the app, or deploy-time).
   */
  readonly lifecycleScripts?: readonly string[];
}

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
