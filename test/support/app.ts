import * as path from 'path';
import * as fs from 'fs';
import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';

const CDK_JSON = path.join(__dirname, '..', '..', 'cdk.json');

/**
 * A test App that loads cdk.json's context, so feature flags match `cdk synth` (TOOLCHAIN P3).
 * Built-in CloudFormation validation is off unless `validate: true` (it costs ~2 s per file).
 */
export function newTestApp(options: { validate?: boolean } & AppProps = {}): App {
  const context = JSON.parse(fs.readFileSync(CDK_JSON, 'utf8')).context;
  const { validate, ...rest } = options;
  return new App({
    ...rest,
    context: { ...context, ...(rest.context ?? {}) },
    builtinCloudFormationValidation: validate ?? false,
  } as AppProps);
}

/** A stack in a fresh test app; environment-agnostic unless `env` is given. */
export function newTestStack(props: StackProps = {}, appOptions: { validate?: boolean } = {}): Stack {
  return new Stack(newTestApp(appOptions), 'TestStack', props);
}
