/**
 * Free-form values against the SageMaker API's own shapes (`lib/data/sagemaker-api-shapes.json`, copied from the
 * official botocore model), as pure functions: what is wrong with a value, in words, and what the API expects. The
 * rule predicates (`lib/rules`) and the constructs' refusals (`api-values.ts`) both use them. Values that are not
 * known at synth (tokens, intrinsics) are left to the API at deploy/run time.
 */
import { sageMakerApiShape, SageMakerApiShape } from '../data';
import { isKnown } from '../rules/rule';

/** The values of an API enum shape (e.g. the notebook `InstanceType`). */
export function apiEnum(shapeName: string): readonly string[] {
  const values = sageMakerApiShape(shapeName).enum;
  if (!values) throw new Error(`API shape ${shapeName} is not an enum`);
  return values;
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

/**
 * What is wrong with a string value against an API shape, and what the API expects, in words; undefined when the
 * value is valid, not a string, or not known at synth (a token, an intrinsic: left to the API).
 */
export function apiStringProblem(shapeName: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !isKnown(value)) return undefined;
  const problems = apiStringProblems(shapeName, value);
  return problems.length === 0 ? undefined : `${problems.join(' and ')}; the SageMaker API expects ${expectation(sageMakerApiShape(shapeName))}`;
}

/** The shapes of a string map in the API model: the map, its key and its value. */
export interface ApiMapShapes {
  readonly map: string;
  readonly key: string;
  readonly value: string;
}

/** One problem of a string map against its API shapes: too many entries, or one key or value. */
export interface ApiMapProblem {
  /** What is wrong: the number of entries, a key, or the value of `key`. */
  readonly part: 'count' | 'key' | 'value';
  /** The entry's key (for `key` and `value`). */
  readonly key?: string;
  /** The value refused: `<n> entries`, the key, or the value. */
  readonly value: string;
  /** What is wrong and what the API expects. */
  readonly problem: string;
}

/**
 * Every problem of a string map (hyperparameters, environment) against the map's shapes, in order: the number of
 * entries, then each key and its value. A map, key or value not known at synth is left to the API; a Step Functions
 * JSONPath entry (`name.$`) has its key checked without the `.$`, its value (a path) not at all.
 */
export function apiStringMapProblems(shapes: ApiMapShapes, map: unknown): ApiMapProblem[] {
  if (!map || typeof map !== 'object' || Array.isArray(map) || !isKnown(map)) return [];
  const entries = Object.entries(map);
  const problems: ApiMapProblem[] = [];
  const shape = sageMakerApiShape(shapes.map);
  if (shape.max !== undefined && entries.length > shape.max) {
    problems.push({ part: 'count', value: `${entries.length} entries`, problem: `the SageMaker API allows at most ${shape.max} (API shape ${shape.name})` });
  }
  for (const [entryKey, value] of entries) {
    const path = entryKey.endsWith('.$');
    const key = path ? entryKey.slice(0, -2) : entryKey;
    const keyProblem = apiStringProblem(shapes.key, key);
    if (keyProblem !== undefined) problems.push({ part: 'key', key, value: key, problem: keyProblem });
    const valueProblem = path ? undefined : apiStringProblem(shapes.value, value);
    if (valueProblem !== undefined) problems.push({ part: 'value', key, value: value as string, problem: valueProblem });
  }
  return problems;
}
