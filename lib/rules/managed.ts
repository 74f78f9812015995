import { ApiMapShapes, apiStringMapProblems } from '../private/api-shapes';
import { API_TERMS, ApiShape, field, RuleFinding, show, SustainabilityRule, Terms } from './rule';

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
