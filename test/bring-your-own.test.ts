/**
 * Bring your own key, VPC and bucket (issue 7): the README's recipe synthesizes, passes cdk-nag AwsSolutions with
 * zero unacknowledged findings (every acknowledgement with a reason), and renders valid requests.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newTestApp } from './support/app';
import { BringYourOwnStack } from './support/byo-app';
import { expectValidCreateTrainingJob } from './support/requests';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const SOURCE = fs.readFileSync(path.join(__dirname, 'support', 'byo-app.ts'), 'utf8');

/** The lines between the markers, without the common indentation. */
function recipe(): string {
  const body = SOURCE.split('// README:begin bring-your-own\n')[1].split('    // README:end bring-your-own')[0];
  return body.split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n').trim();
}

describe('bring your own key, VPC and bucket', () => {
  test.each([
    ['environment-agnostic', undefined],
    ['concrete environment', { account: '111111111111', region: 'eu-west-1' }],
  ])('%s: cdk-nag AwsSolutions finds nothing unacknowledged', (_n, env) => {
    const stack = new BringYourOwnStack(newTestApp(), 'Byo', { env });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v: any) => `${v.ruleName} ${v.violatingResources.map((r: any) => `${r.constructPath} ${r.locations?.join(' ') ?? ''}`).join(', ')}`)).toEqual([]);
  });

  test('with built-in CloudFormation validation on, every acknowledgement carries a reason', () => {
    const app = newTestApp({ validate: true });
    const stack = new BringYourOwnStack(app, 'Byo');
    app.synth();
    const acks = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) for (const [id, reason] of Object.entries(a)) expect(`${id}: ${reason}`).toMatch(/: .{30,}$/);
  });

  test('the requests are valid and use the key for the volume and the output', () => {
    const stack = new BringYourOwnStack(newTestApp(), 'Byo');
    for (const job of [stack.job, stack.distributedJob]) {
      const resolved = stack.resolve(job.renderRequest());
      // subnet and group ids are deploy-time values; the model checks their length, so give them a real id's shape
      resolved.VpcConfig.Subnets = resolved.VpcConfig.Subnets.map((_s: unknown, i: number) => `subnet-0123456789abcdef${i}`);
      resolved.VpcConfig.SecurityGroupIds = resolved.VpcConfig.SecurityGroupIds.map((_s: unknown, i: number) => `sg-0123456789abcdef${i}`);
      const request = expectValidCreateTrainingJob(job, resolved);
      expect(request.ResourceConfig.VolumeKmsKeyId).toEqual(request.OutputDataConfig.KmsKeyId);
      expect(request.VpcConfig.SecurityGroupIds).toHaveLength(1);
    }
  });

  test('the README shows exactly this recipe', () => {
    expect(README).toContain(recipe());
  });
});
