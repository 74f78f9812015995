import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from '../private/acknowledge';
import { refuse } from '../private/messages';

/** The network props of a TrainingJobGuard (see TrainingJobGuardProps). */
export interface GuardNetworkOptions {
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly vpcEndpoints?: boolean;
}

/** The AWS APIs the guard function calls, by interface endpoint. */
const GUARD_ENDPOINTS: [string, ec2.InterfaceVpcEndpointAwsService][] = [
  ['SageMakerApiEndpoint', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API], // Search, ListTrainingJobs, ListTags, DescribeTrainingJob, StopTrainingJob
  ['CloudWatchMonitoringEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING], // GetMetricData
];

/**
 * The guard function in a customer-managed VPC (an opt-in, e.g. for AWS Control Tower's CT.LAMBDA.PR.3): the
 * function's VPC props, the network-interface permissions Lambda needs on the guard's role, and, with
 * `vpcEndpoints`, interface endpoints for the APIs the guard calls.
 */
export function guardNetwork(scope: Construct, role: iam.IRole, options: GuardNetworkOptions): GuardNetwork {
  const { vpc, vpcSubnets, securityGroups } = options;
  if (!vpc) {
    for (const [prop, value] of [['vpcSubnets', vpcSubnets], ['securityGroups', securityGroups], ['vpcEndpoints', options.vpcEndpoints]] as const) {
      if (value !== undefined) refuse('SML-GUARD', { prop, value, problem: 'places the guard in a VPC, and vpc is not given', fix: `give vpc too, or remove ${prop}` });
    }
    return { functionProps: {} };
  }
  // Lambda creates and manages the function's network interfaces with the execution role: ec2:CreateNetworkInterface,
  // ec2:DescribeNetworkInterfaces (only on "*"), ec2:DescribeSubnets, ec2:DeleteNetworkInterface,
  // ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses (AWS Lambda Developer Guide, "Giving Lambda functions
  // access to resources in an Amazon VPC", configuration-vpc.html#configuration-vpc-permissions; the same actions as
  // the managed policy AWSLambdaVPCAccessExecutionRole, which the guard does not attach).
  const policy = new iam.Policy(scope, 'VpcAccess', {
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    })],
  });
  acknowledgeWildcards(policy, [{
    finding: /^Resource::\*$/,
    reason: 'The network-interface actions Lambda performs for a function in a VPC: the interfaces do not exist at deploy time, and ec2:DescribeNetworkInterfaces is allowed only on "*" (Lambda Developer Guide, configuration-vpc).',
  }]);
  if (options.vpcEndpoints) {
    for (const [id, service] of GUARD_ENDPOINTS) {
      const endpoint = new ec2.InterfaceVpcEndpoint(scope, id, { vpc, service, subnets: vpcSubnets, privateDnsEnabled: true });
      Validations.of(endpoint).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: "The endpoint's security group admits HTTPS from the VPC's own CIDR only; cdk-nag cannot resolve the CIDR intrinsic.",
      });
    }
  }
  return { functionProps: { vpc, vpcSubnets, securityGroups }, policy };
}

/** What `guardNetwork` gives the guard function. */
export interface GuardNetwork {
  /** The function's VPC props (none without a VPC). */
  readonly functionProps: { vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection; securityGroups?: ec2.ISecurityGroup[] };
  /** The network-interface policy: the function must wait for it (CreateFunction checks the role's EC2 permissions). */
  readonly policy?: iam.Policy;
}
