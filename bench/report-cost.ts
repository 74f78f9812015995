/**
 * The footprint report's own cost at synth (SML-MEASURE): on the example app and on 100 workflows, the synth time
 * of the app and the time of the report itself (estimates, workspace findings, table, Markdown, JSON) on the same
 * app, side by side. Built-in CloudFormation validation is off, so the synth time is CDK's own. (Timing a second
 * synth with the report beside the first measures the machine's load more than the report on a shared 2-core box.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../bin/example';
import { FootprintReport, MlArtifactsBucket, Objective, SustainableTrainingJob, TrainingImage, TrainingWorkflow } from '../lib';
import { formatMarkdown, formatTable } from '../lib/carbon/report';

const CONTEXT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

function newApp(): App {
  return new App({ context: CONTEXT, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-')), builtinCloudFormationValidation: false } as any);
}

/** 100 workflows in 10 stacks (a stack holds at most 500 resources), one artifacts bucket per stack. */
function hundredWorkflows(app: App): void {
  const image = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
  let stack!: Stack;
  let artifacts!: MlArtifactsBucket;
  for (let i = 0; i < 100; i++) {
    if (i % 10 === 0) {
      stack = new Stack(app, `Workflows${i / 10}`);
      artifacts = new MlArtifactsBucket(stack, 'Artifacts');
    }
    const job = new SustainableTrainingJob(stack, `Job${i}`, {
      image, artifactsBucket: artifacts, jobNamePrefix: `job-${i}`, objective: Objective.maximize('auc', 'auc=([0-9.]+)', { target: 0.9 }),
    });
    new TrainingWorkflow(stack, `Flow${i}`, { trainingJob: job });
  }
}

function ms(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface ReportCost {
  readonly scenario: string;
  readonly runs: number;
  readonly synthMs: number;
  readonly reportMs: number;
}

/** Median over `runs` fresh apps: synth, then the report on the synthesized app. */
export function measureReportCost(runs = 7): ReportCost[] {
  const out: ReportCost[] = [];
  for (const [scenario, build, n] of [['example app', buildExampleApp, runs], ['100 workflows', hundredWorkflows, 3]] as const) {
    const synth: number[] = [];
    const report: number[] = [];
    for (let i = 0; i < n; i++) {
      const plain = newApp();
      build(plain);
      synth.push(ms(() => plain.synth()));
      report.push(ms(() => {
        const r = FootprintReport.of(plain);
        formatTable(r);
        formatMarkdown(r);
        JSON.stringify(r);
      }));
      fs.rmSync(plain.outdir, { recursive: true, force: true });
    }
    out.push({ scenario, runs: n, synthMs: median(synth), reportMs: median(report) });
  }
  return out;
}
