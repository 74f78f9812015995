/**
 * Every `logs:` action in every IAM policy the library creates names a resource in the form CloudWatch Logs
 * authorizes (the issue-7 deploy blocker: retention actions granted on `…:log-group:NAME` are denied):
 * - log-group actions: `arn:…:log-group:NAME:*` ("Use this version [with the trailing :*] to refer to the ARN in IAM
 *   policies when specifying permissions for most API actions. The exception is … TagResource, UntagResource, and
 *   ListTagsForResource", CloudWatch Logs API Reference, LogGroup `arn`; Amazon CloudWatch Logs User Guide,
 *   iam-access-control-overview-cwl.html);
 * - log-stream actions (CreateLogStream, PutLogEvents, …): `arn:…:log-group:NAME:log-stream:STREAM`, or the group's
 *   `arn:…:log-group:NAME:*`, whose wildcard matches every stream ARN of that group;
 * - `*` only for actions that document no resource type (Service Authorization Reference, fixture in
 *   test/fixtures/aws-iam).
 */
import { authorization, managedPolicyAttachments, policyStatements } from './support/iam';
import { everyPolicyStacks } from './support/all-constructs';

/** An ARN prefix as flattened (`<AWS::Partition>` in agnostic stacks, `aws` in concrete ones). */
const ARN = 'arn:(<AWS::Partition>|aws[a-z-]*):logs:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\\d{12})';
/** A log group name: no colon, no wildcard, tokens (`<Logical.Attr>`) allowed. */
const NAME = '(?:[^:*<]|<[^>]+>)+';
const GROUP_ANY_ACTION = new RegExp(`^${ARN}:log-group:${NAME}:\\*$`);
const GROUP_TAGGING = new RegExp(`^${ARN}:log-group:${NAME}$`);
const STREAM = new RegExp(`^${ARN}:log-group:${NAME}:log-stream:.+$`);
const TAGGING = ['logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource'];

/** Why `resource` is not a form CloudWatch Logs authorizes for `action`, or undefined when it is. */
function wrongForm(action: string, resource: string): string | undefined {
  const types = authorization(action).resourceTypes.map((t) => t.name);
  if (types.length === 0) return resource === '*' ? undefined : `${action} documents no resource type: use *`;
  if (resource === '*') return `${action} documents resource types ${types.join(', ')}: name them instead of *`;
  const ok = (types.includes('log-stream') && (STREAM.test(resource) || GROUP_ANY_ACTION.test(resource)))
    || (types.includes('log-group') && (TAGGING.includes(action) ? GROUP_TAGGING : GROUP_ANY_ACTION).test(resource));
  return ok ? undefined : `${action} on ${resource}: expected ${types.map((t) => t === 'log-group' ? (TAGGING.includes(action) ? 'log-group:NAME' : 'log-group:NAME:*') : `${t} ARN`).join(' or ')}`;
}

const stacks = everyPolicyStacks();
const statements = policyStatements(stacks).filter((s) => s.effect === 'Allow' && s.actions.some((a) => a.startsWith('logs:')));

describe('CloudWatch Logs resources in every policy the library creates', () => {
  test('the stacks grant logs actions at all (the check below is not vacuous)', () => {
    const actions = new Set(statements.flatMap((s) => s.actions));
    expect([...actions]).toEqual(expect.arrayContaining(['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']));
  });

  test('every logs action names each resource in the form CloudWatch Logs authorizes for it', () => {
    const problems = statements.flatMap((s) => s.actions.filter((a) => a.startsWith('logs:'))
      .flatMap((a) => s.resources.map((r) => wrongForm(a, r)).filter((p) => p !== undefined).map((p) => `${s.where}: ${p}`)));
    expect([...new Set(problems)]).toEqual([]);
  });

  test('no role the library creates relies on an AWS managed policy for its logs (they grant on *)', () => {
    expect(managedPolicyAttachments(stacks)).toEqual([]);
  });

  test('the check rejects the forms CloudWatch Logs denies', () => {
    expect(wrongForm('logs:CreateLogGroup', 'arn:aws:logs:eu-west-1:111111111111:log-group:/aws/sagemaker/TrainingJobs')).toMatch(/expected log-group:NAME:\*/);
    expect(wrongForm('logs:PutRetentionPolicy', '*')).toMatch(/name them/);
    expect(wrongForm('logs:PutLogEvents', 'arn:aws:logs:eu-west-1:111111111111:log-group:/aws/sagemaker/TrainingJobs')).toMatch(/log-stream ARN/);
    expect(wrongForm('logs:CreateLogStream', 'arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/*:log-stream:*')).toMatch(/log-stream ARN/);
    expect(wrongForm('logs:CreateLogDelivery', 'arn:aws:logs:eu-west-1:111111111111:log-group:x:*')).toMatch(/use \*/);
    expect(wrongForm('logs:CreateLogGroup', 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:*')).toBeUndefined();
    expect(wrongForm('logs:CreateLogStream', 'arn:aws:logs:eu-west-1:111111111111:log-group:/aws/sagemaker/TrainingJobs:log-stream:*')).toBeUndefined();
  });
});
