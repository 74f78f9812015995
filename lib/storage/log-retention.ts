import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcards, nagArn } from '../private/acknowledge';
import { refuse } from '../private/messages';
import { checkLogRetention } from './log-defaults';

/** A log group SageMaker creates itself (with no expiry) on first use. */
export class SageMakerLogGroup {
  /** Training job logs. */
  public static readonly TRAINING_JOBS = new SageMakerLogGroup('/aws/sagemaker/TrainingJobs');
  /** Processing job logs. */
  public static readonly PROCESSING_JOBS = new SageMakerLogGroup('/aws/sagemaker/ProcessingJobs');
  /** Batch transform logs. */
  public static readonly TRANSFORM_JOBS = new SageMakerLogGroup('/aws/sagemaker/TransformJobs');
  /** Notebook instance logs (lifecycle scripts, jupyter.log). */
  public static readonly NOTEBOOK_INSTANCES = new SageMakerLogGroup('/aws/sagemaker/NotebookInstances');
  /** Studio logs. */
  public static readonly STUDIO = new SageMakerLogGroup('/aws/sagemaker/studio');
  /** Compilation job logs (SageMaker Neo). */
  public static readonly COMPILATION_JOBS = new SageMakerLogGroup('/aws/sagemaker/CompilationJobs');
  /** The log group of one endpoint. */
  public static endpoint(endpointName: string): SageMakerLogGroup {
    return new SageMakerLogGroup(`/aws/sagemaker/Endpoints/${endpointName}`);
  }
  /** Any other log group by name. */
  public static fromName(name: string): SageMakerLogGroup {
    return new SageMakerLogGroup(name);
  }
  /** The groups training platforms use: training, processing, transform, notebook instances, Studio. */
  public static defaults(): SageMakerLogGroup[] {
    return [this.TRAINING_JOBS, this.PROCESSING_JOBS, this.TRANSFORM_JOBS, this.NOTEBOOK_INSTANCES, this.STUDIO];
  }
  private constructor(
    /** Log group name. */
    public readonly logGroupName: string,
  ) {}
}

/** Properties of `SageMakerLogRetention`. */
export interface SageMakerLogRetentionProps {
  /**
   * Retention of every group (SML-LOGS). Never-expire (`RetentionDays.INFINITE`) is refused, as everywhere in the
   * library.
   * @default logs.RetentionDays.ONE_MONTH (DEFAULT_LOG_RETENTION)
   */
  readonly retention?: logs.RetentionDays;
  /**
   * The groups to bound.
   * @default SageMakerLogGroup.defaults()
   */
  readonly logGroups?: SageMakerLogGroup[];
}

/**
 * Bounded retention on the log groups SageMaker creates itself with no expiry (SML-LOGS). Uses
 * `logs.LogRetention`, which creates a group that does not exist yet and sets the policy on one that does
 * (declaring the group as `AWS::Logs::LogGroup` fails when SageMaker already created it). These groups are
 * per account and region: bound each one from one stack only.
 */
export class SageMakerLogRetention extends Construct {
  /** Retention in force. */
  public readonly retention: logs.RetentionDays;
  /** The names of the bounded groups. */
  public readonly logGroupNames: string[];

  constructor(scope: Construct, id: string, props: SageMakerLogRetentionProps = {}) {
    super(scope, id);
    this.retention = checkLogRetention(this, 'retention', props.retention);
    const groups = props.logGroups ?? SageMakerLogGroup.defaults();
    this.logGroupNames = groups.map((g) => g.logGroupName);
    const dup = this.logGroupNames.find((n, i) => this.logGroupNames.indexOf(n) !== i);
    if (dup) {
      refuse('SML-LOGS', { prop: 'logGroups', value: dup, problem: 'is listed twice', fix: 'list each log group once' });
    }

    const stack = Stack.of(this);
    const groupArn = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sets retention on the log groups SageMaker creates',
    });
    // Retention rights on the named groups only, none on /aws/lambda/* (they would let the role remove retention from
    // any Lambda log group). logs.LogRetention adds PutRetentionPolicy and DeleteRetentionPolicy on * itself, which
    // covers the one-day retention its provider sets on its own log group.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy'],
      resources: this.logGroupNames.map(groupArn),
    }));
    // The provider function's own logs in /aws/lambda/<name generated at deploy time>. CreateLogGroup stays: on
    // Create the provider calls CreateLogGroup on its own group (only ResourceAlreadyExists is tolerated, so a denial
    // fails the deployment), and Lambda needs it to deliver the function's logs.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup'],
      resources: [groupArn('/aws/lambda/*')],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${groupArn('/aws/lambda/*')}:log-stream:*`],
    }));
    groups.forEach((g, i) => {
      new logs.LogRetention(this, `Retention${i}`, { logGroupName: g.logGroupName, retention: this.retention, role });
    });
    acknowledgeWildcards(this, [
      {
        finding: /^Resource::\*$/,
        reason: 'logs.LogRetention itself adds logs:PutRetentionPolicy and logs:DeleteRetentionPolicy on * to its provider role; the statements above name the exact groups.',
      },
      {
        finding: new RegExp(`^Resource::${nagArn('logs', 'log-group:/aws/lambda/\\*(:log-stream:\\*)?')}$`),
        reason: 'The LogRetention provider function creates and writes its own log group /aws/lambda/<generated name> (CreateLogGroup, CreateLogStream, PutLogEvents only; no retention rights there), a name generated at deploy time.',
      },
    ]);
  }
}
