import { WarmStart, WarmStartParent, WarmStartType } from '../../lib';

describe('WarmStart', () => {
  test('named parents are known at synth time; the previous run is looked up at run time', () => {
    const named = WarmStart.fromParentNames(['churn-hpo-a1b2'], WarmStartType.TRANSFER_LEARNING);
    expect(named.parents.map((p) => p.name)).toEqual(['churn-hpo-a1b2']);
    expect(named.resolvedAtRunTime).toBe(false);
    const previous = WarmStart.fromPreviousRun();
    expect(previous.type).toBe(WarmStartType.IDENTICAL_DATA_AND_ALGORITHM);
    expect(previous.resolvedAtRunTime).toBe(true);
    expect(previous.parents[0].isPreviousRun).toBe(true);
  });

  test('accepts up to 5 parents (the API limit)', () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    expect(WarmStart.fromParentNames(names, WarmStartType.IDENTICAL_DATA_AND_ALGORITHM).parents).toHaveLength(5);
  });

  test('fails when there are more than 5 parents', () => {
    expect(() => WarmStart.fromParentNames(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], WarmStartType.TRANSFER_LEARNING))
      .toThrow(/^SML-HPO-WARMSTART: warmStart.parents 6: a warm start takes 1–5 parent tuning jobs/);
  });
  test('fails when there is no parent', () => {
    expect(() => WarmStart.fromParents([], WarmStartType.TRANSFER_LEARNING)).toThrow(/^SML-HPO-WARMSTART: warmStart.parents 0/);
  });
  test('fails when a parent name is not a tuning job name (≤ 32 characters, no underscores)', () => {
    expect(() => WarmStartParent.fromName('x'.repeat(33))).toThrow(/^SML-HPO-WARMSTART: warmStart.parents 'x{33}': is not a tuning job name/);
    expect(() => WarmStartParent.fromName('churn_hpo')).toThrow(/is not a tuning job name/);
  });
  test('fails when a parent is listed twice', () => {
    expect(() => WarmStart.fromParentNames(['p1', 'p1'], WarmStartType.TRANSFER_LEARNING)).toThrow(/^SML-HPO-WARMSTART: warmStart.parents 'p1': is listed twice/);
  });
});
