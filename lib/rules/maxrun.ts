import { SustainabilityRule } from './rule';

/** SML-MAXRUN: Every job has MaxRuntime (and MaxWait ≥ MaxRuntime with spot); no unbounded job. */
export const MAXRUN: SustainabilityRule = {
  id: 'SML-MAXRUN',
  title: 'Every job has MaxRuntime (and MaxWait ≥ MaxRuntime with spot); no unbounded job',
  wellArchitected: ['SUS02-BP03'],
  rationale: 'A hung or runaway job stops at a known bound instead of running for days.',
  fix: 'Set `maxRuntime` (≤ 28 days) and, with spot, `maxWait` ≥ `maxRuntime`.',
};
