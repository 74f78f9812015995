/**
 * The README's "One construct for a platform team" example as a test stack. The part between the README markers is
 * copied verbatim into README.md; test/platform/sustainable-ml-platform.test.ts checks that the two agree and that
 * the stack passes cdk-nag AwsSolutions and SustainableMlChecks with zero unacknowledged findings.
 */
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HyperparameterRange, Objective, SustainableMlPlatform, TrainingImage } from '../../lib';

export class PlatformExampleStack extends Stack {
  public readonly platform: SustainableMlPlatform;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    // README:begin platform
    const platform = new SustainableMlPlatform(this, 'MlPlatform');   // bucket, log retention, guard, checks, dashboard
    const auc = Objective.maximize('validation:auc', 'validation-auc:([0-9\\.]+)', { target: 0.85 });

    platform.addTrainingWorkflow('Churn', {
      trainingJob: { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/churn:1'), objective: auc },
    });
    platform.addTrainingWorkflow('Fraud', {
      trainingJob: { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/fraud:1'), objective: auc },
      tuning: { ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)] },
    });
    // README:end platform
    this.platform = platform;
  }
}
