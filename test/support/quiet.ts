/**
 * Run `fn` with console.error muted: aws-cdk-lib prints its validation report (every warning annotation) when an
 * app synthesizes, and a test that expects a warning should not print it on a green run.
 */
export function quietly<T>(fn: () => T): T {
  const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}
