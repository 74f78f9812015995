import type { WarmStartParent } from '../warm-start';

/**
 * How an orchestrator fills in the parents of a warm start: the entries of the parent's
 * `ParentHyperParameterTuningJob`, or undefined to leave that parent out.
 */
export type ParentResolver = (parent: WarmStartParent, index: number) => Record<string, unknown> | undefined;
