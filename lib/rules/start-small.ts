import { SustainabilityRule } from './rule';

/** SML-START-SMALL: Small current-generation CPU instance, one instance, volume sized to need. */
export const START_SMALL: SustainabilityRule = {
  id: 'SML-START-SMALL',
  title: 'Small current-generation CPU instance, one instance, volume sized to need',
  wellArchitected: ['SUS05-BP01'],
  rationale: 'Most experiments fit on a small instance; scale up only when utilisation shows the need.',
  fix: 'Keep the default instance or choose the smallest type and count the workload needs.',
};
