/**
 * The example app's stacks, shared by `bin/app.ts` (cdk synth) and the tests (test/app.test.ts).
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  InitialModel, InputChannel, MlArtifactsBucket, Objective, SageMakerLogRetention, SustainableTrainingJob, TrainingJobGuard,
  TrainingImage, TrainingWorkflow,
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
  }
}

/** Add the example stacks to an app. */
export function buildExampleApp(app: App): Stack[] {
  return [new SustainableMlExampleStack(app, 'SustainableMlExample')];
}
