import { SustainabilityRule } from './rule';

/** SML-SPOT: Managed spot training on. */
export const SPOT: SustainabilityRule = {
  id: 'SML-SPOT',
  title: 'Managed spot training on',
  wellArchitected: ['MLSUS05-BP01', 'SUS02-BP02'],
  rationale: 'Spot capacity uses spare capacity that is already powered; a relaxed deadline (MaxWait) makes it safe.',
  fix: 'Leave `spot` on; set `maxWait` to the deadline the team can accept.',
};
