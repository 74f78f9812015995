// Built-in CloudFormation validation costs ~2 s per test file (TOOLCHAIN P1). It stays on for `cdk synth`
// and in test/app.test.ts, which turns it back on explicitly.
process.env.CDK_VALIDATION ??= 'false';
process.env.CDK_DISABLE_VERSION_CHECK = '1';
