import { CfnResource, Token } from 'aws-cdk-lib';

/**
 * The properties of an L1 resource as the rule predicates read them: CloudFormation's PascalCase keys, tokens left
 * unresolved. A construct judges the resource it just built with it (resolving would fail on cross-stack
 * references, assigned only when the app is prepared; the L1's own converter validates, and rejects unresolved
 * tokens). Each key of the L1 props becomes its CloudFormation name by capitalizing its first letter, which is how
 * aws-cdk-lib derives the props from the CloudFormation names, except for acronyms it lowercases (`volumeSizeInGb`
 * is `VolumeSizeInGB`): the predicates read none of those. Property overrides are not included.
 */
export function renderedProperties(resource: CfnResource): { [key: string]: any } {
  return pascalCase((resource as unknown as { cfnProperties: object }).cfnProperties ?? {});
}

function pascalCase(value: any): any {
  if (value === null || typeof value !== 'object' || Token.isUnresolved(value)) return value;
  if (Array.isArray(value)) return value.map(pascalCase);
  const out: { [key: string]: any } = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k.charAt(0).toUpperCase() + k.slice(1)] = pascalCase(v);
  }
  return out;
}
