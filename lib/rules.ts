/**
 * The rule registry: the one home of every sustainable default and refusal in cdk-sustainable-ml.
 *
 * Each rule id (`SML-…`) is used unchanged in error messages, `Annotations` warnings
 * (`cdk-sustainable-ml:<id>`), the cdk-nag rule pack (`SML-<suffix>`), the footprint report and the README.
 * Well-Architected references: Machine Learning Lens (MLSUSnn-BPnn, 2025 numbering) and the
 * Sustainability Pillar (SUSnn-BPnn).
 */

/** Well-Architected document roots the practice ids refer to. */
export const WELL_ARCHITECTED_DOCS = {
  mlLens: 'https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/',
  sustainabilityPillar: 'https://docs.aws.amazon.com/wellarchitected/latest/sustainability-pillar/',
};

/** One sustainable default or refusal. */
export interface SustainabilityRule {
  /** Stable id, e.g. `SML-SPOT`. */
  readonly id: string;
  /** One line: what the default or refusal is. */
  readonly title: string;
  /** Well-Architected practice ids (MLSUSnn-BPnn, SUSnn-BPnn). */
  readonly wellArchitected: string[];
  /** Why the default exists. */
  readonly rationale: string;
  /** What to do when the rule fires. */
  readonly fix: string;
}

const RULE_LIST: SustainabilityRule[] = [
  {
    id: 'SML-ACCEPT',
    title: 'An objective with a target: tuning completes on reaching it; the gate fails a run that misses it',
    wellArchitected: ['MLSUS04-BP01'],
    rationale: 'Training past the accuracy the business needs spends energy for no benefit.',
    fix: 'Set `objective` with `target` to the acceptable value of the metric.',
  },
  {
    id: 'SML-BASELINE',
    title: 'An optional cheap baseline runs first; the expensive job runs only when the baseline misses the target',
    wellArchitected: ['MLSUS04-BP02'],
    rationale: 'A simple model often meets the target; when it does not, the report shows the gain against the extra resources.',
    fix: 'Pass `baseline` (a small SustainableTrainingJob) to the workflow or pipeline.',
  },
  {
    id: 'SML-REUSE',
    title: 'Start from an existing model (`initialModel` channel) and warm-start tuning',
    wellArchitected: ['MLSUS02-BP01'],
    rationale: 'Transfer learning and incremental training reach the target with a fraction of the compute of training from scratch.',
    fix: 'Set `initialModel` to a model artifact or a prior job, or warm-start the tuning job from its parents.',
  },
  {
    id: 'SML-START-SMALL',
    title: 'Small current-generation CPU instance, one instance, volume sized to need',
    wellArchitected: ['SUS05-BP01'],
    rationale: 'Most experiments fit on a small instance; scale up only when utilisation shows the need.',
    fix: 'Keep the default instance or choose the smallest type and count the workload needs.',
  },
  {
    id: 'SML-SILICON',
    title: 'Previous-generation types warned; Trainium types validated; GPU-only rules not applied to Trainium',
    wellArchitected: ['MLSUS05-BP02', 'SUS05-BP02'],
    rationale: 'Current-generation and purpose-built silicon (Trainium, Graviton) do more work per watt.',
    fix: 'Choose a current-generation instance type, or Trainium (ml.trn1/trn1n/trn2) for supported frameworks.',
  },
  {
    id: 'SML-COMPILE',
    title: 'Training Compiler is opt-in, only on the families it supports, with a warning that it is unmaintained',
    wellArchitected: ['SUS03-BP03'],
    rationale: 'Compiling a deep-learning model shortens training on supported GPUs; AWS no longer releases new versions of SageMaker Training Compiler.',
    fix: 'Enable `trainingCompiler` only on ml.p3, ml.p3dn, ml.g4dn, ml.p4d or ml.g5 with a Training Compiler image.',
  },
  {
    id: 'SML-SPOT',
    title: 'Managed spot training on',
    wellArchitected: ['MLSUS05-BP01', 'SUS02-BP02'],
    rationale: 'Spot capacity uses spare capacity that is already powered; a relaxed deadline (MaxWait) makes it safe.',
    fix: 'Leave `spot` on; set `maxWait` to the deadline the team can accept.',
  },
  {
    id: 'SML-CKPT',
    title: "Checkpoints to the bucket's checkpoint prefix whenever spot is on",
    wellArchitected: ['SUS04-BP05'],
    rationale: 'An interrupted job resumes from its last checkpoint instead of starting over.',
    fix: 'Leave checkpointing on, or point `checkpointS3Uri` at a prefix that outlives the job.',
  },
  {
    id: 'SML-MAXRUN',
    title: 'Every job has MaxRuntime (and MaxWait ≥ MaxRuntime with spot); no unbounded job',
    wellArchitected: ['SUS02-BP03'],
    rationale: 'A hung or runaway job stops at a known bound instead of running for days.',
    fix: 'Set `maxRuntime` (≤ 28 days) and, with spot, `maxWait` ≥ `maxRuntime`.',
  },
  {
    id: 'SML-GUARD',
    title: 'Jobs are watched: stop on idle accelerators, stalled objective, overfitting; Debugger rules where available',
    wellArchitected: ['SUS05-BP04'],
    rationale: 'A job whose accelerators idle or whose objective stopped improving burns energy for nothing.',
    fix: 'Deploy TrainingJobGuard (or Debugger rules with StopTraining where the account has Debugger).',
  },
  {
    id: 'SML-HPO-STRATEGY',
    title: 'Bayesian search; Random warns; Grid refused unless explicitly allowed',
    wellArchitected: ['MLSUS04-BP04'],
    rationale: 'Bayesian search learns from every finished job; grid search tries every combination.',
    fix: 'Use the Bayesian (default) or Hyperband strategy.',
  },
  {
    id: 'SML-HPO-PARALLEL',
    title: 'One training job at a time; more warns',
    wellArchitected: ['MLSUS04-BP04', 'SUS02-BP06'],
    rationale: 'Each Bayesian round learns from the last; parallel jobs search blind and flatten nothing.',
    fix: 'Keep `maxParallelTrainingJobs` at 1.',
  },
  {
    id: 'SML-HPO-SPACE',
    title: 'Few ranges (more than a handful warns; API max refused); log scaling for wide positive ranges',
    wellArchitected: ['MLSUS04-BP04'],
    rationale: 'Every extra dimension multiplies the search; log scaling searches wide ranges with fewer jobs.',
    fix: 'Tune only the hyperparameters that matter; use logarithmic scaling for ranges over orders of magnitude.',
  },
  {
    id: 'SML-HPO-EARLYSTOP',
    title: 'Early stopping Auto (Off where the strategy demands it)',
    wellArchitected: ['MLSUS04-BP04'],
    rationale: 'Jobs that will not beat the median stop early.',
    fix: 'Leave `earlyStopping` on.',
  },
  {
    id: 'SML-HPO-WARMSTART',
    title: 'Warm start from parent tuning jobs (≤ 5), type validated',
    wellArchitected: ['MLSUS04-BP04'],
    rationale: 'A new search that starts from what earlier searches learned needs fewer jobs.',
    fix: 'Pass `warmStart` with at most 5 parents and a Bayesian or Random strategy.',
  },
  {
    id: 'SML-IDLE-NOTEBOOK',
    title: 'Notebook instances stop when idle',
    wellArchitected: ['MLSUS03-BP01', 'SUS02-BP03'],
    rationale: 'An idle notebook instance draws power around the clock.',
    fix: 'Attach NotebookIdleShutdown (SustainableNotebookInstance does it by default).',
  },
  {
    id: 'SML-IDLE-STUDIO',
    title: 'Studio apps shut down when idle',
    wellArchitected: ['MLSUS03-BP01', 'SUS02-BP05'],
    rationale: 'JupyterLab and Code Editor spaces left running keep their instances up.',
    fix: 'Apply StudioIdleShutdown to the domain, user profiles and spaces.',
  },
  {
    id: 'SML-MANAGED',
    title: 'Training runs on managed, serverless orchestration; nothing stays up between runs',
    wellArchitected: ['SUS05-BP03', 'SUS03-BP01'],
    rationale: 'Step Functions and SageMaker Pipelines consume nothing between runs.',
    fix: 'Run training through TrainingWorkflow or TrainingPipeline.',
  },
  {
    id: 'SML-ARTIFACTS',
    title: 'Scratch data (checkpoints, debugger/profiler output, temporary data) expires; model artifacts never',
    wellArchitected: ['MLSUS04-BP03', 'SUS04-BP03'],
    rationale: 'Scratch data kept forever is stored (and replicated) for no one; models are the product.',
    fix: 'Use MlArtifactsBucket and write scratch output only under its scratch prefixes.',
  },
  {
    id: 'SML-LOGS',
    title: "Every log group has bounded retention, SageMaker's own included",
    wellArchitected: ['MLSUS04-BP03'],
    rationale: 'CloudWatch keeps logs forever unless retention is set.',
    fix: 'Set a retention period; use SageMakerLogRetention for the log groups SageMaker creates.',
  },
  {
    id: 'SML-REGION',
    title: "The region's carbon intensity is known and reported; high-carbon regions warn",
    wellArchitected: ['MLSUS02-BP02', 'SUS01-BP01'],
    rationale: 'The same job emits several times more CO2e in a coal-heavy grid.',
    fix: 'Deploy training stacks to a lower-carbon region where the business allows.',
  },
  {
    id: 'SML-MEASURE',
    title: 'The footprint is estimated at synth and utilisation is on a dashboard',
    wellArchitected: ['MLSUS06-BP01'],
    rationale: 'What is not measured is not improved.',
    fix: 'Read the synth-time footprint report and the TrainingEfficiencyDashboard.',
  },
  {
    id: 'SML-BUDGET',
    title: 'An optional carbon budget per workflow run fails synth when exceeded',
    wellArchitected: ['MLSUS01-BP01'],
    rationale: 'A budget turns the footprint estimate into a decision.',
    fix: 'Lower the worst case (instance, count, max runtime) or raise the budget deliberately.',
  },
  {
    id: 'SML-CACHE',
    title: 'Pipeline step caching on, so unchanged steps are not re-run',
    wellArchitected: ['MLSUS06-BP02'],
    rationale: 'Re-running an unchanged step repeats work whose result is already known.',
    fix: 'Leave `cacheSteps` on; set the expiry that matches how often the inputs change.',
  },
];

/** Every rule, keyed by id. */
export const RULES: { readonly [id: string]: SustainabilityRule } = Object.freeze(
  Object.fromEntries(RULE_LIST.map((r) => [r.id, Object.freeze(r)])),
);

/** All rules in registry order. */
export function allRules(): SustainabilityRule[] {
  return [...RULE_LIST];
}

/** The rule with this id; throws for an unknown id (a typo in library code must not pass silently). */
export function rule(id: string): SustainabilityRule {
  const r = RULES[id];
  if (!r) {
    throw new Error(`Unknown sustainability rule id '${id}'`);
  }
  return r;
}

/** The warning id under which `Annotations` warnings for a rule are published: `cdk-sustainable-ml:<id>`. */
export function warningId(id: string): string {
  return `cdk-sustainable-ml:${rule(id).id}`;
}

/** Marks the errors the library throws for a refusal (see `SustainabilityRules.isSustainabilityError`). */
export const SUSTAINABILITY_ERROR = Symbol.for('cdk-sustainable-ml.SustainabilityError');

/** A message that starts with a rule id: `SML-MAXRUN: maxWait …`. */
const RULE_ID_PREFIX = /^(SML-[A-Z0-9-]+): /;

/** The rule registry as a class, for the public API (jsii-friendly). */
export class SustainabilityRules {
  /** Every rule, in registry order. */
  public static all(): SustainabilityRule[] {
    return allRules();
  }

  /** The rule with this id; throws for an unknown id. */
  public static get(id: string): SustainabilityRule {
    return rule(id);
  }

  /** The id under which warnings for a rule are published: `cdk-sustainable-ml:<id>`. */
  public static warningId(id: string): string {
    return warningId(id);
  }

  /**
   * Whether `x` is a refusal thrown by this library (TypeScript/JavaScript). In Python, Java, .NET and Go a
   * refusal arrives as the jsii runtime's error (Python: `RuntimeError`); read its rule id with `ruleIdOf`.
   */
  public static isSustainabilityError(x: any): boolean {
    return x !== null && typeof x === 'object' && SUSTAINABILITY_ERROR in x;
  }

  /**
   * The rule id (`SML-…`) of a refusal, or `undefined` when it is not one.
   *
   * Accepts the error itself (TypeScript/JavaScript) or its message in any language, e.g. in Python
   * `SustainabilityRules.rule_id_of(str(e))`: every refusal's message starts with `<rule id>: `.
   */
  public static ruleIdOf(errorOrMessage: any): string | undefined {
    if (SustainabilityRules.isSustainabilityError(errorOrMessage)) return errorOrMessage.ruleId;
    const message = typeof errorOrMessage === 'string' ? errorOrMessage : undefined;
    const id = message !== undefined ? RULE_ID_PREFIX.exec(message)?.[1] : undefined;
    return id !== undefined && id in RULES ? id : undefined;
  }

  /** Where the Well-Architected practice ids are documented. */
  public static readonly ML_LENS_URL = WELL_ARCHITECTED_DOCS.mlLens;
  /** Where the Sustainability Pillar practice ids are documented. */
  public static readonly SUSTAINABILITY_PILLAR_URL = WELL_ARCHITECTED_DOCS.sustainabilityPillar;

  private constructor() {}
}
