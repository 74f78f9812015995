import { SustainabilityRule } from './rule';

/** SML-REGION: The region's carbon intensity is known and reported; high-carbon regions warn. */
export const REGION: SustainabilityRule = {
  id: 'SML-REGION',
  title: "The region's carbon intensity is known and reported; high-carbon regions warn",
  wellArchitected: ['MLSUS02-BP02', 'SUS01-BP01'],
  rationale: 'The same job emits several times more CO2e in a coal-heavy grid.',
  fix: 'Deploy training stacks to a lower-carbon region where the business allows.',
};
