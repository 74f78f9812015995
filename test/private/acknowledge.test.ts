import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeWildcards } from '../../lib/private/acknowledge';
import { newTestStack } from '../support/app';

const EXPECTED = [{ finding: /^Resource::arn:aws:s3:::expected\/\*$/, reason: 'Objects named at run time under one fixed prefix of one bucket.' }];

function roleWith(stack: Stack, resource: string): iam.Role {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [resource] }));
  return role;
}

const acknowledgedIds = (stack: Stack): string[] => stack.node.findAll().flatMap((c) => c.node.metadata
  .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
  .flatMap((m) => Object.keys(m.data as object)));
const iam5 = (stack: Stack): string[] => new AwsSolutionsChecks().validateScope(stack).violations
  .map((v: any) => v.ruleName).filter((r: string) => r.startsWith('AwsSolutions-IAM5'));

describe('acknowledgeWildcards', () => {
  test('acknowledges an expected wildcard at once, so cdk-nag before synthesis sees it', () => {
    const stack = newTestStack();
    acknowledgeWildcards(roleWith(stack, 'arn:aws:s3:::expected/*'), EXPECTED);
    expect(iam5(stack)).toEqual([]);
  });

  test('fails (the finding shows) when a wildcard matches no expected one', () => {
    const stack = newTestStack();
    acknowledgeWildcards(roleWith(stack, 'arn:aws:s3:::other/*'), EXPECTED);
    (stack.node.root as any).synth();
    expect(iam5(stack)).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::other/*]']);
  });

  test.each([
    ['a statement of its own', 's3:PutObject'],
    ['a statement the policy merges into the first one (same action: the statement count does not change)', 's3:GetObject'],
  ])('%s added after the call is read again at synthesis and its expected wildcard acknowledged', (_what, action) => {
    const stack = newTestStack();
    const role = roleWith(stack, 'arn:aws:s3:::fixed/key');
    acknowledgeWildcards(role, EXPECTED);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [action], resources: ['arn:aws:s3:::expected/*'] }));
    expect(iam5(stack)).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::expected/*]']);
    (stack.node.root as any).synth();
    expect(iam5(stack)).toEqual([]);
    expect(acknowledgedIds(stack)).toEqual([expect.stringMatching(/(^|::)AwsSolutions-IAM5\[Resource::arn:aws:s3:::expected\/\*\]$/)]);
  });

  test('resolves each policy once when nothing changed after the call (the synthesis pass skips it), twice otherwise', () => {
    const reads = (addLater: boolean): number => {
      const stack = newTestStack();
      const role = roleWith(stack, 'arn:aws:s3:::expected/*');
      const spy = jest.spyOn(stack, 'resolve');
      acknowledgeWildcards(role, EXPECTED);
      if (addLater) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::expected/*'] }));
      (stack.node.root as any).synth();
      // acknowledgeWildcards resolves the actions and resources of the Allow statements, and nothing else.
      const n = spy.mock.calls.filter(([v]) => Array.isArray(v?.Statement) && v.Statement.every((st: any) => Object.keys(st).join() === 'Effect,Action,Resource')).length;
      spy.mockRestore();
      return n;
    };
    expect(reads(false)).toBe(1);
    expect(reads(true)).toBe(2);
  });

  test('reading a policy does not freeze its statements (the template resolves them, once)', () => {
    const stack = newTestStack();
    const role = roleWith(stack, 'arn:aws:s3:::expected/*');
    const statement = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::expected/b/*'] });
    role.addToPrincipalPolicy(statement);
    acknowledgeWildcards(role, EXPECTED);
    expect(statement.frozen).toBe(false);
  });
});
