#!/usr/bin/env node
/**
 * The example app: a platform stack with an artifacts bucket and training workflows whose jobs are sustainable by
 * default, and a workspace stack. `npm run synth` synthesizes it offline (no AWS account, no credentials), checks it
 * with cdk-nag's AwsSolutions pack, and prints the footprint report (cdk.out/sustainability-report.md and .json).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FootprintReport, SustainableMlChecks } from '../lib';
import { buildExampleApp } from './example';

const app = new App();
buildExampleApp(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks());
// The SML pack checks every construct of the app, this library's and any other (SML-* findings fail synth).
Validations.of(app).addPlugins(new SustainableMlChecks());
// At synth: one compact table on stderr, the full report in cdk.out (SML-MEASURE).
new FootprintReport(app, 'SustainabilityReport');
app.synth();
