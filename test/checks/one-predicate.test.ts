/**
 * One predicate, two uses: the warnings a construct publishes for SML-SPOT, SML-CKPT, SML-HPO-STRATEGY (Random),
 * SML-HPO-PARALLEL and SML-HPO-EARLYSTOP are exactly what the predicates say about the request the construct renders,
 * which is what SustainableMlChecks reports on any app. Likewise for the rules that moved out of SustainableTrainingJob's
 * constructor (SML-START-SMALL, SML-SILICON, SML-ACCEPT, SML-GUARD, SML-COMPILE, SML-MANAGED, SML-REUSE): its
 * warnings, info notes and refusal, errors included.
 */
import { CfnParameter, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  DebuggerRule, HyperparameterRange, InputChannel, Objective, SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob,
  SustainableTuningJobProps, TrainingImage, TrainingInstance, TuningStrategy,
} from '../../lib';
import * as checks from '../../lib/rules/checks';
import { trainingJobDefinesMetricsOnce } from '../../lib/rules/accept';
import { trainingJobCompilesWhereSupported } from '../../lib/rules/compile';
import { trainingJobIsWatched, trainingJobRuleConfigurationsWork } from '../../lib/rules/guard';
import { trainingJobValuesFitTheApi } from '../../lib/rules/managed';
import { trainingJobNamesChannelsOnce } from '../../lib/rules/reuse';
import { trainingJobFitsItsSilicon } from '../../lib/rules/silicon';
import { trainingJobStartsSmall } from '../../lib/rules/start-small';
import { rule } from '../../lib/rules';
import { trainingJobCheckpointsWithSpot } from '../../lib/rules/ckpt';
import { tuningJobStopsEarly } from '../../lib/rules/hpo-earlystop';
import { tuningJobRunsOneAtATime } from '../../lib/rules/hpo-parallel';
import { tuningJobStrategy } from '../../lib/rules/hpo-strategy';
import { CheckContext, RuleFinding, Terms } from '../../lib/rules/rule';
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

// --- SustainableTrainingJob: the rules that moved from its constructor into predicates -------------------------------

// Record what the construct hands to the predicate list: the request it rendered, its terms and its context.
jest.mock('../../lib/rules/checks', () => {
  const actual = jest.requireActual('../../lib/rules/checks');
  return { ...actual, trainingJobFindings: jest.fn(actual.trainingJobFindings) };
});

/** The moved predicates, in the list's order, and the rule ids they speak for. */
const MOVED = [
  trainingJobStartsSmall, trainingJobDefinesMetricsOnce, trainingJobRuleConfigurationsWork, trainingJobFitsItsSilicon,
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

function publishedBy(stack: Stack, error: string | undefined): Published {
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
    expect(publishedBy(stack, error)).toEqual(fromPredicates);
    // not vacuous: every case but the defaults publishes something for a moved rule
    if (name !== 'defaults') expect([...fromPredicates.warnings, ...fromPredicates.infos, ...(fromPredicates.error ? [fromPredicates.error] : [])]).not.toHaveLength(0);
  });
});
