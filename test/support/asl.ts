import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { concretize } from './api-model';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator');

/** The ASL definitions of every state machine in a stack, with deploy-time values made concrete. */
export function stateMachineDefinitions(stack: Stack): { [logicalId: string]: any } {
  const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
  return Object.fromEntries(Object.entries(machines).map(([id, r]: [string, any]) => [id, JSON.parse(String(concretize(r.Properties.DefinitionString)))]));
}

/** Throws with asl-validator's errors when a definition is not valid ASL. */
export function expectValidAsl(definition: unknown): void {
  const { isValid, errors } = aslValidator(definition, { checkPaths: true, checkArn: true });
  if (!isValid) throw new Error(`invalid ASL:\n${JSON.stringify(errors, null, 2)}`);
}
