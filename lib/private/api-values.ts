/**
 * Free-form values checked at synth against the SageMaker API's own shapes (`lib/data/sagemaker-api-shapes.json`,
 * copied from the official botocore model): a value the API would refuse when the job starts is refused here, with
 * the prop, the value, what the API expects in words, and the fix. Values that are not known at synth (tokens) are
 * left to the API at deploy/run time.
 */
import { apiStringProblem } from './api-shapes';
import { refuse } from './messages';

/** Where a checked value comes from, and how to fix it. */
export interface ApiValueContext {
  /** The rule id of the refusal. */
  readonly ruleId: string;
  /** The prop (path) that carries the value. */
  readonly prop: string;
  /** How to fix a refused value. */
  readonly fix: string;
}

/** Refuse a string the SageMaker API would refuse. Tokens (and non-strings) are skipped. */
export function checkApiString(shapeName: string, value: unknown, ctx: ApiValueContext): void {
  const problem = apiStringProblem(shapeName, value);
  if (problem !== undefined) refuse(ctx.ruleId, { prop: ctx.prop, value, problem, fix: ctx.fix });
}

