/**
 * The workflows the synth-overhead benchmark compares, one stack each, with the same resources: a bucket, a
 * SageMaker execution role with its policy, a bounded execution log group, and a Standard state machine (with its
 * role and policy) whose Task runs a managed-spot `createTrainingJob.sync` with checkpoints and MaxRuntime/MaxWait.
 *
 * - `handWrittenWorkflow`: what a careful user writes with aws-cdk-lib alone. aws-cdk-lib's
 *   `SageMakerCreateTrainingJob` task has no managed-spot, checkpoint or MaxWait props, so the spot task is an
 *   `sfn.CustomState` with the request written out; the bucket, role grants, log group and state-machine grants
 *   mirror the library's output.
 * - `handWrittenNagCleanWorkflow`: the same, plus the cdk-nag AwsSolutions acknowledgements (one
 *   `Validations.acknowledge` per finding, as the library records them) that make it pass the pack as the library's
 *   does.
 * - `libraryWorkflow`: MlArtifactsBucket + SustainableTrainingJob + TrainingWorkflow with their defaults.
 */
import { App, ArnFormat, CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as lib from '../lib';

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1';

/** Each workflow's job-name prefix: its stack id in lower case (the library refuses two definitions with one prefix). */
function jobNamePrefix(stackId: string): string {
  return stackId.toLowerCase();
}

/** How many cdk-nag acknowledgements each workflow records (the library's and the nag-clean hand-written one). */
export const NAG_ACKNOWLEDGEMENTS = 10;

export function libraryWorkflow(app: App, id: string): Stack {
  return libraryWorkflowOf(lib)(app, id);
}

/**
 * The library workflow built from a given copy of the library (its `lib/index`), so that another checkout (the
 * baseline of a before/after comparison) runs in the same process against the same aws-cdk-lib.
 */
export function libraryWorkflowOf(l: Pick<typeof lib, 'MlArtifactsBucket' | 'SustainableTrainingJob' | 'TrainingImage' | 'TrainingWorkflow'>) {
  return (app: App, id: string): Stack => {
    const stack = new Stack(app, id);
    const artifacts = new l.MlArtifactsBucket(stack, 'Artifacts');
    const job = new l.SustainableTrainingJob(stack, 'Job', { image: l.TrainingImage.fromUri(IMAGE), artifactsBucket: artifacts, jobNamePrefix: jobNamePrefix(id) });
    new l.TrainingWorkflow(stack, 'Workflow', { trainingJob: job });
    return stack;
  };
}

export function handWrittenWorkflow(app: App, id: string): Stack {
  return handWritten(app, id, false);
}

export function handWrittenNagCleanWorkflow(app: App, id: string): Stack {
  return handWritten(app, id, true);
}

function handWritten(app: App, id: string, nagClean: boolean): Stack {
  const stack = new Stack(app, id);
  const prefix = jobNamePrefix(id);
  const scratch = (prefix: string): s3.LifecycleRule => ({
    id: `expire-${prefix}`, prefix: `${prefix}/`, expiration: Duration.days(30),
    noncurrentVersionExpiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1),
  });
  const bucket = new s3.Bucket(stack, 'Artifacts', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [scratch('checkpoints'), scratch('debug'), scratch('tmp'), { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) }],
  });

  const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: `Execution role of training jobs ${prefix}*` });
  const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/TrainingJobs', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], resources: [`${logGroupArn}:*`] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:log-stream:*`] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' } },
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
    resources: ['arn:aws:ecr:us-east-1:123456789012:repository/train'],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [bucket.arnForObjects('models/*'), bucket.arnForObjects('debug/*')],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: [bucket.arnForObjects(`checkpoints/${prefix}/*`)],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': ['debug/*', `checkpoints/${prefix}/*`] } },
  }));

  const logGroup = new logs.LogGroup(stack, 'Logs', {
    logGroupName: `/aws/vendedlogs/states/${id}-workflow`, retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY,
  });
  const s3Uri = (prefix: string) => `s3://${bucket.bucketName}/${prefix}`;
  const name = new sfn.Pass(stack, 'Name run', {
    parameters: { 'jobName.$': `States.Format('${prefix}-{}', States.UUID())` },
    resultPath: '$.run',
  });
  const train = new sfn.CustomState(stack, 'Train', {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${stack.partition}:states:::sagemaker:createTrainingJob.sync`,
      Parameters: {
        'TrainingJobName.$': '$.run.jobName',
        RoleArn: role.roleArn,
        AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: s3Uri('models/') },
        ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 28800, MaxWaitTimeInSeconds: 57600 },
        EnableManagedSpotTraining: true,
        CheckpointConfig: { 'S3Uri.$': `States.Format('${s3Uri(`checkpoints/${prefix}/`)}{}/', $.run.jobName)`, LocalPath: '/opt/ml/checkpoints/' },
        RetryStrategy: { MaximumRetryAttempts: 2 },
        EnableNetworkIsolation: false,
        EnableInterContainerTrafficEncryption: false,
        ProfilerConfig: { S3OutputPath: s3Uri('debug/'), DisableProfiler: true },
        Tags: [{ Key: 'sustainable-ml:guard', Value: 'enabled' }],
      },
      ResultSelector: {
        'TrainingJobName.$': '$.TrainingJobName',
        'TrainingJobStatus.$': '$.TrainingJobStatus',
        'FinalMetricDataList.$': '$.FinalMetricDataList',
        'BillableTimeInSeconds.$': '$.BillableTimeInSeconds',
        'TrainingTimeInSeconds.$': '$.TrainingTimeInSeconds',
        'ModelArtifacts.$': '$.ModelArtifacts',
      },
      ResultPath: '$.training',
    },
  });
  train.addCatch(new sfn.Fail(stack, 'Training failed', { error: 'TrainingFailed', causePath: '$.error.Cause' }), { errors: ['States.ALL'], resultPath: '$.error' });
  train.next(new sfn.Succeed(stack, 'Done'));
  const machine = new sfn.StateMachine(stack, 'Workflow', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(name.next(train)),
    timeout: Duration.seconds(57600 + 3600),
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  machine.addToRolePolicy(new iam.PolicyStatement({
    actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
    resources: [stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${prefix}-*` })],
  }));
  machine.addToRolePolicy(new iam.PolicyStatement({
    actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
    resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForSageMakerTrainingJobsRule', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
  }));
  machine.addToRolePolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'], resources: [role.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));

  if (nagClean) {
    const arn = (service: string, resource: string) => `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
    const bucketArn = `<${stack.getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>`;
    const iam5 = (finding: string) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: 'Wildcards the job and the workflow need (benchmark).' });
    for (const ack of [
      iam5('Resource::*'),
      iam5(`Resource::${arn('logs', 'log-group:/aws/sagemaker/TrainingJobs:*')}`),
      iam5(`Resource::${arn('logs', 'log-group:/aws/sagemaker/TrainingJobs:log-stream:*')}`),
      iam5(`Resource::${bucketArn}/models/*`),
      iam5(`Resource::${bucketArn}/debug/*`),
      iam5(`Resource::${bucketArn}/checkpoints/${prefix}/*`),
    ]) Validations.of(role.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge(ack);
    for (const ack of [iam5('Resource::*'), iam5(`Resource::${arn('sagemaker', `training-job/${prefix}-*`)}`)]) {
      Validations.of(machine.role.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge(ack);
    }
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'No server access logs (benchmark).' });
    Validations.of(machine).acknowledge({ id: 'AwsSolutions-SF2', reason: 'No X-Ray tracing (benchmark).' });
  }
  return stack;
}
