#!/usr/bin/env node
/**
 * The example app: a platform stack with an artifacts bucket and a training workflow whose job is sustainable by
 * default. `npm run synth` synthesizes it offline (no AWS account, no credentials) and prints the summary.
 */
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  formatSummary, InitialModel, InputChannel, MlArtifactsBucket, Objective, SustainableTrainingJob,
  TrainingImage, TrainingWorkflow,
} from '../lib';

/** Example: a churn model retrained from last month's model on a small CPU instance. */
export class SustainableMlExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const artifacts = new MlArtifactsBucket(this, 'Artifacts');

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

const app = new App();
new SustainableMlExampleStack(app, 'SustainableMlExample');
Validations.of(app).addPlugins(new AwsSolutionsChecks());
app.synth();
process.stderr.write(`\n${formatSummary(app)}\n`);
