/**
 * The one place that decides whether a number, a Duration or a Size is known at synth time, and what happens when
 * it is not:
 *
 * - a check that cannot be evaluated on a deploy-time value (a CDK token: `CfnParameter`, `Lazy`, an imported value)
 *   is skipped with an info annotation naming the rule and who checks it later (`deferred`);
 * - a value the library must know at synth time is refused with a message that says so and why (`requireKnown`);
 * - a deploy-time Duration or Size is used only in the unit the API takes, because a token cannot be converted at
 *   synth; another unit is refused with the unit to use (`durationIn`, `sizeInGibibytes`);
 * - plain-JavaScript callers (no type checker) get an error naming the prop and the type expected, instead of a
 *   TypeError deep inside (`checkDuration`, `checkSize`, `checkNumber`, …).
 *
 * Number tokens are encoded as huge negative numbers (about -1.9e+289): arithmetic on them or `String()` of them
 * produces garbage, never a token. Render them with `numberText` and compare them only after `isKnownNumber`.
 */
import { Annotations, Duration, Size, SizeRoundingBehavior, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { refuse } from './messages';

/** The words used wherever a value is only known at deploy time (messages, summaries). */
export const SET_AT_DEPLOY_TIME = 'set at deploy time';

/** True when `value` is a number known at synth (not undefined, not a token). */
export function isKnownNumber(value: number | undefined): value is number {
  return typeof value === 'number' && !Token.isUnresolved(value);
}

/** True when the Duration or Size is known at synth (not a token). */
export function isKnownAmount(value: Duration | Size | undefined): boolean {
  return value !== undefined && !value.isUnresolved();
}

/** True when every value is known at synth. */
export function allKnown(...values: (number | Duration | Size | undefined)[]): boolean {
  return values.every((v) => (typeof v === 'number' ? isKnownNumber(v) : isKnownAmount(v)));
}

/** A number as text: a token stays a (string) token, so it resolves at deploy time instead of printing -1.9e+289. */
export function numberText(value: number): string {
  return Token.isUnresolved(value) ? Tokenization.stringifyNumber(value) : String(value);
}

/** A number for a human reader: the value, or "set at deploy time". */
export function numberForHumans(value: number | undefined, unit = ''): string {
  if (value === undefined) return 'none';
  return isKnownNumber(value) ? `${value}${unit}` : SET_AT_DEPLOY_TIME;
}

/**
 * Record that a check was skipped because `prop` is a deploy-time value: an info annotation
 * `<rule>: <prop> is a token (a deploy-time value): <what> is not checked at synth; <who checks it instead>`.
 * Published once per construct, rule and prop.
 */
export function deferred(scope: IConstruct, ruleId: string, prop: string, what: string): void {
  const key = `${ruleId}|${prop}`;
  const seen = deferredSeen.get(scope) ?? new Set<string>();
  if (seen.has(key)) return;
  seen.add(key);
  deferredSeen.set(scope, seen);
  Annotations.of(scope).addInfo(`${ruleId}: ${prop} is a token (a deploy-time value), so ${what}`);
}
const deferredSeen = new WeakMap<IConstruct, Set<string>>();

/** Refuse a deploy-time value where the library needs the value at synth; `why` says what it is needed for. */
export function requireKnown(ruleId: string, prop: string, value: unknown, why: string, fix: string): void {
  if (Token.isUnresolved(value) || ((value instanceof Duration || value instanceof Size) && value.isUnresolved())) {
    refuse(ruleId, { prop, value, problem: `must be known at synth time: ${why}`, fix });
  }
}

/** The units a Duration can be rendered in. */
export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days';

/**
 * The amount of `d` in `unit` (fractions allowed). A deploy-time Duration is returned as its token only when it was
 * given in `unit` (`Duration.<unit>(param.valueAsNumber)`); any other unit is refused, naming the unit to use,
 * because a token cannot be converted at synth.
 */
export function durationIn(d: Duration, unit: DurationUnit, ruleId: string, prop: string): number {
  if (d.isUnresolved() && d.unitLabel() !== unit) {
    refuse(ruleId, {
      prop,
      value: `Duration.${d.unitLabel()}(<deploy-time value>)`,
      problem: `a deploy-time Duration cannot be converted at synth, and this setting is rendered in ${unit}`,
      fix: `give it in ${unit}: Duration.${unit}(parameter.valueAsNumber)`,
    });
  }
  const opts = { integral: false };
  switch (unit) {
    case 'seconds': return d.toSeconds(opts);
    case 'minutes': return d.toMinutes(opts);
    case 'hours': return d.toHours(opts);
    default: return d.toDays(opts);
  }
}

/**
 * The amount of `size` in GiB (fractions allowed). A deploy-time Size is returned as its token only when it was
 * given in GiB; any other unit is refused.
 */
export function sizeInGibibytes(size: Size, ruleId: string, prop: string): number {
  if (!size.isUnresolved()) return size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  try {
    return size.toGibibytes();
  } catch {
    refuse(ruleId, {
      prop,
      value: `${String(size).replace(/\(.*\)$/, '')}(<deploy-time value>)`,
      problem: 'a deploy-time Size cannot be converted at synth, and this setting is rendered in GiB',
      fix: 'give it in GiB: Size.gibibytes(parameter.valueAsNumber)',
    });
  }
}

// --- plain-JavaScript callers: the type each prop expects --------------------------------------------------------

/** `a number`, `a string`, `null`, `an array`, `a Duration`…: what a plain-JavaScript caller passed. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

/** True for a Duration, also from another copy of aws-cdk-lib. */
function looksLikeDuration(v: unknown): v is Duration {
  return v instanceof Duration || (typeof v === 'object' && v !== null && typeof (v as Duration).toSeconds === 'function'
    && typeof (v as Duration).unitLabel === 'function');
}

/** True for a Size, also from another copy of aws-cdk-lib. */
function looksLikeSize(v: unknown): v is Size {
  return v instanceof Size || (typeof v === 'object' && v !== null && typeof (v as Size).toGibibytes === 'function');
}

/** `value` when it is undefined or a Duration; otherwise a refusal naming `prop` and the Duration it needs. */
export function checkDuration(ruleId: string, prop: string, value: unknown): Duration | undefined {
  if (value === undefined || looksLikeDuration(value)) return value as Duration | undefined;
  refuse(ruleId, {
    prop,
    value,
    problem: `must be a Duration, and it is ${typeName(value)}`,
    fix: typeof value === 'number'
      ? `write Duration.seconds(${value}) (or Duration.minutes/hours/days) from aws-cdk-lib`
      : 'use Duration.seconds/minutes/hours/days from aws-cdk-lib',
  });
}

/** `value` when it is undefined or a Size; otherwise a refusal naming `prop` and the Size it needs. */
export function checkSize(ruleId: string, prop: string, value: unknown): Size | undefined {
  if (value === undefined || looksLikeSize(value)) return value as Size | undefined;
  refuse(ruleId, {
    prop,
    value,
    problem: `must be a Size, and it is ${typeName(value)}`,
    fix: typeof value === 'number' ? `write Size.gibibytes(${value}) from aws-cdk-lib` : 'use Size.gibibytes(n) from aws-cdk-lib',
  });
}

/** `value` when it is undefined or of type number (a token included; ranges are the caller's); otherwise a refusal naming `prop`. */
export function checkNumber(ruleId: string, prop: string, value: unknown): number | undefined {
  if (value === undefined || typeof value === 'number') return value as number | undefined;
  refuse(ruleId, {
    prop,
    value,
    problem: `must be a number, and it is ${typeName(value)}`,
    fix: typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
      ? `write ${Number(value)} without quotes`
      : 'give a number',
  });
}

/**
 * A map of string values as the SageMaker API requires (hyperparameters, environment, tags). Numbers and booleans,
 * which plain-JavaScript callers may pass, are converted to their text (`200` → `'200'`, `true` → `'true'`), as the
 * SageMaker Python SDK does; a number token stays a token. Anything else (objects, arrays, null, NaN, ±Infinity) is
 * refused. A map that is itself a token is passed through.
 */
export function stringMap(ruleId: string, prop: string, map: unknown): { [key: string]: string } | undefined {
  if (map === undefined) return undefined;
  if (Token.isUnresolved(map)) return map as { [key: string]: string };
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    refuse(ruleId, { prop, value: map, problem: `must be a map of names to strings, and it is ${typeName(map)}`, fix: `write e.g. { epochs: '10' }` });
  }
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(map as object)) out[k] = stringValue(ruleId, `${prop}.${k}`, v);
  return out;
}

/** One string value, with the conversions of `stringMap`. */
export function stringValue(ruleId: string, prop: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && (Token.isUnresolved(v) || Number.isFinite(v))) return numberText(v);
  if (typeof v === 'boolean') return String(v);
  refuse(ruleId, {
    prop,
    value: v,
    problem: `must be a string (the SageMaker API takes strings; numbers and booleans are converted), and it is ${typeName(v)}`,
    fix: 'give the value as a string, e.g. \'0.1\'',
  });
}
