import { refuse } from '../private/messages';
import { checkNumber, isKnownNumber, numberText, stringValue } from '../private/synth-value';

/** How SageMaker samples values within a numeric range. */
export enum ScalingType {
  /** SageMaker chooses. */
  AUTO = 'Auto',
  /** Uniform over the range. */
  LINEAR = 'Linear',
  /** Uniform over the logarithm of the range; values must be positive. */
  LOGARITHMIC = 'Logarithmic',
  /** Dense near 1; continuous ranges within [0, 1) only. */
  REVERSE_LOGARITHMIC = 'ReverseLogarithmic',
}

/** The kind of a hyperparameter range. */
export enum RangeKind {
  /** Real values between a minimum and a maximum. */
  CONTINUOUS = 'Continuous',
  /** Whole numbers between a minimum and a maximum. */
  INTEGER = 'Integer',
  /** One of a list of values. */
  CATEGORICAL = 'Categorical',
}

/** Options of a numeric range. */
export interface NumericRangeOptions {
  /**
   * Scaling (SML-HPO-SPACE). A positive range that spans two or more orders of magnitude (max / min ≥ 100) is
   * searched on a logarithmic scale, which needs far fewer jobs to cover it; choosing another scaling for such a
   * range warns.
   * @default - ScalingType.LOGARITHMIC for a positive range with max / min ≥ 100, else ScalingType.AUTO
   */
  readonly scaling?: ScalingType;
}

/** The ratio max / min from which a positive range is "wide" (two orders of magnitude). */
export const WIDE_RANGE_RATIO = 100;

/**
 * One tunable hyperparameter of a SustainableTuningJob (SML-HPO-SPACE): continuous, integer or categorical.
 * Values are checked when the range is created: bounds in order, whole numbers for integer ranges, positive
 * bounds for logarithmic scaling, distinct categorical values.
 */
export class HyperparameterRange {
  /** A range of real values; wide positive ranges default to logarithmic scaling. */
  public static continuous(name: string, min: number, max: number, options: NumericRangeOptions = {}): HyperparameterRange {
    return new HyperparameterRange(name, RangeKind.CONTINUOUS, min, max, undefined, options.scaling);
  }

  /** A range of whole numbers; wide positive ranges default to logarithmic scaling. */
  public static integer(name: string, min: number, max: number, options: NumericRangeOptions = {}): HyperparameterRange {
    return new HyperparameterRange(name, RangeKind.INTEGER, min, max, undefined, options.scaling);
  }

  /** One of a list of values (1–30 distinct strings). */
  public static categorical(name: string, values: string[]): HyperparameterRange {
    return new HyperparameterRange(name, RangeKind.CATEGORICAL, undefined, undefined, values, undefined);
  }

  /** Hyperparameter name. */
  public readonly name: string;
  /** Kind of range. */
  public readonly kind: RangeKind;
  /** Minimum (numeric ranges). */
  public readonly min?: number;
  /** Maximum (numeric ranges). */
  public readonly max?: number;
  /** Values (categorical ranges). */
  public readonly values?: string[];
  /** The scaling in effect (numeric ranges). */
  public readonly scaling?: ScalingType;
  /** True when the user chose a scaling other than logarithmic for a wide positive range. */
  public readonly linearOnWideRange: boolean;
  /** True when a bound is a deploy-time value (token): the bound checks are left to SageMaker. */
  public readonly deployTimeBounds: boolean = false;

  private constructor(name: string, kind: RangeKind, min: number | undefined, max: number | undefined, values: string[] | undefined, scaling: ScalingType | undefined) {
    this.name = name;
    this.kind = kind;
    this.min = min;
    this.max = max;
    this.values = values;
    const prop = `ranges[${name}]`;
    if (!/^[^\s]/.test(name) || name.length > 256) {
      refuse('SML-HPO-SPACE', { prop: 'ranges[].name', value: name, problem: 'must be 1–256 characters, not starting with whitespace', fix: 'use the hyperparameter name the algorithm reads, e.g. eta' });
    }
    if (kind === RangeKind.CATEGORICAL) {
      const vs = (values ?? []).map((v, i) => stringValue('SML-HPO-SPACE', `${prop}.values[${i}]`, v));
      this.values = vs;
      if (vs.length < 1 || vs.length > 30) {
        refuse('SML-HPO-SPACE', { prop: `${prop}.values`, value: vs.length, problem: 'a categorical range needs 1–30 values (the API limit)', fix: 'list the few values worth trying' });
      }
      const dup = vs.find((v, i) => vs.indexOf(v) !== i);
      if (dup !== undefined) {
        refuse('SML-HPO-SPACE', { prop: `${prop}.values`, value: dup, problem: 'is listed twice, so the search would try it twice', fix: 'list each value once' });
      }
      const long = vs.find((v) => v.length > 256);
      if (long !== undefined) {
        refuse('SML-HPO-SPACE', { prop: `${prop}.values`, value: long.slice(0, 40) + '…', problem: 'is longer than 256 characters (the API limit)', fix: 'shorten the value' });
      }
      this.linearOnWideRange = false;
      return;
    }
    const lo = checkNumber('SML-HPO-SPACE', `${prop}.min`, min)!;
    const hi = checkNumber('SML-HPO-SPACE', `${prop}.max`, max)!;
    if (!isKnownNumber(lo) || !isKnownNumber(hi)) {
      // Deploy-time bounds: rendered as tokens; SustainableTuningJob notes the checks it cannot make (SML-HPO-SPACE).
      this.deployTimeBounds = true;
      this.scaling = scaling ?? ScalingType.AUTO;
      this.linearOnWideRange = false;
      return;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      refuse('SML-HPO-SPACE', { prop: `${prop}.min/max`, value: `${lo}..${hi}`, problem: 'bounds must be finite numbers', fix: 'give finite bounds' });
    }
    if (lo >= hi) {
      refuse('SML-HPO-SPACE', { prop: `${prop}.min`, value: lo, problem: `must be below max (${hi})`, fix: 'swap the bounds, or make the hyperparameter static if it has one value' });
    }
    if (kind === RangeKind.INTEGER && (!Number.isInteger(lo) || !Number.isInteger(hi))) {
      refuse('SML-HPO-SPACE', { prop: `${prop}.min/max`, value: `${lo}..${hi}`, problem: 'an integer range needs whole-number bounds', fix: 'round the bounds, or use HyperparameterRange.continuous' });
    }
    const wide = lo > 0 && hi / lo >= WIDE_RANGE_RATIO;
    const chosen = scaling ?? (wide ? ScalingType.LOGARITHMIC : ScalingType.AUTO);
    if (chosen === ScalingType.LOGARITHMIC && lo <= 0) {
      refuse('SML-HPO-SPACE', { prop: `${prop}.scaling`, value: chosen, problem: `needs a positive range, and min is ${lo}`, fix: 'raise min above 0 or use ScalingType.LINEAR' });
    }
    if (chosen === ScalingType.REVERSE_LOGARITHMIC && (kind !== RangeKind.CONTINUOUS || lo < 0 || hi >= 1)) {
      refuse('SML-HPO-SPACE', {
        prop: `${prop}.scaling`,
        value: chosen,
        problem: kind !== RangeKind.CONTINUOUS ? 'applies to continuous ranges only' : `needs 0 ≤ min ≤ max < 1, and the range is ${lo}..${hi}`,
        fix: 'use ScalingType.LOGARITHMIC or LINEAR',
      });
    }
    this.scaling = chosen;
    this.linearOnWideRange = wide && chosen !== ScalingType.LOGARITHMIC;
  }

  /** The number of values a grid search tries for this range (categorical ranges only). */
  public get gridSize(): number | undefined {
    return this.kind === RangeKind.CATEGORICAL ? this.values!.length : undefined;
  }

  /**
   * This range in the API's `ParameterRanges` member shape (`IntegerParameterRange`, `ContinuousParameterRange` or
   * `CategoricalParameterRange`); bounds and values are strings, as the API requires.
   */
  public render(): { [key: string]: any } {
    if (this.kind === RangeKind.CATEGORICAL) return { Name: this.name, Values: [...this.values!] };
    return { Name: this.name, MinValue: numberText(this.min!), MaxValue: numberText(this.max!), ScalingType: this.scaling };
  }
}

/** Every range in the API's `ParameterRanges` shape, empty kinds omitted. */
export function renderParameterRanges(ranges: HyperparameterRange[]): { [key: string]: any } {
  const of = (kind: RangeKind) => ranges.filter((r) => r.kind === kind).map((r) => r.render());
  const integer = of(RangeKind.INTEGER);
  const continuous = of(RangeKind.CONTINUOUS);
  const categorical = of(RangeKind.CATEGORICAL);
  return {
    ...(integer.length > 0 ? { IntegerParameterRanges: integer } : {}),
    ...(continuous.length > 0 ? { ContinuousParameterRanges: continuous } : {}),
    ...(categorical.length > 0 ? { CategoricalParameterRanges: categorical } : {}),
  };
}
