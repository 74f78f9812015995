module.exports = {
  // Node's environment, holding back the validation reports aws-cdk-lib prints for expected warnings (printed when
  // their test fails): a green run prints jest's summary.
  testEnvironment: '<rootDir>/test/support/quiet-environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // ts first: never load a stale emitted .js next to its .ts source (TOOLCHAIN P11)
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/jest.setup.js'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean', '<rootDir>/test/support/validation-count.ts'],
  testTimeout: 30000,
};
