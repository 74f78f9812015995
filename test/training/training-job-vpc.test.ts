/**
 * Distributed training in a VPC (issue 7). SageMaker requires traffic between the instances of one job: "configure a
 * rule for your security group that allows inbound connections between members of the same security group"
 * (SageMaker Developer Guide, "Give SageMaker Training Jobs Access to Resources in Your Amazon VPC", train-vpc.html),
 * and inter-container traffic encryption (on by default for multi-instance jobs) needs UDP 500 and ESP (IP protocol
 * 50) inbound and outbound within the group ("Protect Communications Between ML Compute Instances in a Distributed
 * Training Job", train-encrypt.html).
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SustainableTrainingJob, SustainableTrainingJobProps, TrainingImage } from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidCreateTrainingJob } from '../support/requests';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');

function make(props: Partial<SustainableTrainingJobProps>) {
  const stack = newTestStack();
  const vpc = new ec2.Vpc(stack, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const job = new SustainableTrainingJob(stack, 'Job', { image: IMAGE, vpc, ...props });
  const request = expectValidCreateTrainingJob(job, job.renderRequest());
  return { stack, job, request, vpc };
}

/** The job security group's rules as `in|out protocol from-to peer`. */
function rules(stack: Stack): string[] {
  const t = Template.fromStack(stack).toJSON().Resources;
  const [sgId] = Object.keys(t).filter((id) => t[id].Type === 'AWS::EC2::SecurityGroup' && id.startsWith('JobSecurityGroup'));
  const self = (ref: any) => JSON.stringify(ref) === JSON.stringify({ 'Fn::GetAtt': [sgId, 'GroupId'] });
  const peer = (r: any) => r.CidrIp ?? (self(r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId) ? 'self' : JSON.stringify(r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId));
  const out: string[] = [];
  for (const r of t[sgId].Properties.SecurityGroupIngress ?? []) out.push(`in ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${peer(r)}`);
  for (const r of t[sgId].Properties.SecurityGroupEgress ?? []) out.push(`out ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${peer(r)}`);
  for (const [, r] of Object.entries<any>(t)) {
    if (r.Type === 'AWS::EC2::SecurityGroupIngress' && self(r.Properties.GroupId)) out.push(`in ${r.Properties.IpProtocol} ${r.Properties.FromPort}-${r.Properties.ToPort} ${peer(r.Properties)}`);
    if (r.Type === 'AWS::EC2::SecurityGroupEgress' && self(r.Properties.GroupId)) out.push(`out ${r.Properties.IpProtocol} ${r.Properties.FromPort}-${r.Properties.ToPort} ${peer(r.Properties)}`);
  }
  return out.sort();
}

describe('the security group the library creates', () => {
  test('one instance: no inbound rule at all, all outbound', () => {
    const { stack } = make({});
    expect(rules(stack)).toEqual(['out -1 undefined-undefined 0.0.0.0/0']);
  });

  test('several instances: all traffic from the group itself (distributed training), UDP 500 and ESP 50 (inter-container encryption); outbound to the group covered by all-outbound', () => {
    const { stack, request } = make({ instanceCount: 2 });
    expect(request.EnableInterContainerTrafficEncryption).toBe(true);
    expect(rules(stack)).toEqual([
      'in -1 undefined-undefined self',
      'in 50 50-50 self',
      'in udp 500-500 self',
      'out -1 undefined-undefined 0.0.0.0/0',
    ]);
  });
});

describe('bring-your-own security groups', () => {
  const quiet = () => jest.spyOn(console, 'error').mockImplementation(() => undefined); // synth prints the warnings

  test('a multi-instance job with its own groups warns (the rules cannot be checked at synth); the groups are left untouched', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Own', { vpc });
    new SustainableTrainingJob(stack, 'Job', { image: IMAGE, vpc, securityGroups: [sg], instanceCount: 3 });
    const q = quiet();
    const found = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-START-SMALL: securityGroups'));
    q.mockRestore();
    expect(found.map((w) => w.entry.data)).toEqual([expect.stringMatching(/^SML-START-SMALL: securityGroups are your own and instanceCount is 3: .*all traffic from the group itself.*UDP 500 and ESP \(IP protocol 50\).*\[ack: cdk-sustainable-ml:SML-START-SMALL\]$/)]);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('a single-instance job with its own groups does not warn about them', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new SustainableTrainingJob(stack, 'Job', { image: IMAGE, vpc, securityGroups: [new ec2.SecurityGroup(stack, 'Own', { vpc })] });
    const q = quiet();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-START-SMALL: securityGroups'))).toEqual([]);
    q.mockRestore();
  });
});
