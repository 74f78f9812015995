/**
 * One predicate, two uses: the warnings a construct publishes for SML-SPOT, SML-CKPT, SML-HPO-STRATEGY (Random),
 * SML-HPO-PARALLEL and SML-HPO-EARLYSTOP are exactly what the predicates say about the request the construct renders,
 * which is what SustainableMlChecks reports on any app. Likewise the notebook, lifecycle, Studio and pipeline-definition
 * predicates (SML-IDLE-NOTEBOOK, SML-IDLE-STUDIO, SML-START-SMALL, SML-SILICON, SML-CACHE): warnings and refusals.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import {
  HyperparameterRange, NotebookIdleShutdown, Objective, StudioIdleShutdown, SustainableNotebookInstance, SustainableNotebookInstanceProps,
  SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob, SustainableTuningJobProps, TrainingImage, TrainingInstance,
  TrainingPipeline, TrainingPipelineProps, TuningStrategy,
} from '../../lib';
import { stackIndex } from '../../lib/checks/private/stack-index';
import { findingsFor } from '../../lib/checks/sustainable-ml-checks';
import { renderedProperties } from '../../lib/private/rendered';
import { rule } from '../../lib/rules';
import { notebookInstanceFindings, notebookLifecycleFindings, pipelineDefinitionFindings } from '../../lib/rules/checks';
import { IGNORE_CONNECTIONS } from '../../lib/rules/idle-notebook';
import { domainShutsDownIdleApps, userProfileKeepsIdleShutdown } from '../../lib/rules/idle-studio';
import { trainingJobCheckpointsWithSpot } from '../../lib/rules/ckpt';
import { tuningJobStopsEarly } from '../../lib/rules/hpo-earlystop';
import { tuningJobRunsOneAtATime } from '../../lib/rules/hpo-parallel';
import { tuningJobStrategy } from '../../lib/rules/hpo-strategy';
import { propTerms, RuleFinding } from '../../lib/rules/rule';
import { trainingJobUsesSpot } from '../../lib/rules/spot';
import { newTestStack } from '../support/app';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const OBJECTIVE = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });
const RANGES = [HyperparameterRange.continuous('eta', 0.01, 0.3), HyperparameterRange.integer('max_depth', 3, 10)];
const RULES = ['SML-SPOT', 'SML-CKPT', 'SML-HPO-STRATEGY', 'SML-HPO-PARALLEL', 'SML-HPO-EARLYSTOP'];

function published(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`^(${RULES.join('|')}):`))
    .map((w) => String(w.entry.data).replace(/ \[ack: [^\]]*\]$/, '')).sort();
}

function asWarnings(findings: RuleFinding[]): string[] {
  return findings.filter((f) => f.level === 'warning')
    .map((f) => `${f.ruleId}: ${f.message} (${rule(f.ruleId).wellArchitected.join(', ')})`).sort();
}

const CASES: [string, Partial<SustainableTrainingJobProps>, Partial<SustainableTuningJobProps>][] = [
  ['defaults', {}, {}],
  ['spot off', { spot: false }, {}],
  ['spot on, checkpointing off', { checkpointing: false }, {}],
  ['random search', {}, { strategy: TuningStrategy.RANDOM }],
  ['4 parallel jobs (Bayesian)', {}, { maxParallelTrainingJobs: 4 }],
  ['4 parallel jobs (Random)', {}, { strategy: TuningStrategy.RANDOM, maxParallelTrainingJobs: 4 }],
  ['early stopping off', {}, { earlyStopping: false }],
];

test.each(CASES)('%s: the construct warns exactly what the predicates find in its rendered requests', (name, jobProps, tuningProps) => {
  const stack = newTestStack();
  const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE, ...jobProps });
  const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: RANGES, ...tuningProps });
  const training = trainingJob.renderRequest();
  const tuning = tuningJob.renderRequest();
  const fromPredicates = asWarnings([
    ...trainingJobUsesSpot(training),
    ...trainingJobCheckpointsWithSpot(training),
    ...tuningJobStrategy(tuning),
    ...tuningJobRunsOneAtATime(tuning),
    ...tuningJobStopsEarly(tuning),
  ]);
  expect(published(stack)).toEqual(fromPredicates);
  if (name !== 'defaults') expect(fromPredicates.length).toBeGreaterThan(0);
});

// --- notebooks, Studio and pipelines: what the construct publishes is what the predicates find on what it renders ---

/** Every warning (its text without the acknowledgement suffix) and the refusal thrown by `build`, if any. */
function publishedBy(stack: Stack, build: () => void): { warnings: string[]; error?: string } {
  let error: string | undefined;
  try {
    build();
  } catch (e) {
    error = (e as Error).message;
  }
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-'))
    .map((w) => String(w.entry.data).replace(/ \[ack: [^\]]*\]$/, '')).sort();
  return { warnings, error };
}

/** What `publishFindings` makes of the findings: the warnings' texts, and the first error as the refusal it throws. */
function asPublished(findings: RuleFinding[]): { warnings: string[]; error?: string } {
  const first = findings.findIndex((f) => f.level === 'error');
  const shown = first < 0 ? findings : findings.slice(0, first); // nothing after the refusal is published
  const wa = (id: string) => rule(id).wellArchitected.join(', ');
  const e = first < 0 ? undefined : findings[first];
  return {
    warnings: asWarnings(shown),
    error: e && `${e.ruleId}: ${e.message}${e.fix !== undefined ? `. Fix: ${e.fix} (${wa(e.ruleId)})` : ''}`,
  };
}

/** The rule ids and levels of findings (which reader's words aside). */
function idsAndLevels(findings: RuleFinding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.level}`).sort();
}

function isolatedVpc(stack: Stack): ec2.IVpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

const NOTEBOOK_CASES: [string, Partial<SustainableNotebookInstanceProps>][] = [
  ['defaults', {}],
  ['idle shutdown off', { stopWhenIdle: false }],
  ['direct internet access', { directInternetAccess: true }],
  ['root access', { rootAccess: true }],
  ['previous-generation type', { instanceType: 'ml.m4.xlarge' }],
  ['accelerated type', { instanceType: 'ml.g5.xlarge' }],
  ['large previous-generation GPU type, idle shutdown off, root access', { instanceType: 'ml.p3.8xlarge', stopWhenIdle: false, rootAccess: true }],
  ['a type the API does not list for notebooks (refused)', { instanceType: 'ml.t3.meduim' }],
];

describe('SustainableNotebookInstance publishes what the notebook predicates find on its CfnNotebookInstance', () => {
  test.each(NOTEBOOK_CASES)('%s', (name, props) => {
    const stack = newTestStack();
    const vpc = isolatedVpc(stack);
    const published = publishedBy(stack, () => new SustainableNotebookInstance(stack, 'Nb', { vpc, ...props }));
    // the rendered resource is in the tree even when the construct refused it
    const cfn = stack.node.findChild('Nb').node.findChild('Resource') as sagemaker.CfnNotebookInstance;
    const idle = stack.node.findChild('Nb').node.tryFindChild('IdleShutdown') as NotebookIdleShutdown | undefined;
    const context = { lifecycleScripts: idle ? [idle.onStartScript] : undefined };
    const terms = propTerms({
      InstanceType: 'instanceType',
      LifecycleConfigName: { prop: 'stopWhenIdle', value: props.stopWhenIdle ?? true },
      DirectInternetAccess: { prop: 'directInternetAccess', value: props.directInternetAccess ?? false },
      RootAccess: { prop: 'rootAccess', value: props.rootAccess ?? false },
    });
    const found = notebookInstanceFindings(renderedProperties(cfn), terms, context);
    expect(published).toEqual(asPublished(found));
    // the pack, in the API's words, finds the same rules at the same levels on the same resource
    expect(idsAndLevels(findingsFor(cfn, stackIndex(cfn)))).toEqual(idsAndLevels(found));
    if (name !== 'defaults') expect(found.length).toBeGreaterThan(0);
  });
});

describe('NotebookIdleShutdown publishes what the lifecycle predicate finds on its on-start script', () => {
  test.each([['defaults', {}], ['connections keep the instance up', { ignoreConnections: false }]] as const)('%s', (name, props) => {
    const stack = newTestStack();
    const published = publishedBy(stack, () => new NotebookIdleShutdown(stack, 'Idle', props));
    const idle = stack.node.findChild('Idle') as NotebookIdleShutdown;
    const found = notebookLifecycleFindings({ OnStart: [{ Content: idle.onStartScript }] }, propTerms({ [IGNORE_CONNECTIONS]: 'ignoreConnections' }));
    expect(published).toEqual(asPublished(found));
    const cfn = idle.node.defaultChild as sagemaker.CfnNotebookInstanceLifecycleConfig;
    expect(idsAndLevels(findingsFor(cfn, stackIndex(cfn)))).toEqual(idsAndLevels(found));
    if (name !== 'defaults') expect(found.length).toBeGreaterThan(0);
  });
});

describe('StudioIdleShutdown publishes what the Studio predicates find on the settings it merged', () => {
  const OFF = { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED' } } };
  const ROLE = 'arn:aws:iam::123456789012:role/sm';
  const appTerms = (block: string) => propTerms({
    [`${block}.JupyterLabAppSettings`]: `${block}.jupyterLabAppSettings`,
    [`${block}.CodeEditorAppSettings`]: `${block}.codeEditorAppSettings`,
  });
  const leftUnchanged = (w: string) => w.replace(/ \(MLSUS03-BP01, SUS02-BP05\)$/, '; left unchanged (overrideExisting: false) (MLSUS03-BP01, SUS02-BP05)');

  test.each([
    ['no idle settings', {}],
    ['JupyterLab DISABLED', { jupyterLabAppSettings: OFF }],
    ['JupyterLab and Code Editor DISABLED', { jupyterLabAppSettings: OFF, codeEditorAppSettings: OFF }],
  ])('domain: %s', (name, settings) => {
    const stack = newTestStack();
    const domain = new sagemaker.CfnDomain(stack, 'D', {
      authMode: 'IAM', domainName: 'd', vpcId: 'vpc-1', subnetIds: ['subnet-1'], defaultUserSettings: { executionRole: ROLE, ...settings } as any,
    });
    const published = publishedBy(stack, () => new StudioIdleShutdown().applyTo(domain));
    const found = domainShutsDownIdleApps(renderedProperties(domain), appTerms('DefaultUserSettings'));
    expect(published.warnings).toEqual(asPublished(found).warnings.map(leftUnchanged));
    expect(idsAndLevels(findingsFor(domain, stackIndex(domain)))).toEqual(idsAndLevels(found));
    if (name !== 'no idle settings') expect(found.length).toBeGreaterThan(0);
  });

  test('user profile: JupyterLab DISABLED', () => {
    const stack = newTestStack();
    const profile = new sagemaker.CfnUserProfile(stack, 'U', { domainId: 'd-1', userProfileName: 'u', userSettings: { jupyterLabAppSettings: OFF } as any });
    const published = publishedBy(stack, () => new StudioIdleShutdown().applyTo(profile));
    const found = userProfileKeepsIdleShutdown(renderedProperties(profile), appTerms('UserSettings'));
    expect(found).toHaveLength(1);
    expect(published.warnings).toEqual(asPublished(found).warnings.map(leftUnchanged));
    expect(idsAndLevels(findingsFor(profile, stackIndex(profile)))).toEqual(idsAndLevels(found));
  });
});

describe('TrainingPipeline publishes what the pipeline-definition predicates find on its definition', () => {
  const CASES: [string, Partial<TrainingPipelineProps>][] = [
    ['defaults', {}],
    ['caching off', { cacheSteps: false }],
    ['larger and previous-generation choices', { allowedInstanceTypes: [TrainingInstance.of('ml.m5.large'), TrainingInstance.of('ml.g5.xlarge'), TrainingInstance.of('ml.p3.2xlarge')] }],
    ['a cache shorter than a minute (refused)', { cacheExpireAfter: Duration.seconds(30) }],
  ];
  test.each(CASES)('%s', (name, props) => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
    const before = publishedBy(stack, () => undefined).warnings;
    const published = publishedBy(stack, () => new TrainingPipeline(stack, 'Pipe', { trainingJob, ...props }));
    const pipeline = stack.node.findChild('Pipe') as TrainingPipeline;
    const found = pipelineDefinitionFindings(pipeline.definition, propTerms({
      'Parameters[InstanceType].EnumValues': 'allowedInstanceTypes',
      'CacheConfig': 'cacheSteps',
      'CacheConfig.ExpireAfter': { prop: 'cacheExpireAfter', value: props.cacheExpireAfter ?? Duration.days(30) },
    }));
    expect({ ...published, warnings: published.warnings.filter((w) => !before.includes(w)) }).toEqual(asPublished(found));
    if (name !== 'defaults') expect(found.length).toBeGreaterThan(0);
    if (!published.error) {
      // the pack reads the synthesized body and finds the same rules at the same levels
      const cfn = pipeline.pipeline;
      const pack = findingsFor(cfn, stackIndex(cfn)).filter((f) => ['SML-START-SMALL', 'SML-SILICON', 'SML-CACHE'].includes(f.ruleId));
      expect(idsAndLevels(pack)).toEqual(idsAndLevels(found));
    }
  });
});
