/**
 * How an orchestrator names a run: the renderer asks for the job-name entry and for per-run S3 URIs, and each
 * envelope answers in its own language (a literal, a Step Functions path, a SageMaker Pipelines placeholder).
 */
export interface JobNaming {
  /** The entries that carry the job name under `key` (empty when the envelope assigns the name itself). */
  jobName(key: string): Record<string, unknown>;
  /** The entries that carry `<base><run id>/` under `key`. */
  perRun(key: string, base: string): Record<string, unknown>;
}

/** A literal job name (for `renderRequest()` and tests). */
export function literalNaming(name: string): JobNaming {
  return {
    jobName: (key) => ({ [key]: name }),
    perRun: (key, base) => ({ [key]: `${base}${name}/` }),
  };
}

/** Step Functions: the name is read from a JSONPath of the state input (set once per execution). */
export function stepFunctionsNaming(path: string): JobNaming {
  // Escape States.Format's special characters in literal text only; CDK token markers must stay intact.
  const escape = (s: string) => s.replace(/\$\{Token\[[^\]]+\]\}|([{}'\\])/g, (m, special) => (special ? `\\${special}` : m));
  return {
    jobName: (key) => ({ [`${key}.$`]: path }),
    perRun: (key, base) => ({ [`${key}.$`]: `States.Format('${escape(base)}{}/', ${path})` }),
  };
}

/** SageMaker Pipelines: the pipeline assigns the job name; per-run paths use the execution id. */
export function pipelineNaming(): JobNaming {
  return {
    jobName: () => ({}),
    perRun: (key, base) => ({ [key]: { 'Std:Join': { On: '', Values: [base, { Get: 'Execution.PipelineExecutionId' }, '/'] } } }),
  };
}
