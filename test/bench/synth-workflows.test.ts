/**
 * The synth-overhead benchmark compares like with like: the hand-written workflows and the library's synthesize the
 * same resources and the same state machine definition, and the nag-clean hand-written one passes cdk-nag's
 * AwsSolutions pack as the library's does.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { handWrittenNagCleanWorkflow, handWrittenWorkflow, libraryWorkflow, NAG_ACKNOWLEDGEMENTS } from '../../bench/synth-workflows';
import { newTestApp } from '../support/app';

// Each in its own app under the same stack id, as the benchmark builds them (names and prefixes follow the id).
const build = (f: (app: App, id: string) => Stack): Stack => f(newTestApp(), 'Workflow0');
const hand = build(handWrittenWorkflow);
const handClean = build(handWrittenNagCleanWorkflow);
const library = build(libraryWorkflow);
const templates = new Map<Stack, any>([hand, handClean, library].map((s) => [s, Template.fromStack(s).toJSON()]));
const types = (s: Stack) => Object.values<any>(templates.get(s).Resources).map((r) => r.Type).sort();
const open = (s: Stack) => new AwsSolutionsChecks().validateScope(s).violations.map((v: any) => v.ruleName).sort();

test('the hand-written workflows and the library\'s have the same resources', () => {
  expect(types(hand)).toEqual(types(library));
  expect(types(handClean)).toEqual(types(library));
  expect(types(library)).toEqual([
    'AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role', 'AWS::Logs::LogGroup',
    'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::StepFunctions::StateMachine',
  ]);
});

test('the same spot createTrainingJob.sync request, states and policies (names aside)', () => {
  // The definition with every reference (bucket, role, partition) as '<ref>'.
  const definition = (s: Stack) => {
    const sm = Object.values<any>(templates.get(s).Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    return JSON.parse(sm.Properties.DefinitionString['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : '<ref>')).join(''));
  };
  const h = definition(hand);
  const l = definition(library);
  expect(Object.keys(h.States)).toEqual(Object.keys(l.States));
  // The library's task comment lists the rule ids it applied; the hand-written task has none.
  const train = (d: any) => ({ ...d.States.Train, Comment: undefined });
  expect(train(h)).toEqual(train(l));
  expect(h.States.Train.Parameters.EnableManagedSpotTraining).toBe(true);
  // Policies and roles with logical ids masked.
  const iamOf = (s: Stack) => JSON.parse(JSON.stringify(Object.values<any>(templates.get(s).Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::Role')
    .map((r) => ({ ...r.Properties, PolicyName: undefined, Roles: undefined, Description: undefined })))
    .replace(/[A-Za-z]+[0-9A-F]{8}\b/g, '<id>'));
  expect(iamOf(hand)).toEqual(iamOf(library));
});

test('cdk-nag AwsSolutions: the library and the nag-clean hand-written workflow have no open finding, with as many acknowledgements; the plain one has findings', () => {
  expect(open(library)).toEqual([]);
  expect(open(handClean)).toEqual([]);
  const acks = (s: Stack) => s.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)).length;
  expect(acks(handClean)).toBe(acks(library));
  expect(acks(library)).toBe(NAG_ACKNOWLEDGEMENTS);
  expect(open(hand)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-SF2']));
});
