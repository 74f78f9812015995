/**
 * Reading the synthesized resources of any app into API shapes: resolved CloudFormation properties, JSON definitions
 * (state machines, pipelines) given as strings, `Fn::Join` or `Fn::Sub`, and the SageMaker requests inside them.
 * Deploy-time parts of a joined definition become `DEPLOY_TIME` placeholders (numbered, so the intrinsic behind
 * each one, e.g. the `Ref` of a bucket, can be looked up).
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { ApiShape, DEPLOY_TIME } from '../../rules/rule';

/** A definition parsed from a template, with the intrinsics its placeholders stand for. */
export interface ParsedDefinition {
  readonly document: any;
  readonly intrinsics: any[];
}

/** The resolved CloudFormation properties of `node` (PascalCase, as the template holds them). */
export function resolvedProperties(node: CfnResource): ApiShape {
  const stack = Stack.of(node);
  const cfn = stack.resolve((node as any)._toCloudFormation());
  const resources = cfn?.Resources ?? {};
  const first = Object.values(resources)[0] as any;
  return first?.Properties ?? {};
}

/** The logical id of `node` in its stack. */
export function logicalIdOf(node: CfnResource): string {
  return Stack.of(node).resolve(node.logicalId);
}

function placeholder(i: number): string {
  return `${DEPLOY_TIME}${i}__`;
}

/** True when the text so far ends inside a JSON string (an odd number of unescaped quotes). */
function insideString(text: string): boolean {
  let inside = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] === '"') inside = !inside;
  }
  return inside;
}

/**
 * The text of a resolved string value: `Fn::Join` and `Fn::Sub` are flattened, other intrinsics become placeholders.
 * In a JSON document (`json`), a placeholder outside a JSON string is quoted so that the document still parses.
 */
export function flattenText(value: any, intrinsics: any[], json = false): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && Array.isArray(value['Fn::Join'])) {
    const [sep, parts] = value['Fn::Join'];
    let text = '';
    (parts as any[]).forEach((part, n) => {
      if (n > 0) text += sep;
      if (typeof part === 'string') { text += part; return; }
      const inner = flattenText(part, intrinsics, json);
      text += !json || insideString(text) ? inner : `"${inner}"`;
    });
    return text;
  }
  if (value && typeof value === 'object' && value['Fn::Sub'] !== undefined) {
    const [template, vars] = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'] : [value['Fn::Sub'], {}];
    return String(template).replace(/\$\{([^!}][^}]*)\}/g, (_m: string, name: string) => {
      const sub = vars?.[name];
      if (typeof sub === 'string') return sub;
      intrinsics.push(sub ?? (name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name }));
      return placeholder(intrinsics.length - 1);
    });
  }
  intrinsics.push(value);
  return placeholder(intrinsics.length - 1);
}

/** Parse a JSON definition given as a resolved value; undefined when it is not JSON (e.g. wholly deploy-time). */
export function parseDefinition(value: any): ParsedDefinition | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !('Fn::Join' in value) && !('Fn::Sub' in value)
    && !('Ref' in value) && !Object.keys(value).some((k) => k.startsWith('Fn::'))) {
    return { document: value, intrinsics: [] };
  }
  const intrinsics: any[] = [];
  const text = flattenText(value, intrinsics, true);
  try {
    return { document: JSON.parse(text), intrinsics };
  } catch {
    return undefined;
  }
}

/** The SageMaker requests a definition starts. */
export interface SageMakerRequests {
  readonly training: ApiShape[];
  readonly tuning: ApiShape[];
}

/** The training and tuning requests of the Task states of an Amazon States Language document (nested states included). */
export function requestsInStateMachine(asl: any): SageMakerRequests {
  const training: ApiShape[] = [];
  const tuning: ApiShape[] = [];
  const visitStates = (states: any) => {
    if (!states || typeof states !== 'object') return;
    for (const state of Object.values<any>(states)) {
      if (!state || typeof state !== 'object') continue;
      if (state.Type === 'Task' && typeof state.Resource === 'string') {
        const request = state.Parameters ?? state.Arguments;
        if (/:sagemaker:createTrainingJob(\.sync)?$/.test(state.Resource) && request) training.push(request);
        if (/:sagemaker:createHyperParameterTuningJob(\.sync)?$/.test(state.Resource) && request) tuning.push(request);
      }
      for (const branch of state.Branches ?? []) visitStates(branch?.States);
      visitStates(state.Iterator?.States);
      visitStates(state.ItemProcessor?.States);
    }
  };
  visitStates(asl?.States);
  return { training, tuning };
}

/** The training and tuning requests of the steps of a SageMaker pipeline definition (condition branches included). */
export function requestsInPipeline(definition: any): SageMakerRequests {
  const training: ApiShape[] = [];
  const tuning: ApiShape[] = [];
  const visit = (steps: any) => {
    for (const step of Array.isArray(steps) ? steps : []) {
      if (step?.Type === 'Training' && step.Arguments) training.push(step.Arguments);
      if (step?.Type === 'Tuning' && step.Arguments) tuning.push(step.Arguments);
      if (step?.Type === 'Condition') { visit(step.Arguments?.IfSteps); visit(step.Arguments?.ElseSteps); }
    }
  };
  visit(definition?.Steps);
  return { training, tuning };
}
