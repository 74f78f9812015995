/**
 * The example app's stacks, shared by `bin/app.ts` (cdk synth) and the tests (test/app.test.ts).
 */
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  HyperparameterRange, InitialModel, InputChannel, MlArtifactsBucket, Objective, SageMakerLogRetention, SustainableTrainingJob,
  SustainableTuningJob, TrainingImage, TrainingJobGuard, TrainingPipeline, TrainingWorkflow, WarmStart,
} from '../lib';

/** Example: a churn model retrained from last month's model on a small CPU instance. */
export class SustainableMlExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const artifacts = new MlArtifactsBucket(this, 'Artifacts');
    new SageMakerLogRetention(this, 'SageMakerLogs');
    // Stops guarded jobs whose accelerators idle, whose objective stalls or that overfit (SML-GUARD).
    new TrainingJobGuard(this, 'Guard');

    const job = new SustainableTrainingJob(this, 'ChurnJob', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/churn-train:1.4.0'),
      artifactsBucket: artifacts,
      jobNamePrefix: 'churn-xgb',
      inputs: [
        InputChannel.fromBucket('train', artifacts.bucket, 'datasets/churn/train/'),
        InputChannel.fromBucket('validation', artifacts.bucket, 'datasets/churn/validation/'),
      ],
      initialModel: InitialModel.fromBucket(artifacts.bucket, 'models/churn-xgb-baseline/output/model.tar.gz'),
      objective: Objective.maximize('validation:auc', 'validation-auc:([0-9\\.]+)', { target: 0.85 }),
      hyperparameters: { num_round: '200', max_depth: '5' },
    });

    new TrainingWorkflow(this, 'ChurnTraining', { trainingJob: job });

    // A cheap baseline first (SML-BASELINE): when a linear model already reaches the target, nothing else runs.
    const baseline = new SustainableTrainingJob(this, 'ChurnBaseline', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/churn-linear:1.0.0'),
      artifactsBucket: artifacts,
      jobNamePrefix: 'churn-linear',
      inputs: [
        InputChannel.fromBucket('train', artifacts.bucket, 'datasets/churn/train/'),
        InputChannel.fromBucket('validation', artifacts.bucket, 'datasets/churn/validation/'),
      ],
      objective: Objective.maximize('validation:auc', 'validation-auc:([0-9\\.]+)'),
      maxRuntime: Duration.hours(1),
    });

    // Tuning that wastes nothing: Bayesian, one job at a time, early stopping, completion on the target, and each
    // run warm-started from the previous completed one (SML-HPO-*, SML-REUSE), after the baseline.
    const tuning = new SustainableTuningJob(this, 'ChurnTuning', {
      trainingJob: job,
      jobNamePrefix: 'churn-hpo',
      ranges: [
        HyperparameterRange.continuous('eta', 0.01, 0.3),
        HyperparameterRange.continuous('alpha', 0.001, 10), // four orders of magnitude: searched on a log scale
      ],
      warmStart: WarmStart.fromPreviousRun(),
    });
    new TrainingWorkflow(this, 'ChurnTuningWorkflow', { tuningJob: tuning, baseline });

    // The same definitions as a SageMaker pipeline: baseline → condition → training → acceptance gate.
    new TrainingPipeline(this, 'ChurnPipeline', { trainingJob: job, baseline, pipelineName: 'churn-training' });
  }
}

/** Add the example stacks to an app. */
export function buildExampleApp(app: App): Stack[] {
  return [new SustainableMlExampleStack(app, 'SustainableMlExample')];
}
