/**
 * Free-form values checked at synth against the SageMaker API's own shapes (`lib/data/sagemaker-api-shapes.json`,
 * copied from the official botocore model): a value the API would refuse when the job starts is refused here, with
 * the prop, the value, what the API expects in words, and the fix. Values that are not known at synth (tokens) are
 * left to the API at deploy/run time.
 */
import { Token } from 'aws-cdk-lib';
import { sageMakerApiShape, SageMakerApiShape } from '../data';
import { refuse } from './messages';

/** Where a checked value comes from, and how to fix it. */
export interface ApiValueContext {
  /** The rule id of the refusal. */
  readonly ruleId: string;
  /** The prop (path) that carries the value. */
  readonly prop: string;
  /** How to fix a refused value. */
  readonly fix: string;
}

const anchoredPatterns = new Map<string, RegExp>();

/** botocore patterns carry no anchors: match the whole value. */
function anchored(pattern: string): RegExp {
  let re = anchoredPatterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'su');
    anchoredPatterns.set(pattern, re);
  }
  return re;
}

/** The length the API counts: characters (code points), not UTF-16 units. */
function characters(value: string): number {
  return [...value].length;
}

/** What a shape allows, in words: the wording, the length bounds, and the pattern when it is short enough to read. */
function expectation(shape: SageMakerApiShape): string {
  const bounds = shape.min !== undefined && shape.max !== undefined
    ? `${shape.min.toLocaleString('en-US')}–${shape.max.toLocaleString('en-US')} characters`
    : shape.max !== undefined ? `at most ${shape.max.toLocaleString('en-US')} characters` : undefined;
  const pattern = shape.pattern && shape.pattern.length <= 40 && shape.pattern !== '.*' ? `pattern ${shape.pattern}` : undefined;
  return `${shape.described} (API shape ${shape.name}${[bounds, pattern].filter(Boolean).map((s) => `; ${s}`).join('')})`;
}

/**
 * The problems of a string value against an API shape (empty when it is valid). Tokens and non-strings are not
 * judged here.
 */
export function apiStringProblems(shapeName: string, value: string): string[] {
  const shape = sageMakerApiShape(shapeName);
  const problems: string[] = [];
  const n = characters(value);
  const fitsPattern = !shape.pattern || anchored(shape.pattern).test(value);
  if (n === 0 && ((shape.min ?? 0) > 0 || !fitsPattern)) return ['is empty'];
  if (shape.min !== undefined && n < shape.min) problems.push(`is shorter than ${shape.min} characters`);
  if (shape.max !== undefined && n > shape.max) problems.push(`is ${n.toLocaleString('en-US')} characters long`);
  if (!fitsPattern) problems.push('does not have the expected form');
  return problems;
}

/** Refuse a string the SageMaker API would refuse. Tokens (and non-strings) are skipped. */
export function checkApiString(shapeName: string, value: unknown, ctx: ApiValueContext): void {
  if (typeof value !== 'string' || Token.isUnresolved(value)) return;
  const problems = apiStringProblems(shapeName, value);
  if (problems.length === 0) return;
  refuse(ctx.ruleId, {
    prop: ctx.prop,
    value,
    problem: `${problems.join(' and ')}; the SageMaker API expects ${expectation(sageMakerApiShape(shapeName))}`,
    fix: ctx.fix,
  });
}

/** Refuse a map or list with more entries than the API shape allows. */
export function checkApiCount(shapeName: string, count: number, ctx: ApiValueContext): void {
  const shape = sageMakerApiShape(shapeName);
  if (shape.max !== undefined && count > shape.max) {
    refuse(ctx.ruleId, {
      prop: ctx.prop,
      value: `${count} entries`,
      problem: `the SageMaker API allows at most ${shape.max} (API shape ${shape.name})`,
      fix: ctx.fix,
    });
  }
}

/** Where a checked string map comes from, and how to fix its entries. */
export interface ApiMapContext {
  /** The rule id of the refusal. */
  readonly ruleId: string;
  /** The prop that carries the map, e.g. `hyperparameters`. */
  readonly prop: string;
  /** How to fix too many entries. */
  readonly countFix: string;
  /** How to fix a refused key. */
  readonly keyFix: string;
  /** How to fix a refused value. */
  readonly valueFix: string;
}

/** The shapes of a string map in the API model: the map, its key and its value. */
export interface ApiMapShapes {
  readonly map: string;
  readonly key: string;
  readonly value: string;
}

/** Every key and value of a string map (hyperparameters, environment) checked against the map's shapes. */
export function checkApiStringMap(shapes: ApiMapShapes, map: { [key: string]: unknown } | undefined, ctx: ApiMapContext): void {
  if (!map || Token.isUnresolved(map)) return;
  const entries = Object.entries(map);
  checkApiCount(shapes.map, entries.length, { ruleId: ctx.ruleId, prop: ctx.prop, fix: ctx.countFix });
  for (const [key, value] of entries) {
    checkApiString(shapes.key, key, { ruleId: ctx.ruleId, prop: `${ctx.prop} key`, fix: ctx.keyFix });
    checkApiString(shapes.value, value, { ruleId: ctx.ruleId, prop: `${ctx.prop}[${JSON.stringify(key)}]`, fix: ctx.valueFix });
  }
}

/** The values of an API enum shape (e.g. the notebook `InstanceType`). */
export function apiEnum(shapeName: string): readonly string[] {
  const values = sageMakerApiShape(shapeName).enum;
  if (!values) throw new Error(`API shape ${shapeName} is not an enum`);
  return values;
}
