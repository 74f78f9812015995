import { localInstanceStorageGB } from '../data';
import { ApiMapShapes, apiStringMapProblems } from '../private/api-shapes';
import { parameterizedTrainingJobs } from './start-small';
import { API_TERMS, ApiShape, field, refusal, RuleFinding, show, SustainabilityRule, Terms } from './rule';

/** SML-MANAGED: Training runs on managed, serverless orchestration; nothing stays up between runs. */
export const MANAGED: SustainabilityRule = {
  id: 'SML-MANAGED',
  title: 'Training runs on managed, serverless orchestration; nothing stays up between runs',
  wellArchitected: ['SUS05-BP03', 'SUS03-BP01'],
  rationale: 'Step Functions and SageMaker Pipelines consume nothing between runs.',
  fix: 'Run training through TrainingWorkflow or TrainingPipeline.',
};

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

/** The free-form string maps of a CreateTrainingJob request, their API shapes, and how to fix what the API refuses. */
const STRING_MAPS: readonly { readonly field: string; readonly shapes: ApiMapShapes; readonly countFix: string; readonly keyFix: string; readonly valueFix: string }[] = [
  {
    field: 'HyperParameters',
    shapes: { map: 'HyperParameters', key: 'HyperParameterKey', value: 'HyperParameterValue' },
    countFix: 'keep the hyperparameters the script reads; pass larger configuration as an input channel',
    keyFix: 'give every hyperparameter a name (the container passes it to the script as --<name> <value>)',
    valueFix: 'pass long values (e.g. JSON configuration) as a file in an input channel',
  },
  {
    field: 'Environment',
    shapes: { map: 'TrainingEnvironmentMap', key: 'TrainingEnvironmentKey', value: 'TrainingEnvironmentValue' },
    countFix: 'keep the variables the container reads; pass larger configuration as an input channel',
    keyFix: "name variables with letters, digits and underscores, not starting with a digit, e.g. 'LOG_LEVEL'",
    valueFix: 'pass long values as a file in an input channel',
  },
];

/**
 * Compliant when the `HyperParameters` and `Environment` of a CreateTrainingJob request fit the API's map, key and
 * value shapes (botocore model): otherwise the API, or the container, refuses the job when it starts, after the
 * workflow's earlier steps have run. Keys and values not known at synth are left to the API.
 */
export function trainingJobValuesFitTheApi(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return STRING_MAPS.flatMap((m) => {
    const map = field(request, m.field);
    if (!map.known) return [];
    const name = t.name(m.field);
    return apiStringMapProblems(m.shapes, map.value).map((p): RuleFinding => {
      const [item, fix] = p.part === 'count' ? [name, m.countFix] : p.part === 'key' ? [`${name} key`, m.keyFix] : [`${name}[${JSON.stringify(p.key)}]`, m.valueFix];
      return { ruleId: MANAGED.id, level: 'error', message: `${item} ${show(p.value)}: ${p.problem}`, field: item, fix };
    });
  });
}

/**
 * Compliant when `ResourceConfig.VolumeKmsKeyId` is not set on an instance type with local NVMe instance storage:
 * "Local storage volumes are encrypted using a hardware module on the instance. You can't request a VolumeKmsKeyId
 * when using an instance type with local storage" (CreateTrainingJob API reference, ResourceConfig.VolumeKmsKeyId),
 * so the job would be refused when it starts.
 */
export function trainingJobVolumeKeyFitsTheInstance(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return volumeKeyFitsTheInstance(request, t, field(request?.ResourceConfig, 'InstanceType').value);
}

/** `trainingJobVolumeKeyFitsTheInstance` for an instance type other than the request's (one of a pipeline parameter's allowed types). */
export function volumeKeyFitsTheInstance(request: ApiShape, t: Terms, type: unknown): RuleFinding[] {
  const key = request?.ResourceConfig?.VolumeKmsKeyId;
  if (key === undefined || !localInstanceStorageGB(type)) return [];
  return [refusal(MANAGED.id, t, 'ResourceConfig.VolumeKmsKeyId', key,
    `is refused by SageMaker on ${type}, whose local NVMe instance storage is encrypted by a hardware module on the instance`,
    'leave the volume key out for this type (SustainableTrainingJob does), or choose a type without local storage')];
}

/** `trainingJobVolumeKeyFitsTheInstance` for every type an execution of a pipeline may choose. */
export function pipelineInstanceChoicesTakeTheVolumeKey(definition: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return parameterizedTrainingJobs(definition).flatMap(({ job, types }) => types.flatMap((type) => volumeKeyFitsTheInstance(job, t, type)));
}
