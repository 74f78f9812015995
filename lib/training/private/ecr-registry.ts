/**
 * Images AWS publishes in one ECR registry account per region (Deep Learning Containers, the Debugger rule
 * evaluator): the concrete URI when the stack has a region, a `CfnMapping` lookup in environment-agnostic stacks.
 */
import { Aws, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** A regional image resolved for a stack. */
export interface RegionalImage {
  /** The image URI (a token in environment-agnostic stacks). */
  readonly uri: string;
  /** The ARN of the image's repository (a token in environment-agnostic stacks). */
  readonly repositoryArn: string;
}

/** Where to find a regional image. */
export interface RegionalImageSpec {
  /** Id of the stack-level `CfnMapping` (one per registry table, shared by every image that uses the table). */
  readonly mappingId: string;
  /** Registry account per region. */
  readonly registries: { readonly [region: string]: string };
  /** ECR repository name. */
  readonly repository: string;
  /** Image tag. */
  readonly tag: string;
  /** Called (and must throw) when the stack's concrete region has no registry. */
  readonly onMissingRegion: (region: string) => never;
}

/** The partition of a concrete region. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** The URI and repository ARN of a regional image in `scope`'s stack. */
export function regionalImage(scope: Construct, spec: RegionalImageSpec): RegionalImage {
  const stack = Stack.of(scope);
  const suffix = `${spec.repository}:${spec.tag}`;
  if (!Token.isUnresolved(stack.region)) {
    const account = spec.registries[stack.region];
    if (!account) spec.onMissingRegion(stack.region);
    const dnsSuffix = stack.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return {
      uri: `${account}.dkr.ecr.${stack.region}.${dnsSuffix}/${suffix}`,
      repositoryArn: `arn:${partitionOf(stack.region)}:ecr:${stack.region}:${account}:repository/${spec.repository}`,
    };
  }
  // Environment-agnostic: a region without an entry fails at deploy in Fn::FindInMap, naming the region.
  const mapping =
    (stack.node.tryFindChild(spec.mappingId) as CfnMapping | undefined) ??
    new CfnMapping(stack, spec.mappingId, {
      mapping: Object.fromEntries(Object.entries(spec.registries).map(([region, account]) => [region, { account }])),
    });
  const account = mapping.findInMap(Aws.REGION, 'account');
  return {
    uri: Fn.join('', [account, '.dkr.ecr.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', suffix]),
    repositoryArn: Fn.join('', ['arn:', Aws.PARTITION, ':ecr:', Aws.REGION, ':', account, ':repository/', spec.repository]),
  };
}

/**
 * Grant pulling images from one ECR repository. SageMaker pulls the training image with the job's execution
 * role: `ecr:BatchCheckLayerAvailability`, `ecr:GetDownloadUrlForLayer` and `ecr:BatchGetImage` on the repository
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtrainingjob-perms),
 * plus `ecr:GetAuthorizationToken`, which has no resource-level permission and is granted by the job's own role.
 */
export function grantEcrPull(grantee: iam.IGrantable, repositoryArn: string): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
    resourceArns: [repositoryArn],
  });
}
