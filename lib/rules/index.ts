/**
 * The rule registry: the one home of every sustainable default and refusal in cdk-sustainable-ml.
 *
 * Each rule lives in its own module (`lib/rules/<id>.ts`, e.g. `spot.ts` for SML-SPOT): its registry entry and
 * the pure predicates over the API shapes that both the constructs and the `SustainableMlChecks` pack run.
 * Each rule id (`SML-…`) is used unchanged in error messages, `Annotations` warnings
 * (`cdk-sustainable-ml:<id>`), the cdk-nag rule pack (`SML-<suffix>`), the footprint report and the README.
 * Well-Architected references: Machine Learning Lens (MLSUSnn-BPnn, 2025 numbering) and the
 * Sustainability Pillar (SUSnn-BPnn).
 */
import { SustainabilityRule, WELL_ARCHITECTED_DOCS } from './rule';
import { ACCEPT } from './accept';
import { BASELINE } from './baseline';
import { REUSE } from './reuse';
import { START_SMALL } from './start-small';
import { SILICON } from './silicon';
import { COMPILE } from './compile';
import { SPOT } from './spot';
import { CKPT } from './ckpt';
import { MAXRUN } from './maxrun';
import { GUARD } from './guard';
import { HPO_STRATEGY } from './hpo-strategy';
import { HPO_PARALLEL } from './hpo-parallel';
import { HPO_SPACE } from './hpo-space';
import { HPO_EARLYSTOP } from './hpo-earlystop';
import { HPO_WARMSTART } from './hpo-warmstart';
import { IDLE_NOTEBOOK } from './idle-notebook';
import { IDLE_STUDIO } from './idle-studio';
import { MANAGED } from './managed';
import { ARTIFACTS } from './artifacts';
import { LOGS } from './logs';
import { REGION } from './region';
import { MEASURE } from './measure';
import { BUDGET } from './budget';
import { CACHE } from './cache';
import { TIMESHIFT } from './timeshift';

export { WELL_ARCHITECTED_DOCS } from './rule';
export type { SustainabilityRule } from './rule';

/** Registry order (the README table and the footprint report follow it). */
const RULE_LIST: SustainabilityRule[] = [
  ACCEPT,
  BASELINE,
  REUSE,
  START_SMALL,
  SILICON,
  COMPILE,
  SPOT,
  CKPT,
  MAXRUN,
  GUARD,
  HPO_STRATEGY,
  HPO_PARALLEL,
  HPO_SPACE,
  HPO_EARLYSTOP,
  HPO_WARMSTART,
  IDLE_NOTEBOOK,
  IDLE_STUDIO,
  MANAGED,
  ARTIFACTS,
  LOGS,
  REGION,
  MEASURE,
  BUDGET,
  CACHE,
  TIMESHIFT,
];

/** Every rule, keyed by id. */
export const RULES: { readonly [id: string]: SustainabilityRule } = Object.freeze(
  Object.fromEntries(RULE_LIST.map((r) => [r.id, Object.freeze(r)])),
);

/** All rules in registry order. */
export function allRules(): SustainabilityRule[] {
  return [...RULE_LIST];
}

/** The rule with this id; throws for an unknown id (a typo in library code must not pass silently). */
export function rule(id: string): SustainabilityRule {
  const r = RULES[id];
  if (!r) {
    throw new Error(`Unknown sustainability rule id '${id}'`);
  }
  return r;
}

/** The warning id under which `Annotations` warnings for a rule are published: `cdk-sustainable-ml:<id>`. */
export function warningId(id: string): string {
  return `cdk-sustainable-ml:${rule(id).id}`;
}

/** Marks the errors the library throws for a refusal (see `SustainabilityRules.isSustainabilityError`). */
export const SUSTAINABILITY_ERROR = Symbol.for('cdk-sustainable-ml.SustainabilityError');

/** A message that starts with a rule id: `SML-MAXRUN: maxWait …`. */
const RULE_ID_PREFIX = /^(SML-[A-Z0-9-]+): /;

/** The rule registry as a class, for the public API (jsii-friendly). */
export class SustainabilityRules {
  /** Every rule, in registry order. */
  public static all(): SustainabilityRule[] {
    return allRules();
  }

  /** The rule with this id; throws for an unknown id. */
  public static get(id: string): SustainabilityRule {
    return rule(id);
  }

  /** The id under which warnings for a rule are published: `cdk-sustainable-ml:<id>`. */
  public static warningId(id: string): string {
    return warningId(id);
  }

  /**
   * Whether `x` is a refusal thrown by this library (TypeScript/JavaScript). In Python, Java, .NET and Go a
   * refusal arrives as the jsii runtime's error (Python: `RuntimeError`); read its rule id with `ruleIdOf`.
   */
  public static isSustainabilityError(x: any): boolean {
    return x !== null && typeof x === 'object' && SUSTAINABILITY_ERROR in x;
  }

  /**
   * The rule id (`SML-…`) of a refusal, or `undefined` when it is not one.
   *
   * Accepts the error itself (TypeScript/JavaScript) or its message in any language, e.g. in Python
   * `SustainabilityRules.rule_id_of(str(e))`: every refusal's message starts with `<rule id>: `.
   */
  public static ruleIdOf(errorOrMessage: any): string | undefined {
    if (SustainabilityRules.isSustainabilityError(errorOrMessage)) return errorOrMessage.ruleId;
    const message = typeof errorOrMessage === 'string' ? errorOrMessage : undefined;
    const id = message !== undefined ? RULE_ID_PREFIX.exec(message)?.[1] : undefined;
    return id !== undefined && id in RULES ? id : undefined;
  }

  /** Where the Well-Architected practice ids are documented. */
  public static readonly ML_LENS_URL = WELL_ARCHITECTED_DOCS.mlLens;
  /** Where the Sustainability Pillar practice ids are documented. */
  public static readonly SUSTAINABILITY_PILLAR_URL = WELL_ARCHITECTED_DOCS.sustainabilityPillar;

  private constructor() {}
}
