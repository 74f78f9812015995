import { API_TERMS, ApiShape, field, isKnown, refusal, RuleFinding, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-HPO-SPACE: Few ranges (more than a handful warns; API max refused); log scaling for wide positive ranges. */
export const HPO_SPACE: SustainabilityRule = {
  id: 'SML-HPO-SPACE',
  title: 'Few ranges (more than a handful warns; API max refused); log scaling for wide positive ranges',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'Every extra dimension multiplies the search; log scaling searches wide ranges with fewer jobs.',
  fix: 'Tune only the hyperparameters that matter; use logarithmic scaling for ranges over orders of magnitude.',
};

// --- CreateHyperParameterTuningJob: the search space -------------------------------------------------------------

/** Ranges beyond this many warn: every dimension multiplies the search. */
export const HANDFUL_OF_RANGES = 5;
/** The API's limit on tunable hyperparameters. */
export const MAX_RANGES = 30;
/** The ratio max / min from which a positive range is "wide" (two orders of magnitude). */
export const WIDE_RANGE_RATIO = 100;
/** SustainableTuningJob's default bound on training jobs per tuning run. */
export const DEFAULT_MAX_TRAINING_JOBS = 10;

/** The field of the ranges; one range is `<RANGES>[<name>]`, its members `<RANGES>[<name>].MinValue`, … */
export const RANGES = 'HyperParameterTuningJobConfig.ParameterRanges';
/** The pseudo-field of both bounds of a range, `<RANGES>[<name>]` + this. */
export const BOUNDS = '.MinValue..MaxValue';
const JOBS = 'HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs';
const KINDS = ['Integer', 'Continuous', 'Categorical'] as const;

/** One range of a search, with its kind (`Integer`, `Continuous`, `Categorical`, or `Auto` for AutoParameters). */
export interface SearchRange {
  readonly kind: string;
  readonly range: ApiShape;
}

/**
 * The ranges a CreateHyperParameterTuningJob request searches (`ParameterRanges`, and each training definition's
 * `HyperParameterRanges`), by kind in the API's order; `undefined` when a list is a deploy-time value.
 */
export function searchRanges(request: ApiShape): SearchRange[] | undefined {
  const sets = [request?.HyperParameterTuningJobConfig?.ParameterRanges,
    ...(Array.isArray(request?.TrainingJobDefinitions) ? request.TrainingJobDefinitions.map((d: ApiShape) => d?.HyperParameterRanges) : [])];
  const out: SearchRange[] = [];
  for (const set of sets) {
    for (const kind of [...KINDS, 'Auto']) {
      const list = field(set, `${kind}${kind === 'Auto' ? 'Parameters' : 'ParameterRanges'}`);
      if (!list.known) return undefined;
      if (Array.isArray(list.value)) out.push(...list.value.map((range: ApiShape) => ({ kind, range })));
    }
  }
  return out;
}

/**
 * Compliant when a CreateHyperParameterTuningJob request searches a small space: 1–30 ranges (more than a handful
 * warns), one range per hyperparameter, none also a static hyperparameter, and each range valid
 * (`parameterRangeFindings`).
 */
export function tuningJobSearchSpace(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const config = field(request, 'HyperParameterTuningJobConfig');
  const ranges = config.known && field(config.value, 'ParameterRanges').known ? searchRanges(request) : undefined;
  if (ranges === undefined) return [unknown(HPO_SPACE.id, t.name(RANGES), 'the search space is not checked at synth; SageMaker checks the ranges when the tuning job is created')];
  if (ranges.length === 0) {
    return [refusal(HPO_SPACE.id, t, RANGES, [], 'a tuning job needs at least one range to search', 'add the one or two hyperparameters that matter most')];
  }
  if (ranges.length > MAX_RANGES) {
    return [refusal(HPO_SPACE.id, t, RANGES, ranges.length, `the API tunes at most ${MAX_RANGES} hyperparameters`, 'tune only the hyperparameters that matter; fix the rest as static values')];
  }
  const names = ranges.map((r) => r.range?.Name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) {
    return [refusal(HPO_SPACE.id, t, RANGES, dup, 'has two ranges for the same hyperparameter', 'keep one range per hyperparameter')];
  }
  const statics = field(request?.TrainingJobDefinition, 'StaticHyperParameters');
  const fixed = statics.known && statics.value && typeof statics.value === 'object'
    ? names.find((n) => typeof n === 'string' && Object.prototype.hasOwnProperty.call(statics.value, n)) : undefined;
  if (fixed !== undefined) {
    return [refusal(HPO_SPACE.id, t, `${RANGES}[${fixed}]`, statics.value[fixed], 'is also a static hyperparameter of the training job, so it would be both fixed and searched',
      `remove '${fixed}' from the training job's hyperparameters, or drop the range`)];
  }
  return [
    ...(ranges.length > HANDFUL_OF_RANGES
      ? [warning(HPO_SPACE.id, `${ranges.length} ranges: every extra dimension multiplies the jobs a search needs; tune the ${HANDFUL_OF_RANGES} or fewer that matter most`)]
      : []),
    ...ranges.flatMap((r) => parameterRangeFindings(r.kind, r.range, t)),
  ];
}

/** A range bound as a number: NaN when it is not a number or numeric text. */
function bound(v: unknown): number {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
}

/**
 * Compliant when one range of a search (an `IntegerParameterRange`, `ContinuousParameterRange` or
 * `CategoricalParameterRange`; `kind` says which) is valid and searched efficiently: a name of 1–256 characters;
 * 1–30 distinct categorical values of at most 256 characters; finite numeric bounds in order, whole numbers for an
 * integer range, positive for logarithmic scaling, within [0, 1) for reverse-logarithmic; a wide positive range
 * (max / min ≥ 100) on logarithmic scaling, else a warning. `HyperparameterRange` refuses the same when it is made.
 */
export function parameterRangeFindings(kind: string, range: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const name = field(range, 'Name');
  if (!name.known) return [];
  if (!/^[^\s]/.test(name.value) || String(name.value).length > 256) {
    return [refusal(HPO_SPACE.id, t, `${RANGES}[].Name`, name.value, 'must be 1–256 characters, not starting with whitespace', 'use the hyperparameter name the algorithm reads, e.g. eta')];
  }
  const at = `${RANGES}[${name.value}]`;
  if (kind === 'Categorical') return categoricalFindings(at, range, t);
  if (kind !== 'Integer' && kind !== 'Continuous') return [];
  const lo = field(range, 'MinValue');
  const hi = field(range, 'MaxValue');
  if (!lo.known || !hi.known) {
    return [unknown(HPO_SPACE.id, t.name(`${at}${BOUNDS}`), 'the order of the bounds, whole-number bounds and the scaling (logarithmic for wide ranges) are not checked at synth; SageMaker checks the bounds when the tuning job is created')];
  }
  const [l, h] = [bound(lo.value), bound(hi.value)];
  const text = `${lo.value}..${hi.value}`;
  if (!Number.isFinite(l) || !Number.isFinite(h)) {
    return [refusal(HPO_SPACE.id, t, `${at}${BOUNDS}`, text, 'bounds must be finite numbers', 'give finite bounds')];
  }
  if (l >= h) {
    return [refusal(HPO_SPACE.id, t, `${at}.MinValue`, lo.value, `must be below max (${t.value(`${at}.MaxValue`, hi.value)})`, 'swap the bounds, or make the hyperparameter static if it has one value')];
  }
  if (kind === 'Integer' && (!Number.isInteger(l) || !Number.isInteger(h))) {
    return [refusal(HPO_SPACE.id, t, `${at}${BOUNDS}`, text, 'an integer range needs whole-number bounds', 'round the bounds, or use HyperparameterRange.continuous')];
  }
  const scaling = field(range, 'ScalingType');
  if (!scaling.known) return [];
  if (scaling.value === 'Logarithmic' && l <= 0) {
    return [refusal(HPO_SPACE.id, t, `${at}.ScalingType`, scaling.value, `needs a positive range, and min is ${lo.value}`, 'raise min above 0 or use ScalingType.LINEAR')];
  }
  if (scaling.value === 'ReverseLogarithmic' && (kind !== 'Continuous' || l < 0 || h >= 1)) {
    return [refusal(HPO_SPACE.id, t, `${at}.ScalingType`, scaling.value,
      kind !== 'Continuous' ? 'applies to continuous ranges only' : `needs 0 ≤ min ≤ max < 1, and the range is ${text}`,
      'use ScalingType.LOGARITHMIC or LINEAR')];
  }
  if (l > 0 && h / l >= WIDE_RANGE_RATIO && scaling.value !== 'Logarithmic') {
    return [warning(HPO_SPACE.id, `${t.name(at)} spans ${text} (two or more orders of magnitude) with ${scaling.value ?? 'no'} scaling; ScalingType.LOGARITHMIC covers it with fewer jobs`)];
  }
  return [];
}

function categoricalFindings(at: string, range: ApiShape, t: Terms): RuleFinding[] {
  const values = field(range, 'Values');
  if (!values.known || !Array.isArray(values.value)) return [];
  const vs: unknown[] = values.value;
  if (vs.length < 1 || vs.length > 30) {
    return [refusal(HPO_SPACE.id, t, `${at}.Values`, vs.length, 'a categorical range needs 1–30 values (the API limit)', 'list the few values worth trying')];
  }
  const known = vs.filter((v): v is string => typeof v === 'string' && isKnown(v));
  const dup = known.find((v, i) => known.indexOf(v) !== i);
  if (dup !== undefined) {
    return [refusal(HPO_SPACE.id, t, `${at}.Values`, dup, 'is listed twice, so the search would try it twice', 'list each value once')];
  }
  const long = known.find((v) => v.length > 256);
  if (long !== undefined) {
    return [refusal(HPO_SPACE.id, t, `${at}.Values`, long.slice(0, 40) + '…', 'is longer than 256 characters (the API limit)', 'shorten the value')];
  }
  return [];
}

/**
 * Compliant when a CreateHyperParameterTuningJob request bounds its training jobs
 * (`ResourceLimits.MaxNumberOfTrainingJobs`) within the strategy's limit: 1–10,000 for Random, 1–750 otherwise.
 * Not applicable when the field is absent (Grid derives it).
 */
export function tuningJobTrainingJobCount(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const config = request?.HyperParameterTuningJobConfig;
  const strategy = field(config, 'Strategy');
  const jobs = field(config?.ResourceLimits, 'MaxNumberOfTrainingJobs');
  const limit = strategy.known && strategy.value === 'Random' ? 10000 : 750;
  if (!jobs.known) return [unknown(HPO_SPACE.id, t.name(JOBS), `SageMaker checks the 1–${limit} range when the tuning job is created`)];
  const n = jobs.value;
  if (n === undefined || (Number.isInteger(n) && n >= 1 && n <= limit)) return [];
  const which = strategy.known && typeof strategy.value === 'string' ? strategy.value : 'API';
  return [refusal(HPO_SPACE.id, t, JOBS, n, `must be a whole number from 1 to ${limit} (the ${which} limit)`,
    `keep the default of ${DEFAULT_MAX_TRAINING_JOBS}; warm-start a follow-up search if it is not enough`)];
}
