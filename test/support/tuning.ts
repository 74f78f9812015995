import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { concretize, expectValidRequest } from './api-model';

/**
 * Resolve a rendered CreateHyperParameterTuningJob request in `scope`'s stack, make deploy-time values concrete and
 * validate it against the official SageMaker model. Returns the resolved (not concretized) request.
 */
export function expectValidTuningRequest(scope: IConstruct, request: unknown, omit: string[] = []): any {
  const resolved = Stack.of(scope).resolve(request);
  expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', concretize(resolved), omit);
  expectValidRequest('sagemaker-1.43.107', 'CreateHyperParameterTuningJob', concretize(resolved), omit);
  const def = resolved.TrainingJobDefinition;
  for (const m of ['ResourceConfig', 'StoppingCondition', 'AlgorithmSpecification']) {
    if (!def || !(m in def)) throw new Error(`TrainingJobDefinition lacks ${m}, which classic training jobs require`);
  }
  if (def.ResourceConfig.VolumeSizeInGB === undefined) throw new Error('TrainingJobDefinition.ResourceConfig.VolumeSizeInGB is missing');
  return resolved;
}
