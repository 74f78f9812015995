/**
 * The test environment of every test file: Node's, with one change so that a green run prints little more than
 * jest's summary.
 *
 * aws-cdk-lib (with `@aws-cdk/core:annotationsInValidationReport`, which `cdk.json` sets and the tests load) prints
 * a validation report with `console.error` at every synthesis that has warnings or info annotations, e.g.
 * `WARNING SML-SPOT: spot is off …` in every test that asserts that warning: the expected output of a passing test.
 * Such a report (findings of severity WARNING or INFO only) is held back while its test runs; if the test fails,
 * everything held since the last passing test is printed with the failure. A report with an ERROR or FATAL finding,
 * or a plugin failure, and every other console call, print as always. Failing validation never depends on this:
 * in-memory synthesis throws on it.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';

/** The line aws-cdk-lib ends a printed validation report with. */
const REPORT_MARKER = 'A copy of this report can be found in:';
const ANSI = /\u001b\[[0-9;]*m/g;

/** True for a printed validation report whose findings are all warnings or infos. */
export function isExpectedValidationReport(args: unknown[]): boolean {
  const text = args.map(String).join(' ').replace(ANSI, '');
  if (!text.includes(REPORT_MARKER)) return false;
  return !/^\s*(ERROR|FATAL)\b/m.test(text);
}

export default class QuietEnvironment extends NodeEnvironment {
  private held: unknown[][] = [];
  private wrapped = false;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
  }

  public async handleTestEvent(event: Circus.Event): Promise<void> {
    // `setup`: a test file may synthesize at module level, while its tests are being collected.
    if (event.name === 'setup' || event.name === 'test_start' || event.name === 'hook_start') this.wrapConsole();
    if (event.name === 'test_done') {
      const held = this.held;
      this.held = [];
      if (event.test.errors.length > 0) {
        for (const args of held) this.originalError?.('[validation report held back while the test ran; printed because it failed]\n', ...args);
      }
    }
  }

  private originalError?: (...args: unknown[]) => void;

  /** Hold expected validation reports (the console is the test's, set after the environment is created). */
  private wrapConsole(): void {
    if (this.wrapped) return;
    const console = this.global.console as Console;
    const original = console.error.bind(console);
    this.originalError = original;
    console.error = (...args: unknown[]) => {
      if (isExpectedValidationReport(args)) this.held.push(args);
      else original(...args);
    };
    this.wrapped = true;
  }
}
