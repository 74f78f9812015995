/**
 * The README's bring-your-own recipe as a test app: a job with its own KMS key, its own VPC and its own bucket. The
 * part between the README markers is copied verbatim into README.md ("Bring your own key, VPC and bucket"); a test
 * checks that the two agree and that the stack passes cdk-nag AwsSolutions with zero unacknowledged findings.
 */
import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { InputChannel, SustainableTrainingJob, TrainingImage, TrainingWorkflow } from '../../lib';

export class BringYourOwnStack extends Stack {
  public readonly job: SustainableTrainingJob;
  public readonly distributedJob: SustainableTrainingJob;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    // README:begin bring-your-own
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0, // no internet: S3 through a gateway endpoint
      subnetConfiguration: [{ name: 'training', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH })) } },
    });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const bucket = new s3.Bucket(this, 'Data', {
      encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true,
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, versioned: true,
    });
    // Your bucket, your lifecycle: expire checkpoints/, debug/ and tmp/, never models/ (SML-ARTIFACTS).
    for (const prefix of ['checkpoints/', 'debug/', 'tmp/']) bucket.addLifecycleRule({ prefix, expiration: Duration.days(30) });
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'Server access logs add storage of their own; object access is audited with CloudTrail data events.' });
    Validations.of(this).acknowledge({ id: 'Annotation::cdk-sustainable-ml:SML-ARTIFACTS', reason: 'This bucket expires checkpoints/, debug/ and tmp/ by its own lifecycle rules.' });

    const job = new SustainableTrainingJob(this, 'Job', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn-train:1.4.0'),
      jobNamePrefix: 'churn-byo',
      bucket, encryptionKey: key, vpc,
      inputs: [InputChannel.fromBucket('train', bucket, 'datasets/churn/train/')],
    });
    new TrainingWorkflow(this, 'Training', { trainingJob: job });
    // README:end bring-your-own
    this.job = job;

    // The same with two instances: the security group the library creates lets the instances talk to each other.
    this.distributedJob = new SustainableTrainingJob(this, 'DistributedJob', {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn-train:1.4.0'),
      jobNamePrefix: 'churn-byo-dist', bucket, encryptionKey: key, vpc, instanceCount: 2,
      inputs: [InputChannel.fromBucket('train', bucket, 'datasets/churn/train/')],
    });
    Validations.of(this.distributedJob).acknowledge({ id: 'Annotation::cdk-sustainable-ml:SML-START-SMALL', reason: 'Two instances on purpose: this job checks the rules between the instances of a distributed job.' });
  }
}
