#!/usr/bin/env node
/**
 * The example app: a platform stack with an artifacts bucket and a training workflow whose job is sustainable by
 * default. `npm run synth` synthesizes it offline (no AWS account, no credentials), checks it with cdk-nag's
 * AwsSolutions pack, and prints the sustainability summary.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SustainabilitySummary } from '../lib';
import { buildExampleApp } from './example';

const app = new App();
buildExampleApp(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks());
app.synth();
process.stderr.write(`\n${SustainabilitySummary.format(app)}\n`);
