/**
 * Synth time with and without the SustainableMlChecks pack, side by side: the example app, and 100 TrainingWorkflows
 * (one SustainableTrainingJob each; 4 stacks of 25 sharing an MlArtifactsBucket). "With the pack" is synth plus
 * the pack's walk of the app (`validateScope`, what `Validations.of(app).addPlugins(...)` runs after synth); each
 * figure is the median of `runs` fresh apps, after one warm-up synth, with cdk.json's context.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../bin/example';
import { MlArtifactsBucket, SustainableMlChecks, SustainableTrainingJob, TrainingImage, TrainingWorkflow } from '../lib';

/** One measured scenario. */
export interface SynthTime {
  readonly app: string;
  readonly withoutMs: number;
  readonly withMs: number;
  readonly checkMs: number;
  readonly findings: number;
}

function manyWorkflows(app: App, n: number): void {
  // 25 workflows a stack (6 resources each) keeps every stack under CloudFormation's 500 resources.
  let stack: Stack | undefined;
  let artifacts: MlArtifactsBucket | undefined;
  for (let i = 0; i < n; i++) {
    if (i % 25 === 0) {
      stack = new Stack(app, `ManyWorkflows${i / 25}`);
      artifacts = new MlArtifactsBucket(stack, 'Artifacts');
    }
    const job = new SustainableTrainingJob(stack!, `Job${i}`, {
      image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1'),
      artifactsBucket: artifacts,
      jobNamePrefix: `job-${i}`,
    });
    new TrainingWorkflow(stack!, `Workflow${i}`, { trainingJob: job });
  }
}

/** The example app's context (feature flags) from cdk.json, as `cdk synth` uses it. */
const CONTEXT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

function newApp(): App {
  return new App({ context: CONTEXT });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(name: string, build: (app: App) => void, runs: number): SynthTime {
  const without: number[] = [];
  const withPack: number[] = [];
  const check: number[] = [];
  let findings = 0;
  const warm = newApp(); // warm-up: the first synth in a process pays for loading and JIT
  build(warm);
  warm.synth();
  for (let r = 0; r < runs; r++) {
    let app = newApp();
    build(app);
    let t0 = performance.now();
    app.synth();
    without.push(performance.now() - t0);

    app = newApp();
    build(app);
    t0 = performance.now();
    app.synth();
    const t1 = performance.now();
    const report = new SustainableMlChecks().validateScope(app);
    const t2 = performance.now();
    withPack.push(t2 - t0);
    check.push(t2 - t1);
    findings = report.violations.reduce((n, v) => n + v.violatingResources.length, 0);
  }
  return { app: name, withoutMs: median(without), withMs: median(withPack), checkMs: median(check), findings };
}

/** Synth time of the example app and of 100 workflows, with and without the pack. */
export function synthTimes(runs = 3): SynthTime[] {
  return [
    time('example app (2 stacks)', (app) => { buildExampleApp(app); }, runs),
    time('100 TrainingWorkflows (4 stacks)', (app) => manyWorkflows(app, 100), runs),
  ];
}
