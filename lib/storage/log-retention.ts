import { ArnFormat, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcards, nagArn } from '../private/acknowledge';
import { refuse, warn } from '../private/messages';
import { checkLogRetention, LOG_RETENTION_PROVIDER_ID } from './log-defaults';


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
   * @default - the app's context `cdk-sustainable-ml:logRetention` when set, else logs.RetentionDays.ONE_MONTH (DEFAULT_LOG_RETENTION)
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
    // CloudWatch Logs authorizes log-group actions on the ARN with the trailing ':*' ("Use this version to refer to the
    // ARN in IAM policies when specifying permissions for most API actions", CloudWatch Logs API Reference, LogGroup
    // `arn`; Amazon CloudWatch Logs User Guide, iam-access-control-overview-cwl.html). Without it the provider's
    // CreateLogGroup is denied and the stack rolls back on its first deploy.
    const groupBase = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const groupArn = (name: string) => `${groupBase(name)}:*`;
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sets retention on the log groups SageMaker creates',
    });
    // What the LogRetention handler calls on each named group (aws-cdk-lib custom-resource-handlers
    // aws-logs/log-retention-handler): CreateLogGroup (ResourceAlreadyExists tolerated), then PutRetentionPolicy.
    // DeleteRetentionPolicy is called only for a never-expiring retention, which SML-LOGS refuses.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
      resources: this.logGroupNames.map(groupArn),
    }));
    // LogRetention would add PutRetentionPolicy and DeleteRetentionPolicy on '*' to the role it is given (any group of
    // the account). It gets the role without policy updates; the statements here grant what its handler calls.
    const providerRole = role.withoutPolicyUpdates();
    const retentions = groups.map((g, i) => new logs.LogRetention(this, `Retention${i}`, { logGroupName: g.logGroupName, retention: this.retention, role: providerRole }));

    // The provider function's own log group, /aws/lambda/<its name>: on Create the handler calls CreateLogGroup on it
    // and PutRetentionPolicy (1 day); Lambda writes the function's logs there. Named exactly through the function's
    // Ref, in a policy of its own (the function depends on the role, this policy on the function).
    const provider = stack.node.tryFindChild(LOG_RETENTION_PROVIDER_ID) as (Construct & { role?: iam.IRole }) | undefined;
    const providerFunction = provider?.node.tryFindChild('Resource') as CfnResource | undefined;
    if (!provider || !providerFunction || provider.role !== providerRole) {
      warn(this, 'SML-LOGS', `the LogRetention provider function of this stack was created by another construct and runs with its role: that role needs logs:CreateLogGroup and logs:PutRetentionPolicy on ${this.logGroupNames.join(', ')}`);
    } else {
      const fnGroup = `/aws/lambda/${providerFunction.ref}`;
      const providerLogs = new iam.Policy(this, 'ProviderLogs', {
        roles: [role],
        statements: [
          new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], resources: [groupArn(fnGroup)] }),
          new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${groupBase(fnGroup)}:log-stream:*`] }),
        ],
      });
      // The custom resources run the handler: they wait for both policies.
      for (const r of retentions) r.node.addDependency(role, providerLogs);
      acknowledgeWildcards(providerLogs, [{
        finding: new RegExp(`^Resource::${nagArn('logs', `log-group:/aws/lambda/<${LOG_RETENTION_PROVIDER_ID}[A-F0-9]{8}>:(\\*|log-stream:\\*)`)}$`),
        reason: 'The LogRetention provider function\'s own log group, named exactly; \':*\' is the form CloudWatch Logs authorizes group actions on, and its streams are named by Lambda at run time.',
      }]);
    }
    acknowledgeWildcards(role, [{
      finding: new RegExp(`^Resource::${nagArn('logs', 'log-group:[A-Za-z0-9_./#-]+:\\*')}$`),
      reason: 'Each log group is named exactly; \':*\' is the ARN form CloudWatch Logs authorizes log-group actions on (CreateLogGroup, PutRetentionPolicy), not a wider scope.',
    }]);
  }
}
