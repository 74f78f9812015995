/**
 * SustainableMlChecks: a cdk-nag v3 rule pack (pack name `SML`, so findings read `SML-SPOT`, `SML-LOGS`, …) that
 * runs this library's rule predicates (`lib/rules/`) over the synthesized resources of ANY app: state machines with
 * SageMaker training and tuning tasks (aws-cdk-lib's tasks, CustomState, raw ASL), SageMaker pipelines, notebook
 * instances, Studio domains, user profiles and spaces, log groups and Lambda functions, and the buckets SageMaker
 * writes checkpoints and outputs to.
 *
 *   Validations.of(app).addPlugins(new SustainableMlChecks());   // or new SustainableMlChecks().validateScope(stack)
 *
 * What the constructs refuse is an error; what they warn about is a warning. A check that cannot be evaluated at
 * synth (a deploy-time value, a definition in S3, a resource outside the app) is reported as `SML-<RULE>[deploy-time]`
 * (cdk-nag's level Info, shown as a warning by the CDK validation report) saying so.
 */
import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { rule } from '../rules';
import { bucketExpiresScratch } from '../rules/artifacts';
import { notebookInstanceFindings, notebookLifecycleFindings, pipelineDefinitionFindings, trainingJobFindings, tuningJobFindings } from '../rules/checks';
import { domainShutsDownIdleApps, spaceShutsDownIdleApps, userProfileKeepsIdleShutdown } from '../rules/idle-studio';
import { lambdaLogsAreBounded, logGroupIsBounded } from '../rules/logs';
import { LOG_RETENTION_PROVIDER_ID } from '../storage/log-defaults';
import { API_TERMS, RuleFinding, unknown } from '../rules/rule';
import { resetIndexes, StackIndex, stackIndex } from './private/stack-index';
import { SageMakerRequests } from './private/template';

/** The construct of this library that fixes each rule, named in every finding. */
const FIXED_BY: { [ruleId: string]: string } = {
  'SML-SPOT': 'SustainableTrainingJob (spot on by default)',
  'SML-CKPT': 'SustainableTrainingJob (checkpoints to MlArtifactsBucket whenever spot is on)',
  'SML-MAXRUN': 'SustainableTrainingJob / SustainableTuningJob (MaxRuntime and MaxWait always set)',
  'SML-HPO-STRATEGY': 'SustainableTuningJob (Bayesian by default)',
  'SML-HPO-PARALLEL': 'SustainableTuningJob (one job at a time by default)',
  'SML-HPO-EARLYSTOP': 'SustainableTuningJob (early stopping Auto by default)',
  'SML-HPO-SPACE': 'SustainableTuningJob with HyperparameterRange (log scaling for wide ranges by default)',
  'SML-HPO-WARMSTART': 'SustainableTuningJob with WarmStart (parents and type checked when the definition is made)',
  'SML-ACCEPT': 'SustainableTuningJob (completes on the target, on no improvement and on convergence by default) / SustainableTrainingJob (each metric defined once)',
  'SML-IDLE-NOTEBOOK': 'SustainableNotebookInstance, or NotebookIdleShutdown on your own instance',
  'SML-IDLE-STUDIO': 'StudioIdleShutdown on the domain, its user profiles and spaces',
  'SML-ARTIFACTS': 'MlArtifactsBucket (scratch prefixes expire, models never)',
  'SML-LOGS': 'BoundedLogRetention (an Aspect that bounds every log group of the app) and SageMakerLogRetention (the groups SageMaker creates)',
  'SML-MANAGED': 'SustainableTrainingJob (values checked against the SageMaker API before deploy), run by TrainingWorkflow or TrainingPipeline (definitions rendered in the template)',
  'SML-START-SMALL': 'SustainableNotebookInstance (ml.t3.medium by default) / TrainingPipeline (an execution may choose only the job\'s type and smaller ones) / SustainableTrainingJob (one ml.m5.large with a 30 GiB volume by default; multi-instance jobs encrypted)',
  'SML-SILICON': 'SustainableNotebookInstance / TrainingPipeline (previous-generation types warned) / SustainableTrainingJob (Debugger rules and images checked against the instance)',
  'SML-CACHE': 'TrainingPipeline (step caching on by default)',
  'SML-GUARD': 'TrainingJobGuard, watching every SustainableTrainingJob (tagged by default)',
  'SML-COMPILE': 'SustainableTrainingJob (trainingCompiler only on the families it supports)',
  'SML-REUSE': 'SustainableTrainingJob (inputs and initialModel, each channel named once)',
};

/** The findings of the predicates for one resource of the app. */
export function findingsFor(node: CfnResource, index: StackIndex): RuleFinding[] {
  switch (node.cfnResourceType) {
    case 'AWS::StepFunctions::StateMachine': {
      const sm = index.stateMachine(node);
      if (sm === 'in-s3') return [unknown('SML-MANAGED', 'DefinitionS3Location', 'the definition lives in S3 and cannot be read at synth: its SageMaker training and tuning tasks are not checked')];
      return sm ? requestFindings(sm) : [];
    }
    case 'AWS::SageMaker::Pipeline': {
      const p = index.pipeline(node);
      if (p === 'in-s3') return [unknown('SML-MANAGED', 'PipelineDefinition.PipelineDefinitionS3Location', 'the pipeline body lives in S3 and cannot be read at synth: its training and tuning steps are not checked')];
      return p ? [...requestFindings(p), ...pipelineDefinitionFindings(p.document)] : [];
    }
    case 'AWS::SageMaker::NotebookInstance':
      return notebookInstanceFindings(index.properties(node), API_TERMS, { lifecycleScripts: index.notebookLifecycleScripts(node) });
    case 'AWS::SageMaker::NotebookInstanceLifecycleConfig':
      return notebookLifecycleFindings(index.decodedLifecycleConfig(node));
    case 'AWS::SageMaker::Domain':
      return domainShutsDownIdleApps(index.properties(node));
    case 'AWS::SageMaker::UserProfile':
      return userProfileKeepsIdleShutdown(index.properties(node));
    case 'AWS::SageMaker::Space': {
      const props = index.properties(node);
      return spaceShutsDownIdleApps(props, index.domainShutsDown(props.DomainId));
    }
    case 'AWS::Logs::LogGroup':
      return logGroupIsBounded(index.properties(node), `log group '${node.node.path}'`);
    case 'AWS::Lambda::Function': {
      const props = index.properties(node);
      // aws-cdk-lib's LogRetention provider sets a 1-day retention on its own log group
      if (node.node.scope?.node.id === LOG_RETENTION_PROVIDER_ID) return [];
      return lambdaLogsAreBounded(props, index.hasBoundedDefaultLogGroup(node), index.logGroupInApp(props.LoggingConfig?.LogGroup));
    }
    case 'AWS::S3::Bucket': {
      const prefixes = index.scratchPrefixesWrittenTo(node);
      if (prefixes === undefined) return [];
      return bucketExpiresScratch(index.properties(node).LifecycleConfiguration, prefixes, `bucket '${node.node.path}' (SageMaker writes scratch data to it)`);
    }
    default:
      return [];
  }
}

/** The findings of the training and tuning requests of one definition. */
function requestFindings(r: SageMakerRequests): RuleFinding[] {
  return [...r.training.flatMap((req) => trainingJobFindings(req)), ...r.tuning.flatMap((req) => tuningJobFindings(req))];
}

/** The sentence of a finding: what is wrong, why (the Well-Architected practice) and the fix, naming the construct. */
export function describeFinding(f: RuleFinding): string {
  const r = rule(f.ruleId);
  const what = f.level === 'unknown' ? `${f.field} is a deploy-time value or cannot be read, so ${f.message}` : f.message;
  return `${f.ruleId}: ${what}. Why: ${r.rationale} (${r.wellArchitected.join(', ')}). Fix: ${f.fix !== undefined ? `${f.fix}. ` : ''}${r.fix}${FIXED_BY[f.ruleId] ? ` Use ${FIXED_BY[f.ruleId]}.` : ''}`;
}

/**
 * The cdk-sustainable-ml rules as a cdk-nag v3 pack. Add it to any app with
 * `Validations.of(app).addPlugins(new SustainableMlChecks())`, or check one construct tree with
 * `new SustainableMlChecks().validateScope(stack)`. Findings read `SML-<RULE>` (e.g. `SML-SPOT`); acknowledge one
 * with `Validations.of(construct).acknowledge(...)` as for any cdk-nag pack.
 */
export class SustainableMlChecks extends NagPack {
  /** The pack name: findings read `SML-SPOT`, `SML-LOGS`, … */
  public readonly name = 'SML';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'SML';
  }

  /** What each finding said, per rule name and resource path, in the order cdk-nag recorded the violations. */
  private readonly said = new Map<string, { description: string; severity: string }[]>();

  /** Check a construct tree (an app, a stage or one stack). */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    resetIndexes();
    this.said.clear();
    return this.oneViolationPerFinding(super.validateScope(scope));
  }

  protected checkResource(node: CfnResource): void {
    for (const f of findingsFor(node, stackIndex(node))) {
      const suffix = f.ruleId.replace(/^SML-/, '') + (f.level === 'unknown' ? '[deploy-time]' : '');
      const level = f.level === 'error' ? NagMessageLevel.ERROR : f.level === 'warning' ? NagMessageLevel.WARN : NagMessageLevel.INFO;
      const info = describeFinding(f);
      const explanation = rule(f.ruleId).title;
      const key = `${this.packName}-${suffix}|${node.node.path}`;
      this.said.set(key, [...(this.said.get(key) ?? []), {
        description: (this as any).verbose ? `${info} ${explanation}` : info,
        severity: level === NagMessageLevel.ERROR ? 'error' : 'warning',
      }]);
      this.applyRule({ ruleSuffixOverride: suffix, info, explanation, level, node, rule: () => NagRuleCompliance.NON_COMPLIANT });
    }
  }

  /**
   * cdk-nag groups the violations of a pack by rule name and keeps the description and severity of the first one,
   * so a second resource's finding (or an error after a warning of the same rule) would read as the first. Regroup
   * the (unacknowledged) violations by rule name, description and severity, so each finding says what is wrong with
   * its own resources at its own level.
   */
  private oneViolationPerFinding(report: PolicyValidationPluginReport): PolicyValidationPluginReport {
    const grouped = new Map<string, PolicyValidationPluginReport['violations'][number]>();
    const next = new Map<string, number>();
    for (const v of report.violations) {
      for (const resource of v.violatingResources) {
        const key = `${v.ruleName}|${resource.constructPath}`;
        const i = next.get(key) ?? 0;
        next.set(key, i + 1);
        const said = this.said.get(key)?.[i] ?? { description: v.description, severity: v.severity ?? 'warning' };
        const group = `${v.ruleName}|${said.severity}|${said.description}`;
        const existing = grouped.get(group);
        if (existing) existing.violatingResources.push(resource);
        else grouped.set(group, { ...v, description: said.description, severity: said.severity, violatingResources: [resource] });
      }
    }
    return { ...report, violations: [...grouped.values()] };
  }
}
