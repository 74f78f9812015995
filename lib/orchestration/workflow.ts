import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from '../private/acknowledge';
import { refuse } from '../private/messages';
import { SustainableTrainingJob } from '../training/training-job';
import { stepFunctionsNaming } from '../training/private/naming';

/** Properties of a `TrainingWorkflow`. */
export interface TrainingWorkflowProps {
  /** The training job each execution runs. */
  readonly trainingJob: SustainableTrainingJob;
  /**
   * Retention of the state machine's execution log (SML-LOGS).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Bring your own log group for execution logs (its retention is yours to bound).
   * @default - a new log group under /aws/vendedlogs/states/ with `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * Execution timeout.
   * @default - the job's MaxWait (or MaxRuntime without spot) plus one hour for provisioning and upload
   */
  readonly timeout?: Duration;
  /**
   * State machine name.
   * @default - generated
   */
  readonly stateMachineName?: string;
}

/**
 * A Standard Step Functions workflow that runs a SustainableTrainingJob with `createTrainingJob.sync`
 * (SML-MANAGED): nothing stays up between runs. Each execution names its job `<prefix>-<uuid>`; the task's
 * parameters are the job's own rendered CreateTrainingJob request.
 */
export class TrainingWorkflow extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The execution log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The training job. */
  public readonly trainingJob: SustainableTrainingJob;

  constructor(scope: Construct, id: string, props: TrainingWorkflowProps) {
    super(scope, id);
    this.trainingJob = props.trainingJob;
    const job = props.trainingJob;
    const longest = job.maxWait ?? job.maxRuntime;
    const timeout = props.timeout ?? Duration.seconds(longest.toSeconds() + 3600);
    if (timeout.toSeconds() < longest.toSeconds()) {
      refuse('SML-MAXRUN', {
        prop: 'timeout',
        value: timeout,
        problem: `is shorter than the job's ${job.maxWait ? 'maxWait' : 'maxRuntime'} (${longest.toHumanString()}), so executions would end while the job still runs`,
        fix: 'leave timeout unset (derived from the job) or make it longer',
      });
    }

    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${id}-${this.node.addr.slice(0, 8)}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const name = new sfn.Pass(this, 'Name run', {
      comment: 'One unique training job name per execution',
      parameters: { 'jobName.$': `States.Format('${job.jobNamePrefix}-{}', States.UUID())` },
      resultPath: '$.run',
    });
    const train = new sfn.CustomState(this, 'Train', {
      stateJson: {
        Type: 'Task',
        Comment: `CreateTrainingJob.sync: ${job.appliedRules.join(', ')}`,
        Resource: `arn:${Stack.of(this).partition}:states:::sagemaker:createTrainingJob.sync`,
        Parameters: job._renderWith(stepFunctionsNaming('$.run.jobName')),
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
    const failed = new sfn.Fail(this, 'Training failed', {
      error: 'TrainingFailed',
      causePath: '$.error.Cause',
    });
    train.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const done = new sfn.Succeed(this, 'Done');

    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(name.next(train).next(done)),
      timeout,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `Sustainable training workflow for ${job.jobNamePrefix}`,
    });
    this.grantTrainingJob(job);

    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF2',
      reason: 'X-Ray tracing adds nothing to a workflow that waits on one SageMaker job; execution history and the ALL-level log show every step.',
    });
    acknowledgeWildcards(this, [
      { finding: /^Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:training-job\/[a-z0-9-]+-\*$/, reason: 'Each execution names its training job <prefix>-<uuid>, so the SageMaker permissions cover that prefix only.' },
      { finding: /^Resource::\*$/, reason: 'The CloudWatch Logs delivery actions Step Functions needs for execution logging support no resource-level permissions.' },
    ]);
  }

  private grantTrainingJob(job: SustainableTrainingJob): void {
    const stack = Stack.of(this);
    const jobArn = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${job.jobNamePrefix.toLowerCase()}-*` });
    const role = this.stateMachine.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
      resources: [jobArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForSageMakerTrainingJobsRule', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [job.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
  }
}
