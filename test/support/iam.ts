import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import * as lib from '../../lib';
import * as fs from 'fs';
import * as path from 'path';

/** One Allow/Deny statement of a policy in a synthesized template, with its resources flattened to strings. */
export interface FoundStatement {
  /** `<stack>/<logical id>` of the policy (or role, for inline policies). */
  readonly where: string;
  readonly effect: string;
  readonly actions: string[];
  /** Resources flattened the way cdk-nag prints them (`<Logical.Arn>`, `<AWS::Region>`). */
  readonly resources: string[];
  readonly condition?: { [op: string]: { [key: string]: unknown } };
}

/**
 * cdk-nag's flattening of CloudFormation intrinsics into one string. With the template's resources, the `Arn` of an
 * `AWS::Logs::LogGroup` is spelled out as CloudFormation returns it (`arn:…:log-group:<name>:*`, AWS::Logs::LogGroup
 * return values in the CloudFormation User Guide), so checks can read its form.
 */
export function flatten(node: any, resources: { [id: string]: any } = {}): string {
  const f = (n: any) => flatten(n, resources);
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  if (node['Fn::Join']) return (node['Fn::Join'][1] as any[]).map(f).join(node['Fn::Join'][0]);
  if (node['Fn::Sub']) return f(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [id, attr] = node['Fn::GetAtt'];
    if (attr === 'Arn' && resources[id]?.Type === 'AWS::Logs::LogGroup') {
      return `arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${id}>:*`;
    }
    return `<${f(id)}.${f(attr)}>`;
  }
  if (node['Fn::ImportValue']) return f(node['Fn::ImportValue']);
  if (node['Fn::FindInMap']) return `<FindInMap ${node['Fn::FindInMap'].map(f).join(' ')}>`;
  if (node.Ref) return `<${f(node.Ref)}>`;
  return JSON.stringify(node);
}

const LIBRARY_CLASSES = Object.values(lib).filter((v): v is new (...args: any[]) => any => typeof v === 'function');

/** True when `c` or one of its ancestors is an instance of a class the library exports. */
function inLibraryConstruct(c: IConstruct): boolean {
  return c.node.scopes.some((s) => LIBRARY_CLASSES.some((k) => s instanceof k));
}

/** Logical ids of the resources of `stack` that constructs of the library create. */
export function libraryLogicalIds(stack: Stack): Set<string> {
  return new Set(stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack && inLibraryConstruct(c))
    .map((c) => stack.resolve(c.logicalId) as string));
}

/** The resources the library's constructs create in the stacks, with each stack's whole resource map. */
function libraryResources(stacks: Stack[]): { where: string; r: any; all: { [id: string]: any } }[] {
  return stacks.flatMap((stack) => {
    const all = Template.fromStack(stack).toJSON().Resources ?? {};
    const ours = libraryLogicalIds(stack);
    return Object.entries<any>(all).filter(([id]) => ours.has(id)).map(([id, r]) => ({ where: `${stack.stackName}/${id}`, r, all }));
  });
}

/**
 * Every statement of every IAM policy that the library's constructs create in the stacks: `AWS::IAM::Policy`,
 * `AWS::IAM::ManagedPolicy` and the inline `Policies` of `AWS::IAM::Role` (resources of the app's own constructs,
 * e.g. a VPC's custom resources, are left out).
 */
export function policyStatements(stacks: Stack[]): FoundStatement[] {
  return libraryResources(stacks).flatMap(({ where, r, all }) => {
    const docs: any[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) docs.push(p.PolicyDocument);
    return docs.flatMap((doc) => (doc.Statement ?? []).map((st: any) => ({
      where,
      effect: st.Effect,
      actions: [st.Action].flat().filter((a) => a !== undefined),
      resources: [st.Resource].flat().filter((x) => x !== undefined).map((x) => flatten(x, all)),
      condition: st.Condition,
    })));
  });
}

/** The AWS managed policies attached to the library's roles in the stacks, as `<stack>/<role> <policy>`. */
export function managedPolicyAttachments(stacks: Stack[]): string[] {
  return libraryResources(stacks).filter(({ r }) => r.Type === 'AWS::IAM::Role')
    .flatMap(({ where, r }) => (r.Properties.ManagedPolicyArns ?? []).map((arn: any) => `${where} ${flatten(arn)}`));
}

interface ActionAuthorization {
  readonly resourceTypes: { name: string; required: boolean }[];
  readonly conditionKeys: string[];
}

const SAR = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'aws-iam', 'service-authorization.json'), 'utf8'));

/** What the Service Authorization Reference documents for `service:Action` (fixture in test/fixtures/aws-iam). */
export function authorization(action: string): ActionAuthorization {
  const [service, name] = action.split(':');
  const a = SAR.services[service]?.actions[name];
  if (!a) throw new Error(`${action} is not in test/fixtures/aws-iam/service-authorization.json; add it from the Service Authorization Reference`);
  return a;
}
