/**
 * Stacks that use every construct of the library, with the options that add IAM statements (VPC, KMS keys,
 * multi-instance, Debugger stop actions, tuning, pipelines, notebook instances, Studio, log retention, the guard),
 * for tests that check every policy the library creates.
 */
import { App, Aspects, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import {
  CarbonIntensitySource, DebuggerRule, HyperparameterRange, InitialModel, InputChannel, MlArtifactsBucket, NotebookIdleShutdown, Objective,
  SageMakerLogGroup, SageMakerLogRetention, StudioIdleShutdown, SustainableNotebookInstance, SustainableTrainingJob,
  SustainableTuningJob, TrainingImage, TrainingInstance, TrainingJobGuard, TrainingPipeline, TrainingWorkflow,
} from '../../lib';
import { buildExampleApp } from '../../bin/example';
import { newTestApp } from './app';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');

/** One stack with every construct and the options that widen their policies. */
export class EveryConstructStack extends Stack {
  constructor(scope: App, id: string) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true });
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const artifacts = new MlArtifactsBucket(this, 'Artifacts', { encryptionKey: key });
    const data = new s3.Bucket(this, 'Data', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
    const objective = Objective.maximize('validation:auc', 'auc=([0-9.]+)', { target: 0.9 });

    new SageMakerLogRetention(this, 'Logs', { logGroups: [...SageMakerLogGroup.defaults(), SageMakerLogGroup.COMPILATION_JOBS] });
    new TrainingJobGuard(this, 'Guard');
    new TrainingJobGuard(this, 'DryGuard', { dryRun: true, stopOnRuleFindings: true });

    const distributed = new SustainableTrainingJob(this, 'Distributed', {
      image: IMAGE, jobNamePrefix: 'dist', instanceType: TrainingInstance.M5_XLARGE, instanceCount: 2,
      artifactsBucket: artifacts, encryptionKey: key, vpc,
      inputs: [InputChannel.fromBucket('train', data, 'train/')],
      initialModel: InitialModel.fromBucket(artifacts.bucket, 'models/base/output/model.tar.gz'),
      objective,
    });
    new TrainingWorkflow(this, 'Workflow', { trainingJob: distributed });
    new TrainingPipeline(this, 'Pipeline', { trainingJob: distributed });
    // Carbon-aware start from a Lambda source (the example app covers the HTTP source and CarbonAwareSchedule).
    const gridIntensity = lambda.Function.fromFunctionArn(this, 'GridIntensity', 'arn:aws:lambda:us-west-2:123456789012:function:grid-intensity');
    new TrainingWorkflow(this, 'CarbonAwareWorkflow', {
      trainingJob: distributed,
      carbonAwareStart: { source: CarbonIntensitySource.fromFunction(gridIntensity), threshold: 200, maxDelay: Duration.hours(4) },
    });

    const onDemand = new SustainableTrainingJob(this, 'OnDemand', {
      image: IMAGE, jobNamePrefix: 'ondemand', spot: false, bucket: data, encryptionKey: key, objective,
      debuggerRules: [DebuggerRule.builtIn('LossNotDecreasing', { stopTraining: true })],
    });
    const tuning = new SustainableTuningJob(this, 'Tuning', {
      trainingJob: new SustainableTrainingJob(this, 'Tuned', { image: IMAGE, jobNamePrefix: 'tuned', objective, artifactsBucket: artifacts }),
      jobNamePrefix: 'tuned-hpo',
      ranges: [HyperparameterRange.continuous('eta', 0.01, 0.3)],
    });
    new TrainingWorkflow(this, 'TuningWorkflow', { tuningJob: tuning, baseline: onDemand });
    new TrainingPipeline(this, 'TuningPipeline', { tuningJob: tuning });

    new SustainableNotebookInstance(this, 'Notebook', { vpc });
    new SustainableNotebookInstance(this, 'NotebookOwnKey', { vpc, encryptionKey: key, idleShutdown: new NotebookIdleShutdown(this, 'SharedIdle') });
    const studioRole = new iam.Role(this, 'StudioRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    new sagemaker.CfnDomain(this, 'Studio', {
      domainName: 'every', authMode: 'IAM', vpcId: vpc.vpcId, subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId),
      defaultUserSettings: { executionRole: studioRole.roleArn },
    });
    Aspects.of(this).add(new StudioIdleShutdown({ idleTimeout: Duration.hours(2) }));
    // The options above are chosen to widen the policies; their warnings are expected here.
    for (const id of ['SML-GUARD', 'SML-START-SMALL', 'SML-SPOT', 'SML-ARTIFACTS']) {
      Validations.of(this).acknowledge({ id: `Annotation::cdk-sustainable-ml:${id}`, reason: 'This test stack turns defaults off on purpose to reach every IAM statement the library can create.' });
    }
  }
}

/** The example app's stacks (agnostic and concrete) and a stack with every construct. */
export function everyPolicyStacks(): Stack[] {
  const agnostic = newTestApp();
  const concrete = newTestApp();
  return [
    ...buildExampleApp(agnostic),
    ...buildExampleApp(concrete, { account: '111111111111', region: 'eu-west-1' }),
    new EveryConstructStack(agnostic, 'EveryConstruct'),
  ];
}
