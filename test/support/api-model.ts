/**
 * Validates request objects against the official AWS API models (botocore service-2.json, Apache-2.0), kept in
 * test/fixtures/aws-api-models/ (see its README for the source commit).
 *
 * Checks: required members, no unknown members, types, enums, min/max (string length, numeric value, list/map
 * size) and anchored patterns. Values that are not known at synth time are skipped: CloudFormation intrinsics
 * (`{"Fn::…"}`, `{"Ref"}`), CDK token strings, Step Functions paths (`Key.$`) and JSONata (`{% … %}`), and
 * SageMaker Pipelines placeholders (`{"Get"}`, `{"Std:Join"}`, `{"Std:JsonGet"}`).
 */
import * as fs from 'fs';
import * as path from 'path';

interface Shape {
  type: string;
  required?: string[];
  members?: { [name: string]: { shape: string } };
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

interface ApiModel {
  metadata: { serviceId: string };
  operations: { [op: string]: { input?: { shape: string } } };
  shapes: { [name: string]: Shape };
}

/**
 * `sagemaker` and `cloudwatch` are the full models at botocore commit 0e6e2404 (2026-08-07);
 * `sagemaker-1.43.107` is the newer botocore 1.43.107 subset for training, tuning and pipeline operations (the
 * version the instance table in lib/data comes from).
 */
export type ServiceName = 'sagemaker' | 'cloudwatch' | 'sagemaker-1.43.107';

const FILES: Record<ServiceName, string> = {
  'sagemaker': 'sagemaker-2017-07-24.json',
  'cloudwatch': 'cloudwatch-2010-08-01.json',
  'sagemaker-1.43.107': 'sagemaker-request-shapes-1.43.107.json',
};

const cache = new Map<ServiceName, ApiModel>();
const patternCache = new Map<string, RegExp>();

/** The parsed official model of a service. */
export function apiModel(service: ServiceName): ApiModel {
  let m = cache.get(service);
  if (!m) {
    m = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'aws-api-models', FILES[service]), 'utf8')) as ApiModel;
    // The subset names shapes directly (`input: "Name"`, `members: {X: "Name"}`); the full models wrap them
    // (`{shape: "Name"}`). Normalise to the full models' form.
    const wrap = (v: any) => (typeof v === 'string' ? { shape: v } : v);
    for (const op of Object.values(m.operations) as any[]) op.input = wrap(op.input);
    for (const shape of Object.values(m.shapes) as any[]) {
      if (shape.members) for (const k of Object.keys(shape.members)) shape.members[k] = wrap(shape.members[k]);
      for (const k of ['member', 'key', 'value']) if (shape[k] !== undefined) shape[k] = wrap(shape[k]);
    }
    cache.set(service, m);
  }
  return m;
}

/** Marker tests can put in place of values only known at deploy time. */
export const UNRESOLVED = '__UNRESOLVED__';

const PLACEHOLDER_KEYS = ['Get', 'Std:Join', 'Std:JsonGet'];

function isUnresolved(value: unknown): boolean {
  if (typeof value === 'string') {
    return value.includes('${Token[') || value.includes(UNRESOLVED) || /^\{%.*%\}$/s.test(value.trim());
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || PLACEHOLDER_KEYS.includes(keys[0]))) {
      return true;
    }
  }
  return false;
}

function anchored(p: string): RegExp {
  let re = patternCache.get(p);
  if (!re) {
    re = new RegExp('^(?:' + p + ')$', 'su');
    patternCache.set(p, re);
  }
  return re;
}

function check(model: ApiModel, shapeName: string, value: unknown, where: string, errors: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) {
    errors.push(`${where}: model has no shape ${shapeName}`);
    return;
  }
  if (isUnresolved(value)) return;
  switch (shape.type) {
    case 'structure': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        errors.push(`${where}: expected a structure (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      const obj = value as Record<string, unknown>;
      const present = new Set<string>();
      for (const [rawKey, v] of Object.entries(obj)) {
        const isPath = rawKey.endsWith('.$');
        const key = isPath ? rawKey.slice(0, -2) : rawKey;
        present.add(key);
        const member = shape.members?.[key];
        if (!member) {
          errors.push(`${where}: unknown member '${key}' in ${shapeName}`);
          continue;
        }
        if (v === undefined) {
          errors.push(`${where}.${key}: undefined value`);
          continue;
        }
        if (!isPath) check(model, member.shape, v, `${where}.${key}`, errors);
      }
      for (const req of shape.required ?? []) {
        if (!present.has(req)) errors.push(`${where}: missing required member '${req}' of ${shapeName}`);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        errors.push(`${where}: expected a list (${shapeName})`);
        return;
      }
      sizeCheck(shape, value.length, `${where}`, shapeName, 'items', errors);
      value.forEach((item, i) => check(model, shape.member!.shape, item, `${where}[${i}]`, errors));
      return;
    }
    case 'map': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        errors.push(`${where}: expected a map (${shapeName})`);
        return;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      sizeCheck(shape, entries.length, where, shapeName, 'entries', errors);
      for (const [k, v] of entries) {
        check(model, shape.key!.shape, k.endsWith('.$') ? k.slice(0, -2) : k, `${where}{key ${k}}`, errors);
        if (!k.endsWith('.$')) check(model, shape.value!.shape, v, `${where}.${k}`, errors);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        errors.push(`${where}: expected a string (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      sizeCheck(shape, [...value].length, where, shapeName, 'characters', errors);
      if (shape.enum && !shape.enum.includes(value)) {
        errors.push(`${where}: '${value}' is not one of ${shapeName} (${shape.enum.length} values)`);
      }
      if (shape.pattern && !anchored(shape.pattern).test(value)) {
        errors.push(`${where}: '${value}' does not match ${shapeName} pattern /${shape.pattern}/`);
      }
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        errors.push(`${where}: expected an integer (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      rangeCheck(shape, value, where, shapeName, errors);
      return;
    }
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        errors.push(`${where}: expected a number (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      }
      rangeCheck(shape, value, where, shapeName, errors);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${where}: expected a boolean (${shapeName}), got ${JSON.stringify(value)}`);
      return;
    case 'timestamp':
      if (typeof value !== 'string' && typeof value !== 'number' && !(value instanceof Date)) {
        errors.push(`${where}: expected a timestamp (${shapeName})`);
      }
      return;
    case 'blob':
      if (typeof value !== 'string' && !(value instanceof Uint8Array)) errors.push(`${where}: expected a blob (${shapeName})`);
      return;
    default:
      errors.push(`${where}: unsupported shape type ${shape.type}`);
  }
}

function sizeCheck(shape: Shape, n: number, where: string, name: string, unit: string, errors: string[]): void {
  if (shape.min !== undefined && n < shape.min) errors.push(`${where}: ${n} ${unit} < min ${shape.min} of ${name}`);
  if (shape.max !== undefined && n > shape.max) errors.push(`${where}: ${n} ${unit} > max ${shape.max} of ${name}`);
}

function rangeCheck(shape: Shape, n: number, where: string, name: string, errors: string[]): void {
  if (shape.min !== undefined && n < shape.min) errors.push(`${where}: ${n} < min ${shape.min} of ${name}`);
  if (shape.max !== undefined && n > shape.max) errors.push(`${where}: ${n} > max ${shape.max} of ${name}`);
}

/** Counts of validated requests per operation, for the closing figures. */
export const validationStats: { [op: string]: number } = {};

/**
 * Validate `request` as the input of `operation` of `service`.
 * `omit` lists required top-level members the envelope supplies (e.g. `TrainingJobName` in a pipeline step).
 * Returns the list of problems (empty when valid).
 */
export function validateRequest(service: ServiceName, operation: string, request: unknown, omit: string[] = []): string[] {
  const model = apiModel(service);
  const op = model.operations[operation];
  if (!op?.input) return [`${service} has no operation ${operation}`];
  const errors: string[] = [];
  check(model, op.input.shape, request, operation, errors);
  const filtered = errors.filter((e) => !omit.some((m) => e === `${operation}: missing required member '${m}' of ${op.input!.shape}`));
  validationStats[`${service}:${operation}`] = (validationStats[`${service}:${operation}`] ?? 0) + 1;
  return filtered;
}

/** Jest helper: throws with every problem listed when the request is not valid. */
export function expectValidRequest(service: ServiceName, operation: string, request: unknown, omit: string[] = []): void {
  const errors = validateRequest(service, operation, request, omit);
  if (errors.length > 0) {
    throw new Error(`${operation} request is not valid against the official ${service} model:\n  ${errors.join('\n  ')}`);
  }
}

const PSEUDO: { [ref: string]: string } = {
  'AWS::Region': 'us-west-2',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'TestStack',
};

/**
 * Replace CloudFormation intrinsics in a resolved object with plausible deploy-time values, so that composed
 * strings (S3 URIs, ARNs) are validated too instead of skipped: `Ref` → a lowercase name (or the pseudo
 * parameter's value), `Fn::GetAtt [X, Arn]` → an IAM-role-shaped ARN, `Fn::Join` → the joined parts,
 * `Fn::FindInMap` → a 12-digit account.
 */
export function concretize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(concretize);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [k] = keys;
      const v = obj[k] as any;
      if (k === 'Ref') return PSEUDO[v] ?? `ref-${String(v).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
      if (k === 'Fn::GetAtt') return v[1] === 'Arn' ? `arn:aws:iam::123456789012:role/${v[0]}` : `${String(v[0]).toLowerCase()}-${String(v[1]).toLowerCase()}`;
      if (k === 'Fn::Join') return (v[1] as unknown[]).map((p) => String(concretize(p))).join(v[0]);
      if (k === 'Fn::FindInMap') return '123456789012';
      if (k === 'Fn::Select') return concretize((concretize(v[1]) as unknown[])[v[0]]);
      if (k === 'Fn::Split') return String(concretize(v[1])).split(v[0]);
    }
    return Object.fromEntries(Object.entries(obj).map(([kk, vv]) => [kk, concretize(vv)]));
  }
  return value;
}
