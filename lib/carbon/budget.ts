/**
 * SML-BUDGET: a carbon budget per run (kgCO2e) that fails synth, with the figures, when the worst case exceeds it.
 * The budget can sit on a TrainingWorkflow or TrainingPipeline (`carbonBudget`), in the context key
 * `cdk-sustainable-ml:carbonBudget` (app-wide) or on the FootprintReport (app-wide, checked at synth).
 */
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { refuse, warn } from '../private/messages';
import { requireKnown } from '../private/synth-value';
import { FootprintEstimate } from './footprint';
import { RegionCarbon } from './region-carbon';

/** The context key of the app-wide carbon budget (kgCO2e per run of each workflow and pipeline). */
export const CARBON_BUDGET_CONTEXT = 'cdk-sustainable-ml:carbonBudget';

/** The app-wide budget from the context, if set (a string from `-c` is read as a number). */
export function contextBudget(scope: IConstruct): number | undefined {
  const v = scope.node.tryGetContext(CARBON_BUDGET_CONTEXT);
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    refuse('SML-BUDGET', {
      prop: `context ${CARBON_BUDGET_CONTEXT}`,
      value: v,
      problem: 'must be a positive number of kgCO2e per run',
      fix: `set it to e.g. 5 (cdk.json "context": { "${CARBON_BUDGET_CONTEXT}": 5 }) or remove it`,
    });
  }
  return n;
}

/**
 * Refuses a budget that is not a positive number, and a deploy-time one: the budget is compared with the worst case
 * when the app synthesizes, so a token could never be checked.
 */
export function validateBudget(prop: string, budget: number): void {
  requireKnown('SML-BUDGET', prop, budget, 'the budget is compared with the worst case when the app synthesizes, so a deploy-time value could never be checked', 'give the most kgCO2e one run may emit as a number, e.g. 5');
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0) {
    refuse('SML-BUDGET', { prop, value: budget, problem: 'must be a positive number of kgCO2e per run', fix: 'give the most kgCO2e one run may emit, e.g. 5' });
  }
}

/** The worst case against the budget: why it is exceeded, or undefined. Cannot-evaluate cases annotate `scope`. */
export function budgetExceeded(scope: IConstruct, estimate: FootprintEstimate, budget: number, prop: string): string | undefined {
  const kg = estimate.worstCaseKgCo2e;
  if (kg === undefined) {
    const why = estimate.unknowns.join('; ') || 'the worst case is unknown';
    if (estimate.unknowns.every((u) => /set at deploy time/.test(u))) {
      Annotations.of(scope).addInfo(`SML-BUDGET: ${prop} ${budget} kgCO2e per run cannot be checked at synth: ${why}`);
    } else {
      warn(scope, 'SML-BUDGET', `${prop} ${budget} kgCO2e per run cannot be checked: ${why}`);
    }
    return undefined;
  }
  if (kg <= budget) return undefined;
  return `the worst case of one run is ${fmt(kg)} kgCO2e: ${breakdown(estimate)}`;
}

/** `0.0998 kWh × 0.9006 kgCO2e/kWh (af-south-1, …) = 0.0899 kgCO2e; training …`. */
export function breakdown(e: FootprintEstimate): string {
  const agnostic = !e.region.known && e.region.region === 'set at deploy time';
  const factor = agnostic
    ? `${RegionCarbon.highest().kgCo2ePerKwh} kgCO2e/kWh (${RegionCarbon.highest().region}, the highest factor in the table: the stack is environment-agnostic; set env.region for that region's figure)`
    : `${e.region.kgCo2ePerKwh} kgCO2e/kWh (${e.region.region}, ${e.region.source})`;
  const steps = e.steps.map((s) => `${s.role} ${s.instanceType}: ${s.bound} = ${fmt(s.instanceHours)} instance-hours at ${fmt(s.power.maxWatts)} W (${s.power.status}) = ${fmt(s.worstCaseKwh)} kWh`);
  return `${fmt(e.worstCaseKwh)} kWh (PUE included) × ${factor}; ${steps.join('; ')}`;
}

/** Check a workflow's or pipeline's own budget (or the context's) in its constructor: refuse when exceeded. */
export function enforceBudget(scope: IConstruct, estimate: FootprintEstimate, budget: number, prop: string): void {
  validateBudget(prop, budget);
  const problem = budgetExceeded(scope, estimate, budget, prop);
  if (problem) {
    refuse('SML-BUDGET', {
      prop,
      value: `${budget} kgCO2e per run`,
      problem,
      fix: 'lower the worst case (a smaller or current-generation instance type, fewer instances, a shorter maxRuntime, fewer tuning jobs, a lower-carbon region) or raise the budget deliberately',
    });
  }
}

/** 3 significant digits, no exponent for everyday values. */
export function fmt(x: number | undefined): string {
  if (x === undefined) return 'unknown';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(3)));
}
