/**
 * A tiny interpreter for the subset of the Amazon States Language (JSONPath mode) the library's workflows use, so
 * that the acceptance gate and the baseline logic can be unit-tested on sample Describe* outputs:
 *
 * - states: Pass (Parameters or Result, ResultPath, OutputPath), Task (Parameters, ResultSelector, ResultPath,
 *   Retry, Catch; the result comes from the test), Choice (And/Or/Not, IsPresent, IsNumeric, IsString,
 *   Numeric*, String* including StringMatches, the *Path comparisons, BooleanEquals; `And` short-circuits, as the
 *   documented IsPresent guard relies on), Wait (Seconds, SecondsPath: nothing sleeps; the simulated clock moves
 *   on and the wait is recorded), Succeed, Fail (Cause, CausePath, Error);
 * - errors: a Retry retrier matching the error (States.ALL matches every error but States.Runtime) runs the task
 *   again after IntervalSeconds × BackoffRate^n (recorded as a wait, default 1 s, 3 attempts, rate 2); then a
 *   Catch takes the error; States.Runtime (e.g. a definite path that matches nothing) ends the execution whatever
 *   the Catch says, as in Step Functions (States.ALL does not catch it);
 * - paths: `$`, `.name`, `['name']`, `[n]`, `[*]` and the filter `[?(@.Key == 'value')]`; definite paths that
 *   match nothing raise States.Runtime, indefinite ones yield `[]`; the context object `$$` has
 *   Execution.Name, Execution.StartTime, State.Name and State.EnteredTime (the simulated clock);
 * - intrinsics: States.Format, States.UUID, States.StringSplit, States.Array, States.ArrayGetItem,
 *   States.ArrayLength, States.MathAdd.
 */
import { randomUUID } from 'crypto';

/** What a Task returns: a value, a function of the task's parameters, or an error. */
export type TaskOutcome = unknown | ((parameters: any) => unknown) | TaskError;

/** A task failure. */
export class TaskError {
  constructor(public readonly error: string, public readonly cause: string) {}
}

/** Options of a run. */
export interface RunOptions {
  readonly input?: unknown;
  /** Results per Task state name. A Task without an entry fails the test. */
  readonly tasks?: { [stateName: string]: TaskOutcome };
  /** Values States.UUID() returns, in order. */
  readonly uuids?: string[];
  readonly maxTransitions?: number;
  /** The execution's start time (`$$.Execution.StartTime`, the simulated clock's origin). */
  readonly startTime?: string;
  /** `$$.Execution.Name`. */
  readonly executionName?: string;
}

/** A wait the execution would have spent: a Wait state, or the interval before a retry. */
export interface RecordedWait {
  readonly state: string;
  readonly seconds: number;
  readonly kind: 'wait' | 'retry';
}

/** The result of a run. */
export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: any;
  readonly error?: string;
  readonly cause?: string;
  /** State names in the order they ran. */
  readonly path: string[];
  /** The effective Parameters each Task received (the last call's). */
  readonly taskParameters: { [stateName: string]: any };
  /** How many times each Task ran (retries included). */
  readonly taskCalls: { [stateName: string]: number };
  /** Every wait, in order (nothing sleeps). */
  readonly waits: RecordedWait[];
  /** Seconds on the simulated clock at the end. */
  readonly elapsedSeconds: number;
}

/** A Task outcome that differs per call: the n-th call gets the n-th outcome, later calls the last. */
export function sequence(...outcomes: TaskOutcome[]): (parameters: any) => unknown {
  let call = 0;
  return (parameters: any) => {
    const o = outcomes[Math.min(call++, outcomes.length - 1)];
    return typeof o === 'function' ? (o as (p: any) => unknown)(parameters) : o;
  };
}

class RuntimeError extends Error {
  constructor(public readonly error: string, message: string) {
    super(message);
  }
}

/** Run `definition` from StartAt to a terminal state. */
export function runAsl(definition: any, options: RunOptions = {}): RunResult {
  const uuids = [...(options.uuids ?? [])];
  const start = Date.parse(options.startTime ?? '2026-11-20T10:00:00.000Z');
  let clock = 0;
  const context = { Execution: { Name: options.executionName ?? 'test-execution', StartTime: new Date(start).toISOString() }, State: { Name: '', EnteredTime: '' } };
  const ctx: Ctx = { uuid: () => uuids.shift() ?? randomUUID(), context };
  const path: string[] = [];
  const taskParameters: { [name: string]: any } = {};
  const taskCalls: { [name: string]: number } = {};
  const waits: RecordedWait[] = [];
  const retried = new Map<any, number>();
  const end = (r: Omit<RunResult, 'path' | 'taskParameters' | 'taskCalls' | 'waits' | 'elapsedSeconds'>): RunResult =>
    ({ ...r, path, taskParameters, taskCalls, waits, elapsedSeconds: clock });
  let name: string = definition.StartAt;
  let data: any = clone(options.input ?? {});
  for (let i = 0; i < (options.maxTransitions ?? 100); i++) {
    const state = definition.States[name];
    if (!state) throw new Error(`no state named '${name}'`);
    path.push(name);
    context.State = { Name: name, EnteredTime: new Date(start + clock * 1000).toISOString() };
    const input = select(data, state.InputPath);
    try {
      switch (state.Type) {
        case 'Pass': {
          const result = state.Parameters !== undefined ? evalTemplate(state.Parameters, input, ctx) : state.Result ?? input;
          data = select(applyResultPath(input, state.ResultPath, result), state.OutputPath);
          break;
        }
        case 'Task': {
          const params = state.Parameters !== undefined ? evalTemplate(state.Parameters, input, ctx) : input;
          taskParameters[name] = params;
          if (!options.tasks || !(name in options.tasks)) throw new Error(`no result given for Task '${name}'`);
          const outcome = options.tasks[name];
          taskCalls[name] = (taskCalls[name] ?? 0) + 1;
          const raw = typeof outcome === 'function' ? (outcome as (p: any) => unknown)(params) : outcome;
          if (raw instanceof TaskError) throw new RuntimeError(raw.error, raw.cause);
          const selected = state.ResultSelector !== undefined ? evalTemplate(state.ResultSelector, clone(raw), ctx) : clone(raw);
          data = select(applyResultPath(input, state.ResultPath, selected), state.OutputPath);
          retried.clear();
          break;
        }
        case 'Wait': {
          const seconds = state.SecondsPath !== undefined ? evalPath(input, state.SecondsPath) : state.Seconds;
          if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
            if (state.Seconds === undefined && state.SecondsPath === undefined) throw new Error(`Wait '${name}': only Seconds and SecondsPath are supported by the test interpreter`);
            throw new RuntimeError('States.Runtime', `Wait '${name}': seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`);
          }
          waits.push({ state: name, seconds, kind: 'wait' });
          clock += seconds;
          data = select(input, state.OutputPath);
          break;
        }
        case 'Choice': {
          const rule = (state.Choices as any[]).find((r) => evalRule(r, input));
          const next = rule?.Next ?? state.Default;
          if (!next) throw new RuntimeError('States.NoChoiceMatched', `no choice of '${name}' matched`);
          data = select(input, state.OutputPath);
          name = next;
          continue;
        }
        case 'Succeed':
          return end({ status: 'SUCCEEDED', output: select(input, state.OutputPath) });
        case 'Fail':
          return end({
            status: 'FAILED',
            error: state.ErrorPath ? evalPath(input, state.ErrorPath) : state.Error,
            cause: state.CausePath ? evalPath(input, state.CausePath) : state.Cause,
          });
        default:
          throw new Error(`state type ${state.Type} is not supported by the test interpreter`);
      }
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      const matches = (x: any) => e.error !== 'States.Runtime' && (x.ErrorEquals.includes('States.ALL') || x.ErrorEquals.includes(e.error));
      const retrier = state.Type === 'Task' ? (state.Retry as any[] | undefined)?.find(matches) : undefined;
      if (retrier) {
        const n = retried.get(retrier) ?? 0;
        if (n < (retrier.MaxAttempts ?? 3)) {
          retried.set(retrier, n + 1);
          const seconds = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, n);
          waits.push({ state: name, seconds, kind: 'retry' });
          clock += seconds;
          continue; // the same state again
        }
      }
      retried.clear();
      const c = (state.Catch as any[] | undefined)?.find(matches);
      if (!c) return end({ status: 'FAILED', error: e.error, cause: e.message });
      data = applyResultPath(input, c.ResultPath, { Error: e.error, Cause: e.message });
      name = c.Next;
      continue;
    }
    if (state.End) return end({ status: 'SUCCEEDED', output: data });
    name = state.Next;
  }
  throw new Error('too many transitions');
}

interface Ctx {
  uuid(): string;
  /** The context object (`$$`). */
  context: any;
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

function select(data: any, p: string | null | undefined): any {
  if (p === null) return {};
  if (p === undefined || p === '$') return data;
  return evalPath(data, p);
}

function applyResultPath(input: any, resultPath: string | null | undefined, result: any): any {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const keys = parsePath(resultPath).map((s) => {
    if (s.kind !== 'key') throw new Error(`ResultPath ${resultPath} must be a plain reference path`);
    return s.key;
  });
  const out = clone(input ?? {});
  let node = out;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) node[k] = result;
    else {
      if (node[k] === undefined || typeof node[k] !== 'object') node[k] = {};
      node = node[k];
    }
  });
  return out;
}

// --- JSONPath -----------------------------------------------------------------------------------------------

type Segment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; key: string; value: string | number };

function parsePath(p: string): Segment[] {
  if (!p.startsWith('$')) throw new Error(`not a path: ${p}`);
  const segs: Segment[] = [];
  let i = 1;
  while (i < p.length) {
    if (p[i] === '.') {
      const m = /^\.([A-Za-z0-9_:-]+)/.exec(p.slice(i));
      if (!m) throw new Error(`unsupported path ${p} at ${i}`);
      segs.push({ kind: 'key', key: m[1] });
      i += m[0].length;
    } else if (p.startsWith('[*]', i)) {
      segs.push({ kind: 'wildcard' });
      i += 3;
    } else if (p.startsWith('[?(', i)) {
      const m = /^\[\?\(@\.([A-Za-z0-9_]+) == (?:'((?:[^'\\]|\\.)*)'|(-?[0-9.]+))\)\]/.exec(p.slice(i));
      if (!m) throw new Error(`unsupported filter in ${p}`);
      segs.push({ kind: 'filter', key: m[1], value: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : Number(m[3]) });
      i += m[0].length;
    } else if (p[i] === '[') {
      const m = /^\[(?:(\d+)|'((?:[^'\\]|\\.)*)')\]/.exec(p.slice(i));
      if (!m) throw new Error(`unsupported path ${p} at ${i}`);
      segs.push(m[1] !== undefined ? { kind: 'index', index: Number(m[1]) } : { kind: 'key', key: m[2] });
      i += m[0].length;
    } else {
      throw new Error(`unsupported path ${p} at ${i}`);
    }
  }
  return segs;
}

/** Evaluate a path: definite paths return the value or throw States.Runtime; indefinite ones return an array. */
export function evalPath(data: any, p: string): any {
  const segs = parsePath(p);
  const indefinite = segs.some((s) => s.kind === 'wildcard' || s.kind === 'filter');
  let nodes: any[] = [data];
  for (const s of segs) {
    const next: any[] = [];
    for (const n of nodes) {
      if (s.kind === 'key') {
        if (n !== null && typeof n === 'object' && !Array.isArray(n) && s.key in n) next.push(n[s.key]);
      } else if (s.kind === 'index') {
        if (Array.isArray(n) && s.index < n.length) next.push(n[s.index]);
      } else if (s.kind === 'wildcard') {
        if (Array.isArray(n)) next.push(...n);
        else if (n !== null && typeof n === 'object') next.push(...Object.values(n));
      } else if (Array.isArray(n)) {
        next.push(...n.filter((x) => x !== null && typeof x === 'object' && x[s.key] === s.value));
      }
    }
    nodes = next;
  }
  if (indefinite) return nodes;
  if (nodes.length === 0) throw new RuntimeError('States.Runtime', `The JSONPath '${p}' could not be found in the input`);
  return nodes[0];
}

function isPresent(data: any, p: string): boolean {
  try {
    evalPath(data, p);
    return true;
  } catch (e) {
    if (e instanceof RuntimeError) return false;
    throw e;
  }
}

// --- Parameters templates and intrinsics ---------------------------------------------------------------------

function evalTemplate(t: any, input: any, ctx: Ctx): any {
  if (Array.isArray(t)) return t.map((x) => evalTemplate(x, input, ctx));
  if (t === null || typeof t !== 'object') return t;
  const out: any = {};
  for (const [k, v] of Object.entries(t)) {
    if (k.endsWith('.$')) {
      const expr = String(v);
      out[k.slice(0, -2)] = expr.startsWith('States.') ? evalIntrinsic(expr, input, ctx) : expr.startsWith('$$') ? evalPath(ctx.context, expr.slice(1)) : evalPath(input, expr);
    } else {
      out[k] = evalTemplate(v, input, ctx);
    }
  }
  return out;
}

function evalIntrinsic(expr: string, input: any, ctx: Ctx): any {
  const parser = { s: expr, i: 0 };
  const v = parseArg(parser, input, ctx);
  if (parser.i !== expr.length) throw new Error(`trailing text in intrinsic ${expr}`);
  return v;
}

function skipWs(p: { s: string; i: number }) {
  while (p.s[p.i] === ' ') p.i++;
}

function parseArg(p: { s: string; i: number }, input: any, ctx: Ctx): any {
  skipWs(p);
  const rest = p.s.slice(p.i);
  if (rest.startsWith("'")) {
    let out = '';
    p.i++;
    while (p.s[p.i] !== "'") {
      if (p.i >= p.s.length) throw new Error('unterminated string');
      if (p.s[p.i] === '\\') {
        out += '\\' + p.s[p.i + 1]; // keep escapes for Format; unescaped below
        p.i += 2;
      } else out += p.s[p.i++];
    }
    p.i++;
    return { literal: out };
  }
  const num = /^-?\d+(\.\d+)?/.exec(rest);
  if (num) {
    p.i += num[0].length;
    return Number(num[0]);
  }
  if (rest.startsWith('$')) {
    const m = /^\$[^,) ]*/.exec(rest)!;
    p.i += m[0].length;
    return m[0].startsWith('$$') ? evalPath(ctx.context, m[0].slice(1)) : evalPath(input, m[0]);
  }
  const fn = /^States\.([A-Za-z]+)\(/.exec(rest);
  if (!fn) throw new Error(`cannot parse intrinsic argument at '${rest}'`);
  p.i += fn[0].length;
  const args: any[] = [];
  skipWs(p);
  if (p.s[p.i] !== ')') {
    for (;;) {
      args.push(parseArg(p, input, ctx));
      skipWs(p);
      if (p.s[p.i] === ',') {
        p.i++;
        continue;
      }
      break;
    }
  }
  if (p.s[p.i] !== ')') throw new Error(`expected ) in ${p.s}`);
  p.i++;
  return callIntrinsic(fn[1], args, ctx);
}

function str(v: any): string {
  if (v && typeof v === 'object' && 'literal' in v) return v.literal.replace(/\\(.)/g, '$1');
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function plain(v: any): any {
  return v && typeof v === 'object' && 'literal' in v ? str(v) : v;
}

function callIntrinsic(name: string, args: any[], ctx: Ctx): any {
  switch (name) {
    case 'Format': {
      const template: string = args[0].literal;
      let k = 1;
      let out = '';
      for (let i = 0; i < template.length; i++) {
        if (template[i] === '\\') {
          out += template[++i];
        } else if (template[i] === '{' && template[i + 1] === '}') {
          if (k >= args.length) throw new RuntimeError('States.IntrinsicFailure', 'too few arguments for States.Format');
          const a = args[k++];
          if (Array.isArray(a) || (a !== null && typeof a === 'object' && !('literal' in a))) {
            throw new RuntimeError('States.IntrinsicFailure', 'States.Format takes strings, numbers, booleans or null');
          }
          out += str(a);
          i++;
        } else out += template[i];
      }
      return out;
    }
    case 'UUID':
      return ctx.uuid();
    case 'StringSplit': {
      const delims = str(args[1]);
      return str(args[0]).split(new RegExp(`[${delims.replace(/[-\]\\^]/g, '\\$&')}]`)).filter((x) => x !== '');
    }
    case 'Array':
      return args.map(plain);
    case 'ArrayGetItem': {
      const arr = args[0];
      if (!Array.isArray(arr) || args[1] >= arr.length) throw new RuntimeError('States.IntrinsicFailure', 'index out of bounds');
      return arr[args[1]];
    }
    case 'ArrayLength':
      if (!Array.isArray(args[0])) throw new RuntimeError('States.IntrinsicFailure', 'States.ArrayLength takes an array');
      return args[0].length;
    case 'MathAdd': {
      const [a, b] = args;
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new RuntimeError('States.IntrinsicFailure', 'States.MathAdd takes integers');
      return a + b;
    }
    default:
      throw new Error(`intrinsic States.${name} is not supported by the test interpreter`);
  }
}

// --- Choice rules ------------------------------------------------------------------------------------------

/** Evaluate one Choice rule (without its Next) on `input`. */
export function evalRule(rule: any, input: any): boolean {
  if (rule.And) return (rule.And as any[]).every((r) => evalRule(r, input));
  if (rule.Or) return (rule.Or as any[]).some((r) => evalRule(r, input));
  if (rule.Not) return !evalRule(rule.Not, input);
  const v = rule.Variable as string;
  if ('IsPresent' in rule) return isPresent(input, v) === rule.IsPresent;
  const value = evalPath(input, v);
  const ops: { [op: string]: (x: any, y: any) => boolean } = {
    IsNumeric: (x, y) => (typeof x === 'number') === y,
    IsString: (x, y) => (typeof x === 'string') === y,
    IsBoolean: (x, y) => (typeof x === 'boolean') === y,
    IsNull: (x, y) => (x === null) === y,
    NumericEquals: (x, y) => typeof x === 'number' && x === y,
    NumericGreaterThan: (x, y) => typeof x === 'number' && x > y,
    NumericGreaterThanEquals: (x, y) => typeof x === 'number' && x >= y,
    NumericLessThan: (x, y) => typeof x === 'number' && x < y,
    NumericLessThanEquals: (x, y) => typeof x === 'number' && x <= y,
    StringEquals: (x, y) => typeof x === 'string' && x === y,
    StringLessThan: (x, y) => typeof x === 'string' && x < y,
    StringGreaterThan: (x, y) => typeof x === 'string' && x > y,
    StringMatches: (x, y) => typeof x === 'string' && stringMatches(x, y),
    BooleanEquals: (x, y) => typeof x === 'boolean' && x === y,
  };
  const op = Object.keys(rule).find((k) => k in ops);
  if (op) return ops[op](value, rule[op]);
  // NumericLessThanPath etc.: the same comparison with the value at a second path.
  const pathOp = Object.keys(rule).find((k) => k.endsWith('Path') && k.slice(0, -4) in ops && k !== 'StringMatchesPath');
  if (!pathOp) throw new Error(`unsupported choice rule ${JSON.stringify(rule)}`);
  return ops[pathOp.slice(0, -4)](value, evalPath(input, rule[pathOp]));
}

/**
 * StringMatches: `*` matches any run of characters (none included); `\*` and `\\` are a literal star and
 * backslash; everything else matches itself.
 */
export function stringMatches(value: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) re += `\\${pattern[++i]}`;
    else if (ch === '*') re += '[\\s\\S]*';
    else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(value);
}
