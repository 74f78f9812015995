import { HyperparameterRange, RangeKind, ScalingType } from '../../lib';

describe('HyperparameterRange', () => {
  test('continuous, integer and categorical ranges render in the API shape, bounds as strings', () => {
    expect(HyperparameterRange.continuous('eta', 0.05, 0.3).render()).toEqual({ Name: 'eta', MinValue: '0.05', MaxValue: '0.3', ScalingType: 'Auto' });
    expect(HyperparameterRange.integer('max_depth', 3, 10).render()).toEqual({ Name: 'max_depth', MinValue: '3', MaxValue: '10', ScalingType: 'Auto' });
    expect(HyperparameterRange.categorical('booster', ['gbtree', 'dart']).render()).toEqual({ Name: 'booster', Values: ['gbtree', 'dart'] });
    expect(HyperparameterRange.categorical('booster', ['gbtree', 'dart']).kind).toBe(RangeKind.CATEGORICAL);
  });

  test('SML-HPO-SPACE: scaling is Auto, but a positive range spanning two orders of magnitude is Logarithmic', () => {
    expect(HyperparameterRange.continuous('lr', 0.001, 0.099).scaling).toBe(ScalingType.AUTO); // ratio 99
    expect(HyperparameterRange.continuous('lr', 0.001, 0.1).scaling).toBe(ScalingType.LOGARITHMIC); // ratio 100
    expect(HyperparameterRange.integer('trees', 10, 5000).scaling).toBe(ScalingType.LOGARITHMIC);
    expect(HyperparameterRange.continuous('shift', -1, 100).scaling).toBe(ScalingType.AUTO); // not positive
    expect(HyperparameterRange.continuous('shift', 0, 100).scaling).toBe(ScalingType.AUTO);
  });

  test('an explicit scaling is kept; a non-logarithmic one on a wide range is flagged for a warning', () => {
    const r = HyperparameterRange.continuous('lr', 0.001, 1, { scaling: ScalingType.LINEAR });
    expect(r.scaling).toBe(ScalingType.LINEAR);
    expect(r.linearOnWideRange).toBe(true);
    expect(HyperparameterRange.continuous('momentum', 0.5, 0.999, { scaling: ScalingType.REVERSE_LOGARITHMIC }).scaling).toBe(ScalingType.REVERSE_LOGARITHMIC);
  });

  test('fails when min is not below max', () => {
    expect(() => HyperparameterRange.continuous('eta', 0.3, 0.3)).toThrow(/^SML-HPO-SPACE: ranges\[eta\].min 0.3: must be below max \(0.3\)/);
  });
  test('fails when an integer range has fractional bounds', () => {
    expect(() => HyperparameterRange.integer('max_depth', 2.5, 10)).toThrow(/^SML-HPO-SPACE: ranges\[max_depth\].min\/max '2.5..10': an integer range needs whole-number bounds/);
  });
  test('fails when a bound is not finite', () => {
    expect(() => HyperparameterRange.continuous('eta', 0, Infinity)).toThrow(/^SML-HPO-SPACE: ranges\[eta\].min\/max '0..Infinity': bounds must be finite/);
  });
  test('fails when logarithmic scaling is asked for a range that reaches zero', () => {
    expect(() => HyperparameterRange.continuous('alpha', 0, 10, { scaling: ScalingType.LOGARITHMIC })).toThrow(/^SML-HPO-SPACE: ranges\[alpha\].scaling 'Logarithmic': needs a positive range, and min is 0/);
  });
  test('fails when reverse-logarithmic scaling is asked for an integer range or a range outside [0, 1)', () => {
    expect(() => HyperparameterRange.integer('n', 1, 5, { scaling: ScalingType.REVERSE_LOGARITHMIC })).toThrow(/^SML-HPO-SPACE: ranges\[n\].scaling 'ReverseLogarithmic': applies to continuous ranges only/);
    expect(() => HyperparameterRange.continuous('m', 0.5, 1, { scaling: ScalingType.REVERSE_LOGARITHMIC })).toThrow(/needs 0 ≤ min ≤ max < 1/);
  });
  test('fails when a categorical range has no values, more than 30, or a value twice', () => {
    expect(() => HyperparameterRange.categorical('booster', [])).toThrow(/^SML-HPO-SPACE: ranges\[booster\].values 0: a categorical range needs 1–30 values/);
    expect(() => HyperparameterRange.categorical('k', Array.from({ length: 31 }, (_, i) => String(i)))).toThrow(/values 31/);
    expect(() => HyperparameterRange.categorical('booster', ['dart', 'dart'])).toThrow(/^SML-HPO-SPACE: ranges\[booster\].values 'dart': is listed twice/);
  });
  test('fails when the name is empty', () => {
    expect(() => HyperparameterRange.continuous('', 0.1, 0.2)).toThrow(/^SML-HPO-SPACE: ranges\[\].name '': must be 1–256 characters/);
  });
});
