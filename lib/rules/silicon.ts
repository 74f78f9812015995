import { SustainabilityRule } from './rule';

/** SML-SILICON: Previous-generation types warned; Trainium types validated; GPU-only rules not applied to Trainium. */
export const SILICON: SustainabilityRule = {
  id: 'SML-SILICON',
  title: 'Previous-generation types warned; Trainium types validated; GPU-only rules not applied to Trainium',
  wellArchitected: ['MLSUS05-BP02', 'SUS05-BP02'],
  rationale: 'Current-generation and purpose-built silicon (Trainium, Graviton) do more work per watt.',
  fix: 'Choose a current-generation instance type, or Trainium (ml.trn1/trn1n/trn2) for supported frameworks.',
};
