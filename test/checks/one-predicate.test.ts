/**
 * One predicate, two uses: the warnings a construct publishes for SML-SPOT, SML-CKPT, SML-HPO-STRATEGY (Random),
 * SML-HPO-PARALLEL and SML-HPO-EARLYSTOP are exactly what the predicates say about the request the construct renders,
 * which is what SustainableMlChecks reports on any app.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  HyperparameterRange, Objective, SustainableTrainingJob, SustainableTrainingJobProps, SustainableTuningJob, SustainableTuningJobProps,
  TrainingImage, TuningStrategy,
} from '../../lib';
import { rule } from '../../lib/rules';
import { trainingJobCheckpointsWithSpot } from '../../lib/rules/ckpt';
import { tuningJobStopsEarly } from '../../lib/rules/hpo-earlystop';
import { tuningJobRunsOneAtATime } from '../../lib/rules/hpo-parallel';
import { tuningJobStrategy } from '../../lib/rules/hpo-strategy';
import { RuleFinding } from '../../lib/rules/rule';
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
