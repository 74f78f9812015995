import { Aspects, IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

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
 */
export function acknowledgeWildcards(scope: IConstruct, expected: ExpectedWildcard[]): void {
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (!(node instanceof iam.CfnPolicy)) return;
      const doc = Stack.of(node).resolve(node.policyDocument) as { Statement?: any[] };
      for (const finding of wildcardFindings(doc)) {
        const match = expected.find((e) => e.finding.test(finding));
        if (match) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: match.reason });
      }
    },
  };
  Aspects.of(scope).add(aspect);
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
