/**
 * Checks of SageMaker Pipelines definitions: the body parses as JSON; the root, parameters and steps have the
 * documented shape; step names are unique across all branches; every `{"Get"}` points at a declared parameter, an
 * execution variable or a step that runs before it (in its own branch or an enclosing one) and at a property its
 * Describe* response has; Training and Tuning step `Arguments` validate against the official SageMaker model as
 * CreateTrainingJob / CreateHyperParameterTuningJob without the job name the pipeline assigns.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { apiModel, concretize, expectValidRequest } from './api-model';

/** The pipeline definitions of every AWS::SageMaker::Pipeline in a stack, deploy-time values made concrete. */
export function pipelineDefinitions(stack: Stack): { [logicalId: string]: any } {
  const pipelines = Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline');
  return Object.fromEntries(Object.entries(pipelines).map(([id, r]: [string, any]) => {
    const body = concretize(r.Properties.PipelineDefinition.PipelineDefinitionBody);
    if (typeof body !== 'string') throw new Error(`${id}: PipelineDefinitionBody is not a string`);
    return [id, JSON.parse(body)];
  }));
}

const STEP_TYPES = ['Training', 'Tuning', 'Condition', 'Fail', 'Processing', 'Transform', 'Model', 'RegisterModel', 'Lambda', 'Callback', 'ClarifyCheck', 'QualityCheck', 'EMR', 'AutoML'];
const EXECUTION_VARIABLES = ['PipelineExecutionId', 'PipelineExecutionArn', 'PipelineName', 'PipelineArn', 'StartDateTime', 'CurrentDateTime', 'TrainingJobName', 'ProcessingJobName'];
const DESCRIBE_SHAPE: { [type: string]: string } = { Training: 'DescribeTrainingJobResponse', Tuning: 'DescribeHyperParameterTuningJobResponse' };
const CONDITION_TYPES = ['Equals', 'GreaterThan', 'GreaterThanOrEqualTo', 'In', 'LessThan', 'LessThanOrEqualTo', 'Not', 'Or'];

interface Found {
  step: any;
  /** Names of the steps that run before a step of this list can run (enclosing branches' earlier steps). */
  visible: Set<string>;
}

/** Throws, listing every problem, when the definition is not valid; returns the number of validated step requests. */
export function expectValidPipelineDefinition(def: any): number {
  const problems: string[] = [];
  const rootKeys = ['Version', 'Metadata', 'Parameters', 'PipelineExperimentConfig', 'Steps'];
  for (const k of Object.keys(def)) if (!rootKeys.includes(k)) problems.push(`unknown root key ${k}`);
  if (def.Version !== '2020-12-01') problems.push(`Version ${def.Version} is not 2020-12-01`);
  if (!Array.isArray(def.Steps) || def.Steps.length === 0) problems.push('Steps must be a non-empty list');

  const params = new Map<string, any>();
  for (const p of def.Parameters ?? []) {
    if (!/^[A-Za-z0-9\-_]{1,64}$/.test(p.Name)) problems.push(`parameter name ${p.Name} does not match ^[A-Za-z0-9\\-_]{1,64}$`);
    if (!['String', 'Integer', 'Float', 'Boolean'].includes(p.Type)) problems.push(`parameter ${p.Name} has type ${p.Type}`);
    if (params.has(p.Name)) problems.push(`parameter ${p.Name} is declared twice`);
    for (const k of Object.keys(p)) if (!['Name', 'Type', 'DefaultValue', 'EnumValues'].includes(k)) problems.push(`parameter ${p.Name} has unknown key ${k}`);
    if (p.EnumValues !== undefined) {
      // SageMaker Python SDK ParameterString(enum_values=…): a String parameter's allowed values, the default among them
      const vs = p.EnumValues;
      if (p.Type !== 'String') problems.push(`parameter ${p.Name}: EnumValues on a ${p.Type} parameter`);
      if (!Array.isArray(vs) || vs.length === 0 || vs.some((v: unknown) => typeof v !== 'string')) problems.push(`parameter ${p.Name}: EnumValues must be a non-empty list of strings`);
      else if (new Set(vs).size !== vs.length) problems.push(`parameter ${p.Name}: EnumValues has duplicates`);
      else if (!vs.includes(p.DefaultValue)) problems.push(`parameter ${p.Name}: DefaultValue ${p.DefaultValue} is not one of its EnumValues`);
    }
    params.set(p.Name, p);
  }

  // Every step, with the names visible to it.
  const all: Found[] = [];
  const walk = (steps: any[], visible: Set<string>) => {
    const listNames = new Set(steps.map((s) => s.Name));
    const here = new Set([...visible, ...listNames]);
    for (const s of steps) {
      all.push({ step: s, visible: here });
      if (s.Type === 'Condition') {
        walk(s.Arguments?.IfSteps ?? [], here);
        walk(s.Arguments?.ElseSteps ?? [], here);
      }
    }
  };
  walk(def.Steps ?? [], new Set());
  const byName = new Map<string, any>();
  for (const { step } of all) {
    if (!/^[A-Za-z0-9\-_]{1,64}$/.test(step.Name)) problems.push(`step name ${step.Name} does not match ^[A-Za-z0-9\\-_]{1,64}$`);
    if (byName.has(step.Name)) problems.push(`step name ${step.Name} is used twice`);
    byName.set(step.Name, step);
    if (!STEP_TYPES.includes(step.Type)) problems.push(`step ${step.Name} has unknown type ${step.Type}`);
    if (step.CacheConfig) {
      if (typeof step.CacheConfig.Enabled !== 'boolean') problems.push(`step ${step.Name}: CacheConfig.Enabled is not a boolean`);
      if (step.CacheConfig.ExpireAfter !== undefined && !/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(step.CacheConfig.ExpireAfter)) {
        problems.push(`step ${step.Name}: CacheConfig.ExpireAfter ${step.CacheConfig.ExpireAfter} is not an ISO 8601 duration`);
      }
    }
    if (step.Type === 'Condition') {
      for (const c of step.Arguments?.Conditions ?? []) if (!CONDITION_TYPES.includes(c.Type)) problems.push(`step ${step.Name}: condition type ${c.Type}`);
    }
    if (step.Type === 'Fail' && step.Arguments?.ErrorMessage === undefined) problems.push(`step ${step.Name}: Fail step without ErrorMessage`);
  }

  // Every Get.
  const model = apiModel('sagemaker');
  for (const { step, visible } of all) {
    const own = step.Type === 'Condition' ? { ...step, Arguments: { ...step.Arguments, IfSteps: [], ElseSteps: [] } } : step;
    for (const get of gets(own)) {
      const [root, ...rest] = get.split('.');
      if (root === 'Parameters') {
        if (!params.has(rest.join('.'))) problems.push(`step ${step.Name}: Get ${get} names no declared parameter`);
      } else if (root === 'Execution') {
        if (!EXECUTION_VARIABLES.includes(rest.join('.'))) problems.push(`step ${step.Name}: Get ${get} names no execution variable`);
      } else if (root === 'Steps') {
        const target = byName.get(rest[0]);
        if (!target) {
          problems.push(`step ${step.Name}: Get ${get} names no step`);
          continue;
        }
        if (!visible.has(rest[0]) || rest[0] === step.Name) problems.push(`step ${step.Name}: Get ${get} refers to a step that does not run before it`);
        const prop = rest.slice(1).join('.');
        const shape = DESCRIBE_SHAPE[target.Type];
        if (shape) {
          const member = /^[A-Za-z]+/.exec(prop)?.[0];
          if (!member || !(member in (model.shapes[shape].members ?? {}))) problems.push(`step ${step.Name}: Get ${get}: ${shape} has no member ${member}`);
        } else if (!(target.Type === 'Condition' && prop === 'Outcome')) {
          problems.push(`step ${step.Name}: Get ${get} reads a property of a ${target.Type} step`);
        }
      } else {
        problems.push(`step ${step.Name}: Get ${get} has an unknown root`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`invalid pipeline definition:\n  ${problems.join('\n  ')}`);

  // Step requests against the official model.
  let validated = 0;
  for (const { step } of all) {
    if (step.Type === 'Training') {
      if ('TrainingJobName' in step.Arguments) throw new Error(`step ${step.Name}: Arguments carry a TrainingJobName, which the pipeline assigns`);
      expectValidRequest('sagemaker', 'CreateTrainingJob', step.Arguments, ['TrainingJobName']);
      validated++;
    } else if (step.Type === 'Tuning') {
      if ('HyperParameterTuningJobName' in step.Arguments) throw new Error(`step ${step.Name}: Arguments carry a HyperParameterTuningJobName, which the pipeline assigns`);
      expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', step.Arguments, ['HyperParameterTuningJobName']);
      validated++;
    }
  }
  return validated;
}

/** Every `{"Get": …}` path in a value. */
export function gets(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(gets);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (Object.keys(obj).length === 1 && typeof obj.Get === 'string') return [obj.Get];
    return Object.values(obj).flatMap(gets);
  }
  return [];
}

/** Every step of a definition, branches included. */
export function allSteps(def: any): any[] {
  const out: any[] = [];
  const walk = (steps: any[]) => {
    for (const s of steps) {
      out.push(s);
      if (s.Type === 'Condition') {
        walk(s.Arguments?.IfSteps ?? []);
        walk(s.Arguments?.ElseSteps ?? []);
      }
    }
  };
  walk(def.Steps ?? []);
  return out;
}
