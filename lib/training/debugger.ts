import { Construct } from 'constructs';
import { debuggerBuiltinRules, debuggerRuleImages } from '../data';
import { refuse } from '../private/messages';
import { GPU_ONLY_PROFILER_RULES } from '../rules/silicon';
import { regionalImage } from './private/ecr-registry';

/** Options of a built-in Debugger rule. */
export interface DebuggerRuleOptions {
  /**
   * Name of the rule configuration (unique within the job; two configurations of one rule need two names).
   * @default - the rule name
   */
  readonly name?: string;
  /**
   * Rule parameters (strings, as the API requires).
   * @default - the rule's own defaults
   */
  readonly parameters?: { [key: string]: string };
  /**
   * Stop the training job when the rule fires (the built-in StopTraining action, SML-GUARD). Built-in actions do
   * not work with network isolation, in a VPC, or on spot-interrupted jobs: such combinations are refused.
   * @default false
   */
  readonly stopTraining?: boolean;
}

/** The kind of a Debugger rule. */
export enum DebuggerRuleKind {
  /** A debugging rule over tensors the training script emits (needs the smdebug hook). */
  DEBUG = 'debug',
  /** A profiler rule over system metrics. */
  PROFILER = 'profiler',
}


/**
 * A SageMaker Debugger built-in rule, for accounts that still have Debugger (closed to new customers since
 * 2026-07-30; TrainingJobGuard needs no Debugger).
 */
export class DebuggerRule {
  /** A built-in debugging rule (`LossNotDecreasing`, `Overfit`, `VanishingGradient`, …). */
  public static builtIn(ruleName: string, options: DebuggerRuleOptions = {}): DebuggerRule {
    const known = debuggerBuiltinRules().debugRules;
    if (!known[ruleName]) {
      refuse('SML-GUARD', {
        prop: 'debuggerRules',
        value: ruleName,
        problem: `is not a built-in Debugger rule (${Object.keys(known).join(', ')})`,
        fix: 'use one of the built-in rule names, or TrainingJobGuard for accounts without Debugger',
      });
    }
    return new DebuggerRule(DebuggerRuleKind.DEBUG, ruleName, options);
  }

  /** A built-in profiler rule (`LowGPUUtilization`, `CPUBottleneck`, …). Profiler rules cannot stop a job. */
  public static profiler(ruleName: string, options: DebuggerRuleOptions = {}): DebuggerRule {
    const known = debuggerBuiltinRules().profilerRules;
    if (!known[ruleName] && ruleName !== 'ProfilerReport') {
      refuse('SML-GUARD', {
        prop: 'debuggerRules',
        value: ruleName,
        problem: `is not a built-in profiler rule (${Object.keys(known).join(', ')}, ProfilerReport)`,
        fix: 'use one of the built-in profiler rule names',
      });
    }
    if (options.stopTraining) {
      refuse('SML-GUARD', {
        prop: `debuggerRules[${ruleName}].stopTraining`,
        value: true,
        problem: 'built-in actions cannot be used with profiler rules',
        fix: 'drop stopTraining; TrainingJobGuard stops jobs on profiler findings and on idle accelerators',
      });
    }
    return new DebuggerRule(DebuggerRuleKind.PROFILER, ruleName, options);
  }

  /** Configuration name. */
  public readonly name: string;

  private constructor(
    /** Debug or profiler rule. */
    public readonly kind: DebuggerRuleKind,
    /** The built-in rule invoked. */
    public readonly ruleName: string,
    private readonly options: DebuggerRuleOptions,
  ) {
    this.name = options.name ?? ruleName;
  }

  /** True when the rule carries the StopTraining action. */
  public get stopsTraining(): boolean {
    return this.options.stopTraining === true;
  }

  /** True for profiler rules that read GPU metrics only. */
  public get gpuOnly(): boolean {
    return this.kind === DebuggerRuleKind.PROFILER && GPU_ONLY_PROFILER_RULES.includes(this.ruleName);
  }

  /**
   * The collections the SDK adds to the hook for this rule.
   * @internal
   */
  public _defaultCollections(): { CollectionName: string; CollectionParameters?: { [k: string]: string } }[] {
    if (this.kind !== DebuggerRuleKind.DEBUG) return [];
    return debuggerBuiltinRules().debugRules[this.ruleName].sdkDefaultCollectionConfigurations;
  }

  /**
   * `RuleParameters` as sent to the API; the StopTraining action stops jobs named `<jobNamePrefix>-…`.
   * @internal
   */
  public _ruleParameters(jobNamePrefix: string): { [key: string]: string } {
    const base: { [key: string]: string } =
      this.kind === DebuggerRuleKind.PROFILER && this.ruleName !== 'ProfilerReport'
        ? { ...debuggerBuiltinRules().profilerRules[this.ruleName].sdkSerializedRuleParameters }
        : { rule_to_invoke: this.ruleName };
    const params: { [key: string]: string } = { ...base, ...(this.options.parameters ?? {}), rule_to_invoke: this.ruleName };
    if (this.stopsTraining) params.action_json = stopTrainingActionJson(`${jobNamePrefix}-`);
    return params;
  }
}

/**
 * The `action_json` rule parameter of the StopTraining action: the rule container evaluates it inside a Python
 * string literal, so every double quote is preceded by a backslash. At most 256 characters (API ConfigValue).
 */
export function stopTrainingActionJson(trainingJobPrefix: string): string {
  const value = `[{\\"name\\": \\"stoptraining\\", \\"training_job_prefix\\": \\"${trainingJobPrefix}\\"}]`;
  if (value.length > 256) {
    refuse('SML-GUARD', {
      prop: 'jobNamePrefix',
      value: trainingJobPrefix,
      problem: `makes the StopTraining action_json ${value.length} characters long; the API allows 256`,
      fix: 'use a shorter job name prefix',
    });
  }
  return value;
}

/**
 * The URI of the Debugger rule-evaluator image for the stack's region: the concrete URI when the stack has a
 * region, a `CfnMapping` lookup in environment-agnostic stacks.
 */
export function ruleEvaluatorImage(scope: Construct): string {
  const data = debuggerRuleImages();
  return regionalImage(scope, {
    mappingId: 'SustainableMlDebuggerRuleImages',
    registries: data.registries,
    repository: data.repository,
    tag: data.tag,
    onMissingRegion: (region) => refuse('SML-GUARD', {
      prop: 'debuggerRules',
      value: region,
      problem: data.unsupportedRegions.includes(region)
        ? 'SageMaker Debugger is not supported in this region'
        : 'no Debugger rule image is known for this region (lib/data/debugger-rule-images.json)',
      fix: 'drop debuggerRules and rely on TrainingJobGuard, or train in a region with Debugger',
    }),
  }).uri;
}
