import { checkNumber, isKnownNumber, numberText, stringValue } from '../private/synth-value';
import { refuseFindings } from '../rules/apply';
import { BOUNDS, parameterRangeFindings, RANGES, WIDE_RANGE_RATIO } from '../rules/hpo-space';
import { PropTerm, propTerms } from '../rules/rule';

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

export { WIDE_RANGE_RATIO } from '../rules/hpo-space';

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
    // Plain-JavaScript callers: values as strings, bounds as numbers (type checks, before the range is judged).
    if (kind === RangeKind.CATEGORICAL) {
      this.values = (values ?? []).map((v, i) => stringValue('SML-HPO-SPACE', `${prop}.values[${i}]`, v));
      this.linearOnWideRange = false;
    } else {
      const lo = checkNumber('SML-HPO-SPACE', `${prop}.min`, min)!;
      const hi = checkNumber('SML-HPO-SPACE', `${prop}.max`, max)!;
      // Deploy-time bounds: rendered as tokens; SustainableTuningJob notes the checks it cannot make (SML-HPO-SPACE).
      this.deployTimeBounds = !isKnownNumber(lo) || !isKnownNumber(hi);
      const wide = !this.deployTimeBounds && lo > 0 && hi / lo >= WIDE_RANGE_RATIO;
      this.scaling = scaling ?? (wide ? ScalingType.LOGARITHMIC : ScalingType.AUTO);
      this.linearOnWideRange = wide && this.scaling !== ScalingType.LOGARITHMIC;
    }
    // The range judged in the API's shape, by the predicate SustainableTuningJob and SustainableMlChecks run (SML-HPO-SPACE).
    refuseFindings(parameterRangeFindings(kind, this.render(), propTerms(rangeTerms(this))));
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

/**
 * What a range's fields are called in a construct's messages: `ranges[eta].min`, `ranges[eta].scaling`, … (the API
 * fields `HyperParameterTuningJobConfig.ParameterRanges[eta].MinValue`, …), bounds shown as the numbers given.
 */
export function rangeTerms(range: HyperparameterRange): { [field: string]: string | PropTerm } {
  const at = `${RANGES}[${range.name}]`;
  const prop = `ranges[${range.name}]`;
  return {
    [`${RANGES}[].Name`]: 'ranges[].name',
    [at]: prop,
    [`${at}.MinValue`]: { prop: `${prop}.min`, value: range.min },
    [`${at}.MaxValue`]: { prop: `${prop}.max`, value: range.max },
    [`${at}${BOUNDS}`]: `${prop}.min/max`,
    [`${at}.ScalingType`]: `${prop}.scaling`,
    [`${at}.Values`]: `${prop}.values`,
  };
}
