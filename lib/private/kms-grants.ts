import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Grants on `key` only for AWS services: the statement AWS Control Tower's proactive control CT.KMS.PR.3 requires
 * ("Require an AWS KMS key policy to have a statement that limits creation of AWS KMS grants to AWS services"): deny
 * kms:CreateGrant to every principal when both kms:GrantIsForAWSResource and aws:PrincipalIsAWSService are false.
 * SageMaker, S3 and the other services that create grants on the caller's behalf still can.
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
}
