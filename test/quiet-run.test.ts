/**
 * A green `npm test` is quiet: the validation reports aws-cdk-lib prints for expected warnings are held back by the
 * test environment (test/support/quiet-environment.ts) and printed only when their test fails. These tests pin
 * what is held back and what is not, on a report aws-cdk-lib really prints.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { SustainableTrainingJob, TrainingImage } from '../lib';
import { newTestStack } from './support/app';
import { isExpectedValidationReport } from './support/quiet-environment';

/** What aws-cdk-lib passes to console.error when a stack with a warning is synthesized. */
function printedReport(): unknown[] {
  const spy = jest.spyOn(console, 'error');
  try {
    const stack = newTestStack();
    new SustainableTrainingJob(stack, 'Job', { image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/t:1'), spot: false });
    Template.fromStack(stack);
    const calls = spy.mock.calls.filter((args) => args.map(String).join(' ').includes('A copy of this report'));
    expect(calls).toHaveLength(1);
    return calls[0];
  } finally {
    spy.mockRestore();
  }
}

describe('the quiet test environment', () => {
  test('it is the environment of every test file', () => {
    // jest.config.js: testEnvironment
    expect(require('../jest.config.js').testEnvironment).toBe('<rootDir>/test/support/quiet-environment.ts');
  });

  test('holds back a report of warnings, which aws-cdk-lib prints at every synthesis with a warning', () => {
    const report = printedReport();
    expect(String(report[0])).toMatch(/WARNING SML-SPOT: spot is off/);
    expect(isExpectedValidationReport(report)).toBe(true);
  });

  test('prints a report with an error or a plugin failure, and any other console.error', () => {
    const report = printedReport().map(String);
    expect(isExpectedValidationReport([report[0].replace('WARNING SML-SPOT', 'ERROR SML-SPOT')])).toBe(false);
    expect(isExpectedValidationReport([`\u001b[1m\u001b[31mFATAL\u001b[39m\u001b[22m something\n${report[0]}`])).toBe(false);
    expect(isExpectedValidationReport(['ERROR plugin crashed\nA copy of this report can be found in: /tmp/x'])).toBe(false);
    expect(isExpectedValidationReport(['SML-SPOT: something went wrong'])).toBe(false);
  });
});
