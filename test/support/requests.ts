import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { concretize, expectValidRequest } from './api-model';

/** Members a classic (non-serverless) training job needs although the newer model makes them optional. */
const CLASSIC_REQUIRED = ['AlgorithmSpecification', 'ResourceConfig', 'StoppingCondition'];

/**
 * Resolve a rendered request in `scope`'s stack, replace deploy-time values with plausible ones, and validate it
 * against the official SageMaker model. Returns the resolved (not concretized) request for further assertions.
 */
export function expectValidCreateTrainingJob(scope: IConstruct, request: unknown, omit: string[] = []): any {
  const resolved = Stack.of(scope).resolve(request);
  expectValidRequest('sagemaker', 'CreateTrainingJob', concretize(resolved), omit);
  for (const m of CLASSIC_REQUIRED) {
    if (!(m in resolved)) throw new Error(`CreateTrainingJob request lacks ${m}, which classic training jobs require`);
  }
  if (resolved.ResourceConfig.VolumeSizeInGB === undefined) throw new Error('ResourceConfig.VolumeSizeInGB is missing');
  return resolved;
}
