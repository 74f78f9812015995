import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { apiModel, concretize, expectValidRequest, validateRequest } from './api-model';

/** Members a classic (non-serverless) training job needs although the newer model makes them optional. */
const CLASSIC_REQUIRED = ['AlgorithmSpecification', 'ResourceConfig', 'StoppingCondition'];

/**
 * Resolve a rendered request in `scope`'s stack, replace deploy-time values with plausible ones, and validate it
 * against the official SageMaker model. Returns the resolved (not concretized) request for further assertions.
 */
export function expectValidCreateTrainingJob(scope: IConstruct, request: unknown, omit: string[] = []): any {
  const resolved = Stack.of(scope).resolve(request);
  const concrete = concretize(resolved) as any;
  // Both botocore versions: the pinned full model, and 1.43.107 (where the instance table comes from). Instance
  // types newer than the pinned model are checked against 1.43.107 only.
  expectValidRequest('sagemaker-1.43.107', 'CreateTrainingJob', concrete, omit);
  const type = concrete.ResourceConfig?.InstanceType;
  const newer = typeof type === 'string' && !apiModel('sagemaker').shapes.TrainingInstanceType.enum!.includes(type);
  const errors = validateRequest('sagemaker', 'CreateTrainingJob', concrete, omit)
    .filter((e) => !(newer && e.startsWith(`CreateTrainingJob.ResourceConfig.InstanceType: '${type}' is not one of`)));
  if (errors.length > 0) throw new Error(`CreateTrainingJob request is not valid against the official sagemaker model:\n  ${errors.join('\n  ')}`);
  for (const m of CLASSIC_REQUIRED) {
    if (!(m in resolved)) throw new Error(`CreateTrainingJob request lacks ${m}, which classic training jobs require`);
  }
  if (resolved.ResourceConfig.VolumeSizeInGB === undefined) throw new Error('ResourceConfig.VolumeSizeInGB is missing');
  return resolved;
}
