/**
 * One predicate, two uses: the warnings a construct publishes for SML-SPOT, SML-CKPT, SML-HPO-STRATEGY (Random),
 * SML-HPO-PARALLEL and SML-HPO-EARLYSTOP are exactly what the predicates say about the request the construct renders,
 * which is what SustainableMlChecks reports on any app. Likewise for the rules that moved out of SustainableTrainingJob's
 * constructor (SML-START-SMALL, SML-SILICON, SML-ACCEPT, SML-GUARD, SML-COMPILE, SML-MANAGED, SML-REUSE): its
 * warnings, info notes and refusal, errors included; and the notebook, lifecycle, Studio and pipeline-definition
 * predicates (SML-IDLE-NOTEBOOK, SML-IDLE-STUDIO, SML-START-SMALL, SML-SILICON, SML-CACHE): warnings and refusals.
 */
import { CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import {
  DebuggerRule, HyperparameterRange, InputChannel, NotebookIdleShutdown, Objective, ScalingType, StudioIdleShutdown, SustainableNotebookInstance,
  SustainableNotebookInstanceProps, SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob, SustainableTuningJobProps, TrainingImage,
  TrainingInstance, TrainingPipeline, TrainingPipelineProps, TuningStrategy, WarmStart, WarmStartType,
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
import { trainingJobDefinesMetricsOnce, trainingJobMetricsCaptureAValue, tuningJobCompletes } from '../../lib/rules/accept';
import * as checks from '../../lib/rules/checks';
import { trainingJobCompilesWhereSupported } from '../../lib/rules/compile';
import { trainingJobIsWatched, trainingJobRuleConfigurationsWork } from '../../lib/rules/guard';
import { tuningJobSearchSpace, tuningJobTrainingJobCount } from '../../lib/rules/hpo-space';
import { tuningJobHyperband, tuningJobRandomSeed } from '../../lib/rules/hpo-strategy';
import { tuningJobWarmStart } from '../../lib/rules/hpo-warmstart';
import { trainingJobValuesFitTheApi } from '../../lib/rules/managed';
import { trainingJobIsBounded, tuningJobIsBounded } from '../../lib/rules/maxrun';
import { trainingJobNamesChannelsOnce } from '../../lib/rules/reuse';
import { CheckContext, propTerms, RuleFinding, Terms } from '../../lib/rules/rule';
import { trainingJobFitsItsSilicon } from '../../lib/rules/silicon';
import { trainingJobUsesSpot } from '../../lib/rules/spot';
import { trainingJobStartsSmall } from '../../lib/rules/start-small';
import { newTestStack } from '../support/app';

// The constructs' calls of the tuning and training predicates, caught on their way (the real functions run).
jest.mock('../../lib/rules/checks', () => {
  const actual = jest.requireActual('../../lib/rules/checks');
  return { ...actual, tuningJobFindings: jest.fn(actual.tuningJobFindings), trainingJobFindings: jest.fn(actual.trainingJobFindings) };
});

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

/**
 * Build a SustainableTuningJob and catch what it hands its predicates: the request it rendered, the terms (its props'
 * names) and the context facts. `error` is the message it threw, if any.
 */
function tuningWithTerms(build: () => SustainableTuningJob) {
  const spy = checks.tuningJobFindings as jest.MockedFunction<typeof checks.tuningJobFindings>;
  spy.mockClear();
  let tuningJob: SustainableTuningJob | undefined;
  let error: string | undefined;
  try {
    tuningJob = build();
  } catch (e) {
    error = (e as Error).message;
  }
  const calls = [...spy.mock.calls];
  expect(calls).toHaveLength(1);
  const [request, terms, definitions, context] = calls[0] as [Record<string, any>, Terms, boolean, CheckContext];
  return { tuningJob, error, request, terms, definitions, context };
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
  const { tuningJob, terms } = tuningWithTerms(() => new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: RANGES, ...tuningProps }));
  const training = trainingJob.renderRequest();
  const tuning = tuningJob!.renderRequest();
  const fromPredicates = asWarnings([
    ...trainingJobUsesSpot(training),
    ...trainingJobCheckpointsWithSpot(training),
    ...tuningJobStrategy(tuning, terms),
    ...tuningJobRunsOneAtATime(tuning, terms),
    ...tuningJobStopsEarly(tuning, terms),
  ]);
  expect(published(stack)).toEqual(fromPredicates);
  if (name !== 'defaults') expect(fromPredicates.length).toBeGreaterThan(0);
});

/**
 * SustainableTuningJob: every check of its rendered CreateHyperParameterTuningJob request is a predicate in lib/rules.
 * For each case, the construct publishes exactly what those predicates, called one by one on the request it rendered
 * (with its props' names), find: the same warnings, the same deploy-time notes, and as its refusal the first error.
 */
describe('SustainableTuningJob publishes exactly what its predicates find on its rendered request, errors included', () => {
  const PREDICATES = [
    tuningJobSearchSpace, tuningJobStrategy, tuningJobStopsEarly, tuningJobHyperband, tuningJobTrainingJobCount,
    tuningJobRunsOneAtATime, tuningJobIsBounded, tuningJobCompletes, tuningJobRandomSeed, tuningJobWarmStart,
  ];
  const TUNING_RULES = ['SML-HPO-SPACE', 'SML-HPO-STRATEGY', 'SML-HPO-EARLYSTOP', 'SML-HPO-PARALLEL', 'SML-HPO-WARMSTART', 'SML-MAXRUN', 'SML-ACCEPT'];
  const GRID = [HyperparameterRange.categorical('booster', ['gbtree', 'dart']), HyperparameterRange.categorical('depth', ['3', '5', '7'])];
  const NO_TARGET = Objective.maximize('validation:auc', 'auc=([0-9.]+)');
  const token = (stack: Stack, id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

  test('the construct runs the predicates in the order of TUNING_JOB_CHECKS, not the training predicates on its definition', () => {
    expect(checks.TUNING_JOB_CHECKS).toEqual(PREDICATES);
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
    const { definitions, request, tuningJob } = tuningWithTerms(() => new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: RANGES }));
    expect(definitions).toBe(false);
    expect(request).toEqual(tuningJob!.renderRequest());
  });

  const CASES_T: [string, Partial<SustainableTuningJobProps>, Partial<SustainableTrainingJobProps>, 'warns' | 'refuses' | 'passes'][] = [
    ['defaults', {}, {}, 'passes'],
    ['random search, 4 parallel jobs, early stopping off', { strategy: TuningStrategy.RANDOM, maxParallelTrainingJobs: 4, earlyStopping: false }, {}, 'warns'],
    ['grid search, allowed', { strategy: TuningStrategy.GRID, allowGridSearch: true, ranges: GRID }, {}, 'warns'],
    ['6 ranges, one wide on linear scaling', { ranges: [HyperparameterRange.continuous('eta', 0.001, 0.5, { scaling: ScalingType.LINEAR }), ...'bcdef'.split('').map((n) => HyperparameterRange.continuous(n, 0.1, 0.9))] }, {}, 'warns'],
    ['every completion criterion off', { completeOnTarget: false, completeWhenNotImproving: false, completeOnConvergence: false }, {}, 'warns'],
    ['an objective without a target', {}, { objective: NO_TARGET }, 'warns'],
    ['Hyperband with its bounds', { strategy: TuningStrategy.hyperband({ minResource: 1, maxResource: 20 }) }, {}, 'passes'],
    ['a warm start from named parents', { warmStart: WarmStart.fromParentNames(['churn-1', 'churn-2'], WarmStartType.TRANSFER_LEARNING) }, {}, 'passes'],
    ['no range', { ranges: [] }, {}, 'refuses'],
    ['31 ranges', { ranges: Array.from({ length: 31 }, (_, i) => HyperparameterRange.continuous(`h${i}`, 0.1, 0.9)) }, {}, 'refuses'],
    ['a hyperparameter ranged twice', { ranges: [RANGES[0], RANGES[0]] }, {}, 'refuses'],
    ['a range that is also a static hyperparameter', { ranges: [HyperparameterRange.integer('num_round', 10, 200)] }, { hyperparameters: { num_round: '100' } }, 'refuses'],
    ['grid search, not allowed', { strategy: TuningStrategy.GRID, ranges: GRID }, {}, 'refuses'],
    ['grid search over a numeric range', { strategy: TuningStrategy.GRID, allowGridSearch: true }, {}, 'refuses'],
    ['grid search of 900 combinations', { strategy: TuningStrategy.GRID, allowGridSearch: true, ranges: ['a', 'b'].map((n) => HyperparameterRange.categorical(n, Array.from({ length: 30 }, (_, i) => `v${i}`))) }, {}, 'refuses'],
    ['grid search with another maxTrainingJobs', { strategy: TuningStrategy.GRID, allowGridSearch: true, ranges: GRID, maxTrainingJobs: 5 }, {}, 'refuses'],
    ['Hyperband with early stopping forced on', { strategy: TuningStrategy.hyperband({ maxResource: 20 }), earlyStopping: true }, {}, 'refuses'],
    ['Hyperband without a MaxResource', { strategy: TuningStrategy.HYPERBAND }, {}, 'refuses'],
    ['Hyperband bounds out of order', { strategy: TuningStrategy.hyperband({ minResource: 30, maxResource: 20 }) }, {}, 'refuses'],
    ['Hyperband maxResource over 20,000', { strategy: TuningStrategy.hyperband({ maxResource: 30000 }) }, {}, 'refuses'],
    ['751 training jobs', { maxTrainingJobs: 751 }, {}, 'refuses'],
    ['no parallel job slot', { maxParallelTrainingJobs: 0 }, {}, 'refuses'],
    ['more parallel jobs than jobs', { maxParallelTrainingJobs: 4, maxTrainingJobs: 3 }, {}, 'refuses'],
    ['a tuning run of 1 minute', { maxRuntime: Duration.seconds(60) }, {}, 'refuses'],
    ['a tuning run shorter than one training job', { maxRuntime: Duration.hours(4) }, {}, 'refuses'],
    ['2 jobs without improvement', { maxJobsNotImproving: 2 }, {}, 'refuses'],
    ['a negative random seed', { randomSeed: -1 }, {}, 'refuses'],
    ['a warm start of a Hyperband search', { strategy: TuningStrategy.hyperband({ maxResource: 20 }), warmStart: WarmStart.fromParentNames(['churn-1'], WarmStartType.TRANSFER_LEARNING) }, {}, 'refuses'],
  ];

  test.each(CASES_T)('%s', (_name, tuningProps, jobProps, outcome) => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE, ...jobProps });
    const { error, request, terms, context } = tuningWithTerms(() => new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: RANGES, ...tuningProps }));
    const findings = PREDICATES.flatMap((p) => p(request, terms, context));
    const firstError = findings.find((f) => f.level === 'error');
    if (outcome === 'refuses') {
      expect(firstError).toBeDefined();
      expect(error).toBe(`${firstError!.ruleId}: ${firstError!.message}. Fix: ${firstError!.fix} (${rule(firstError!.ruleId).wellArchitected.join(', ')})`);
      return;
    }
    expect(error).toBeUndefined();
    expect(firstError).toBeUndefined();
    const mine = Match.stringLikeRegexp(`^(${TUNING_RULES.join('|')}):`);
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Tune', mine).map((w) => String(w.entry.data).replace(/ \[ack: [^\]]*\]$/, '')).sort();
    expect(warnings).toEqual(asWarnings(findings));
    expect(warnings.length > 0).toBe(outcome === 'warns');
  });

  test('deploy-time values: the construct notes exactly the checks its predicates defer', () => {
    const stack = newTestStack();
    const trainingJob = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE });
    const { error, request, terms, context } = tuningWithTerms(() => new SustainableTuningJob(stack, 'Tune', {
      trainingJob,
      ranges: [HyperparameterRange.continuous('eta', token(stack, 'Lo'), 0.3)],
      strategy: TuningStrategy.hyperband({ minResource: token(stack, 'Min'), maxResource: 50 }),
      maxTrainingJobs: token(stack, 'Jobs'),
      maxParallelTrainingJobs: token(stack, 'Parallel'),
      maxRuntime: Duration.seconds(token(stack, 'Runtime')),
      maxJobsNotImproving: token(stack, 'NotImproving'),
      randomSeed: token(stack, 'Seed'),
    }));
    expect(error).toBeUndefined();
    const deferred = PREDICATES.flatMap((p) => p(request, terms, context)).filter((f) => f.level === 'unknown')
      .map((f) => `${f.ruleId}: ${f.field} is a token (a deploy-time value), so ${f.message}`).sort();
    expect(deferred).toHaveLength(7);
    const notes = Annotations.fromStack(stack).findInfo('/TestStack/Tune', Match.stringLikeRegexp('^SML-')).map((i) => String(i.entry.data)).sort();
    expect(notes).toEqual(deferred);
  });
});

// --- SustainableTrainingJob: the rules that moved from its constructor into predicates -------------------------------

/** The moved predicates, in the list's order, and the rule ids they speak for. */
const MOVED = [
  trainingJobStartsSmall, trainingJobDefinesMetricsOnce, trainingJobMetricsCaptureAValue, trainingJobRuleConfigurationsWork, trainingJobFitsItsSilicon,
  trainingJobIsWatched, trainingJobCompilesWhereSupported, trainingJobValuesFitTheApi, trainingJobNamesChannelsOnce,
];
const MOVED_RULES = ['SML-START-SMALL', 'SML-ACCEPT', 'SML-GUARD', 'SML-SILICON', 'SML-COMPILE', 'SML-MANAGED', 'SML-REUSE'];
const NEURON_IMAGE = TrainingImage.fromUri('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:2.1.2-neuronx-py310-sdk2.20.2-ubuntu20.04');

/** What a construct publishes for the moved rules: warnings and info notes (from metadata: a refused job cannot synth), and its refusal. */
interface Published {
  readonly warnings: string[];
  readonly infos: string[];
  readonly error?: string;
}

function movedRulesPublished(stack: Stack, error: string | undefined): Published {
  const entries = stack.node.findAll().flatMap((c) => c.node.metadata)
    .filter((m) => MOVED_RULES.some((id) => String(m.data).startsWith(`${id}:`)));
  const of = (type: string) => entries.filter((m) => m.type === type).map((m) => String(m.data).replace(/ \[ack: [^\]]*\]$/, '')).sort();
  return { warnings: of('aws:cdk:warning'), infos: of('aws:cdk:info'), error };
}

/** What publishFindings makes of the predicates' findings: warnings and notes up to the first error, which is thrown. */
function publishedFrom(findings: RuleFinding[]): Published {
  const firstError = findings.findIndex((f) => f.level === 'error');
  const before = firstError < 0 ? findings : findings.slice(0, firstError);
  const wa = (f: RuleFinding) => rule(f.ruleId).wellArchitected.join(', ');
  const e = firstError < 0 ? undefined : findings[firstError];
  return {
    warnings: before.filter((f) => f.level === 'warning').map((f) => `${f.ruleId}: ${f.message} (${wa(f)})`).sort(),
    infos: before.filter((f) => f.level === 'unknown').map((f) => `${f.ruleId}: ${f.field} is a token (a deploy-time value), so ${f.message}`).sort(),
    error: e && `${e.ruleId}: ${e.message}${e.fix !== undefined ? `. Fix: ${e.fix} (${wa(e)})` : ''}`,
  };
}

const JOB_CASES: [string, (stack: Stack) => Partial<SustainableTrainingJobProps>][] = [
  ['defaults', () => ({})],
  ['two instances (SML-START-SMALL warning)', () => ({ instanceCount: 2 })],
  ['two instances without inter-container encryption', () => ({ instanceCount: 2, interContainerEncryption: false })],
  ['no instance (SML-START-SMALL refusal)', () => ({ instanceCount: 0 })],
  ['a fractional instance count', () => ({ instanceCount: 1.5 })],
  ['a deploy-time instance count (info note)', (s) => ({ instanceCount: new CfnParameter(s, 'Count', { type: 'Number' }).valueAsNumber })],
  ['a 0 GiB volume', () => ({ volumeSize: Size.gibibytes(0) })],
  ['a 20 TiB volume', () => ({ volumeSize: Size.tebibytes(20) })],
  ['a deploy-time volume (info note)', (s) => ({ volumeSize: Size.gibibytes(new CfnParameter(s, 'Volume', { type: 'Number' }).valueAsNumber) })],
  ['a previous-generation instance', () => ({ instanceType: TrainingInstance.of('ml.p3.2xlarge') })],
  ['Trainium with a non-Neuron image', () => ({ instanceType: TrainingInstance.TRN1_2XLARGE })],
  ['a Neuron image on a GPU instance', () => ({ image: NEURON_IMAGE, instanceType: TrainingInstance.G5_XLARGE })],
  ['a profiler rule on Trainium', () => ({ image: NEURON_IMAGE, instanceType: TrainingInstance.TRN1_2XLARGE, debuggerRules: [DebuggerRule.profiler('CPUBottleneck')] })],
  ['a GPU profiler rule on a CPU instance', () => ({ debuggerRules: [DebuggerRule.profiler('LowGPUUtilization')] })],
  ['a GPU profiler rule on a GPU instance (Debugger-closed warning)', () => ({ instanceType: TrainingInstance.G5_XLARGE, debuggerRules: [DebuggerRule.profiler('LowGPUUtilization')] })],
  ['two Debugger rules of one name', () => ({ spot: false, debuggerRules: [DebuggerRule.builtIn('Overfit'), DebuggerRule.builtIn('Overfit')] })],
  ['21 debug rules', () => ({ spot: false, debuggerRules: Array.from({ length: 21 }, (_, i) => DebuggerRule.builtIn('Overfit', { name: `overfit-${i}` })) })],
  ['StopTraining with spot', () => ({ debuggerRules: [DebuggerRule.builtIn('Overfit', { stopTraining: true })] })],
  ['StopTraining with network isolation', () => ({ spot: false, networkIsolation: true, debuggerRules: [DebuggerRule.builtIn('Overfit', { stopTraining: true })] })],
  ['StopTraining on demand (Debugger-closed warning)', () => ({ spot: false, debuggerRules: [DebuggerRule.builtIn('Overfit', { stopTraining: true })] })],
  ['guard off', () => ({ guard: false })],
  ['Training Compiler on ml.g5', () => ({ instanceType: TrainingInstance.G5_XLARGE, trainingCompiler: true })],
  ['Training Compiler on ml.m5', () => ({ trainingCompiler: true })],
  ['Training Compiler on Trainium', () => ({ image: NEURON_IMAGE, instanceType: TrainingInstance.TRN1_2XLARGE, trainingCompiler: true })],
  ['a metric defined twice', () => ({ metricDefinitions: [{ name: 'validation:auc', regex: 'auc=(.*)' }] })],
  ['a metric without a capture group', () => ({ metricDefinitions: [{ name: 'train:loss', regex: 'loss=[0-9.]+' }] })],
  ['a channel name used twice', () => ({ inputs: [InputChannel.fromS3Uri('train', 's3://b/x/'), InputChannel.fromS3Uri('train', 's3://b/y/')] })],
  ['a hyperparameter value over 2,500 characters', () => ({ hyperparameters: { config: 'x'.repeat(2501) } })],
  ['101 hyperparameters', () => ({ hyperparameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${i}`, '1'])) })],
  ['an environment variable name with a hyphen', () => ({ environment: { 'LOG-LEVEL': 'debug' } })],
];

describe('SustainableTrainingJob publishes exactly what the moved predicates find on its rendered request', () => {
  const recorder = checks.trainingJobFindings as jest.Mock;

  test.each(JOB_CASES)('%s', (name, props) => {
    const stack = newTestStack();
    recorder.mockClear();
    let error: string | undefined;
    let job: SustainableTrainingJob | undefined;
    try {
      job = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', objective: OBJECTIVE, ...props(stack) });
    } catch (e) {
      error = (e as Error).message;
    }
    // the construct ran the list once, on the request it renders (a refused job renders it too, then throws)
    expect(recorder).toHaveBeenCalledTimes(1);
    const [request, terms, context] = recorder.mock.calls[0] as [Record<string, unknown>, Terms, CheckContext];
    if (job) expect(request).toEqual(job.renderRequest());
    const fromPredicates = publishedFrom(MOVED.flatMap((p) => p(request, terms, context)));
    expect(movedRulesPublished(stack, error)).toEqual(fromPredicates);
    // not vacuous: every case but the defaults publishes something for a moved rule
    if (name !== 'defaults') expect([...fromPredicates.warnings, ...fromPredicates.infos, ...(fromPredicates.error ? [fromPredicates.error] : [])]).not.toHaveLength(0);
  });
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

test('one finding, two readers: the construct names the props, the pack the API fields (the README example)', () => {
  const stack = newTestStack();
  expect(() => new SustainableTrainingJob(stack, 'Job', { image: IMAGE, jobNamePrefix: 'churn', maxRuntime: Duration.hours(2), maxWait: Duration.hours(1) }))
    .toThrow('SML-MAXRUN: maxWait 1 hour: is shorter than maxRuntime (2 hours); the API requires MaxWaitTimeInSeconds ≥ MaxRuntimeInSeconds. '
      + 'Fix: set maxWait to at least 2 hours (the default is 2 × maxRuntime) (SUS02-BP03)');
  const [f] = trainingJobIsBounded({ EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 3600 } });
  expect(f.message).toBe('StoppingCondition.MaxWaitTimeInSeconds 1 hour: is shorter than StoppingCondition.MaxRuntimeInSeconds (2 hours); the API requires MaxWaitTimeInSeconds ≥ MaxRuntimeInSeconds');
});
