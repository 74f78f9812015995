import { Aspects, IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** The acknowledgements already recorded per policy (the policies are visited more than once). */
const acknowledged = new WeakMap<IConstruct, Set<string>>();

/** One expected wildcard in a policy and why it is there. */
export interface ExpectedWildcard {
  /** Matches the finding text after `AwsSolutions-IAM5[`, e.g. /^Resource::<.*\.Arn>\/models\/\*$/. */
  readonly finding: RegExp;
  /** Why the wildcard is needed. */
  readonly reason: string;
}

/**
 * Acknowledge the cdk-nag `AwsSolutions-IAM5` findings of the IAM policies under `scope` that match an expected
 * wildcard, each with its reason. Findings that match none stay unacknowledged, so an unexpected wildcard still
 * shows. Finding ids follow cdk-nag's form (`Action::x:*`, `Resource::<Logical.Arn>/prefix/*`).
 *
 * The policies are read twice: now (so `validateScope()` on a stack that was never synthesized sees the
 * acknowledgements) and again at synthesis through an Aspect (for statements added later). A read resolves only what
 * the findings depend on (the actions and resources of Allow statements), and the second read happens only when the
 * policy's statements changed since the first.
 */
export function acknowledgeWildcards(scope: IConstruct, expected: ExpectedWildcard[]): void {
  // The rendering (statements as written, tokens unresolved) this call last read per policy.
  const read = new WeakMap<IConstruct, string>();
  const visit = (node: IConstruct) => {
    if (!(node instanceof iam.CfnPolicy)) return;
    const { key, doc } = readPolicy(node, read.get(node));
    if (!doc) return;
    if (key !== undefined) read.set(node, key);
    const done = acknowledged.get(node) ?? new Set<string>();
    acknowledged.set(node, done);
    for (const finding of wildcardFindings(doc)) {
      const id = `AwsSolutions-IAM5[${finding}]`;
      const match = expected.find((e) => e.finding.test(finding));
      if (match && !done.has(id)) {
        Validations.of(node).acknowledge({ id, reason: match.reason });
        done.add(id);
      }
    }
  };
  scope.node.findAll().forEach(visit);
  const aspect: IAspect = { visit };
  Aspects.of(scope).add(aspect);
}

/**
 * The resolved actions and resources of a policy's Allow statements (all that `wildcardFindings` reads), or no
 * `doc` when the policy's rendering is still `lastKey`. An `iam.PolicyDocument` is rendered (cheap) and only that
 * projection is resolved: resolving the whole document would also merge, sort and deduplicate its statements, which
 * changes no action or resource string, and would freeze its statements. Any other document (raw JSON on an L1) is
 * resolved whole, every time.
 */
function readPolicy(node: iam.CfnPolicy, lastKey: string | undefined): { key?: string; doc?: { Statement?: any[] } } {
  const document = node.policyDocument;
  if (!(document instanceof iam.PolicyDocument)) return { doc: Stack.of(node).resolve(document) };
  const rendered = document.toJSON() as { Statement?: any[] } | undefined;
  const key = JSON.stringify(rendered ?? {});
  if (key === lastKey) return { key };
  const allow = (rendered?.Statement ?? []).filter((st) => st.Effect === 'Allow').map((st) => ({ Effect: 'Allow', Action: st.Action, Resource: st.Resource }));
  return { key, doc: Stack.of(node).resolve({ Statement: allow }) };
}

function wildcardFindings(doc: { Statement?: any[] }): string[] {
  const out = new Set<string>();
  for (const st of doc.Statement ?? []) {
    if (st.Effect !== 'Allow') continue;
    for (const a of [st.Action].flat()) if (typeof a === 'string' && a.includes('*')) out.add(`Action::${a}`);
    for (const r of [st.Resource].flat()) {
      const flat = flatten(r);
      if (flat.includes('*')) out.add(`Resource::${flat}`);
    }
  }
  return [...out];
}

/** cdk-nag's flattening of CloudFormation references (`<Logical.Attr>`, `<Ref>`, joins). */
function flatten(node: any): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (node['Fn::Join']) return (node['Fn::Join'][1] as any[]).map(flatten).join(node['Fn::Join'][0]);
  if (node['Fn::Sub']) return flatten(node['Fn::Sub']);
  if (node['Fn::GetAtt']) return `<${flatten(node['Fn::GetAtt'][0])}.${flatten(node['Fn::GetAtt'][1])}>`;
  if (node['Fn::ImportValue']) return flatten(node['Fn::ImportValue']);
  if (node.Ref) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * A regular-expression source matching an ARN as cdk-nag prints it, in environment-agnostic stacks
 * (`arn:<AWS::Partition>:svc:<AWS::Region>:<AWS::AccountId>:…`) and in stacks with a concrete environment.
 * `resource` is a regular-expression source for the part after the account.
 */
export function nagArn(service: string, resource: string): string {
  return `arn:(<AWS::Partition>|aws[a-z-]*):${service}:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\\d{12}):${resource}`;
}
