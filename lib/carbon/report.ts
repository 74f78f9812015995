/**
 * FootprintReport (SML-MEASURE, SML-BUDGET): at synth, the footprint of every workflow, pipeline and tuning or
 * training definition of an app, in the terminal (one compact table), in `cdk.out/sustainability-report.md` and
 * `.json`; with an app-wide carbon budget. It also covers notebooks, Studio, the guard and log retention.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { CarbonAwareSchedule } from '../orchestration/carbon-aware-schedule';
import { TrainingPipeline } from '../orchestration/pipeline';
import { TrainingWorkflow } from '../orchestration/workflow';
import { rule } from '../rules';
import { SustainableTrainingJob } from '../training/training-job';
import { SustainableTuningJob } from '../tuning/tuning-job';
import { budgetExceeded, CARBON_BUDGET_CONTEXT, fmt, validateBudget } from './budget';
import { CarbonAwareStartFootprint, checkFootprintOptions, Footprint, FootprintEstimate, FootprintOptions, showH, withCarbonAwareStart } from './footprint';
import { PowerCoverage } from './instance-power';
import { DEPLOY_TIME, RegionCarbon } from './region-carbon';
import { WorkspaceFinding, workspaceFindings } from './workspace';

/** Properties of a `FootprintReport`. */
export interface FootprintReportProps {
  /**
   * App-wide carbon budget (SML-BUDGET): the most kgCO2e one run of each workflow and pipeline may emit in the
   * worst case; applies to those without a `carbonBudget` of their own. Synth fails, with the figures, when a worst
   * case exceeds it. Synth-time only: the budget is checked when the app synthesizes, so a token (deploy-time value)
   * is refused.
   * @default - none (the context key `cdk-sustainable-ml:carbonBudget` is read by the workflows and pipelines themselves)
   */
  readonly carbonBudget?: number;
  /**
   * Watts per instance for types without a figure (or to replace one), keyed by SageMaker instance type.
   * @default - the library's figures only
   */
  readonly instanceWatts?: { [instanceType: string]: number };
  /**
   * Average utilisation for the expected figures, from 0 to 1. Synth-time only: the report is computed at synth, so
   * a token (deploy-time value) is refused.
   * @default 0.5 (CCF's average)
   */
  readonly expectedUtilization?: number;
  /**
   * Share of a tuning run's training time that early stopping and the completion criteria save (expected figures),
   * from 0 to 1. Synth-time only: the report is computed at synth, so a token (deploy-time value) is refused.
   * @default 0
   */
  readonly expectedTuningSavings?: number;
  /**
   * Print the compact table to stderr at synth.
   * @default true
   */
  readonly print?: boolean;
  /**
   * Base name of the files written to the cloud assembly directory (`<name>.json`, `<name>.md`).
   * @default 'sustainability-report'
   */
  readonly fileName?: string;
}

/** The whole report. */
export interface SustainabilityReport {
  /** One footprint per workflow, pipeline and definition not run by either. */
  readonly runs: FootprintEstimate[];
  /** Notebooks, Studio, the guard and log retention. */
  readonly workspace: WorkspaceFinding[];
  /** Power coverage of the training instance types. */
  readonly coverage: PowerCoverage;
}

/**
 * The sustainability report of an app, at synth (SML-MEASURE): add it once to the app.
 *
 * ```ts
 * const app = new App();
 * // … stacks with TrainingWorkflow / TrainingPipeline …
 * new FootprintReport(app, 'SustainabilityReport', { carbonBudget: 5 });
 * ```
 *
 * At synth it prints one compact table to stderr and writes `sustainability-report.json` and `.md` to the cloud
 * assembly directory (`cdk.out`). `FootprintReport.of(app)` and `FootprintReport.format(app)` give the same content
 * without a construct.
 */
export class FootprintReport extends Construct {
  /** Every run's footprint and the workspace findings under `scope`. */
  public static of(scope: IConstruct, options: FootprintOptions = {}): SustainabilityReport {
    return { runs: estimates(scope, options), workspace: workspaceFindings(scope), coverage: Footprint.powerCoverage() };
  }

  /** The compact table as text (what is printed at synth). */
  public static format(scope: IConstruct, options: FootprintOptions = {}): string {
    return formatTable(FootprintReport.of(scope, options));
  }

  /** The full report as Markdown. */
  public static markdown(scope: IConstruct, options: FootprintOptions = {}): string {
    return formatMarkdown(FootprintReport.of(scope, options));
  }

  /** The app-wide carbon budget, if any. */
  public readonly carbonBudget?: number;
  /** The files written at synth (empty until then, or when the scope has no cloud assembly directory). */
  public readonly files: string[] = [];

  constructor(scope: Construct, id: string, props: FootprintReportProps = {}) {
    super(scope, id);
    if (props.carbonBudget !== undefined) validateBudget('carbonBudget', props.carbonBudget);
    this.carbonBudget = props.carbonBudget;
    const options: FootprintOptions = {
      instanceWatts: props.instanceWatts,
      expectedUtilization: props.expectedUtilization,
      expectedTuningSavings: props.expectedTuningSavings,
    };
    checkFootprintOptions(options);
    const base = props.fileName ?? 'sustainability-report';
    this.node.addValidation({
      validate: () => {
        const root = this.node.root;
        const report = FootprintReport.of(root, options);
        const outdir = Stage.of(this)?.outdir;
        if (outdir) {
          fs.mkdirSync(outdir, { recursive: true });
          const json = path.join(outdir, `${base}.json`);
          const md = path.join(outdir, `${base}.md`);
          fs.writeFileSync(json, JSON.stringify(toJson(report), null, 2) + '\n');
          fs.writeFileSync(md, formatMarkdown(report));
          this.files.splice(0, this.files.length, json, md);
        }
        if (props.print ?? true) process.stderr.write(`\n${formatTable(report, base)}\n`);
        return this.checkBudget(root, report);
      },
    });
  }

  private checkBudget(root: IConstruct, report: SustainabilityReport): string[] {
    const budget = this.carbonBudget;
    if (budget === undefined) return [];
    const errors: string[] = [];
    const byPath = new Map(root.node.findAll().map((x) => [x.node.path, x]));
    for (const run of report.runs) {
      if (run.kind !== 'workflow' && run.kind !== 'pipeline') continue;
      const c = byPath.get(run.path);
      const own = c instanceof TrainingWorkflow || c instanceof TrainingPipeline ? c.carbonBudget : undefined;
      if (own !== undefined) continue;
      const problem = budgetExceeded(c ?? this, run, budget, 'FootprintReport carbonBudget');
      if (problem) {
        errors.push(`SML-BUDGET: FootprintReport carbonBudget ${budget} kgCO2e per run: ${run.path}: ${problem}. Fix: lower the worst case (a smaller or current-generation instance type, fewer instances, a shorter maxRuntime, fewer tuning jobs, a lower-carbon region), give this ${run.kind} a carbonBudget of its own, or raise the budget deliberately (${rule('SML-BUDGET').wellArchitected.join(', ')})`);
      }
    }
    return errors;
  }
}

/** Workflows, pipelines, and training or tuning definitions that neither runs. */
function estimates(scope: IConstruct, options: FootprintOptions): FootprintEstimate[] {
  const all = scope.node.findAll();
  const runs: FootprintEstimate[] = [];
  const used = new Set<IConstruct>();
  for (const c of all) {
    if (c instanceof TrainingWorkflow || c instanceof TrainingPipeline) {
      // A pipeline's carbon-aware start lives in the CarbonAwareSchedules that start it (SML-TIMESHIFT).
      const schedules = all.filter((x): x is CarbonAwareSchedule => x instanceof CarbonAwareSchedule && x.pipeline === c);
      runs.push(c instanceof TrainingWorkflow
        ? Footprint.ofWorkflow(c, options)
        : schedules.length
          ? withCarbonAwareStart(Footprint.ofPipeline(c, options), schedules.map((x) => x.carbonAwareStart.threshold))
          : Footprint.ofPipeline(c, options));
      for (const d of [c.trainingJob, c.tuningJob, c.baseline]) if (d) used.add(d);
    }
  }
  for (const c of all) {
    if (c instanceof SustainableTuningJob && !used.has(c)) {
      runs.push(Footprint.ofTuningJob(c, options));
      used.add(c.trainingJob);
    }
  }
  for (const c of all) {
    if (c instanceof SustainableTrainingJob && !used.has(c)) runs.push(Footprint.ofTrainingJob(c, options));
  }
  return runs;
}

// --- formats ---------------------------------------------------------------------------------------------------------

/** kWh, or why there is none: a value set at deploy time, or an unknown power figure. */
function kwh(x: { worstCaseKwh?: number; worstCaseInstanceHours?: number; instanceHours?: number }): string {
  if (x.worstCaseKwh !== undefined) return fmt(x.worstCaseKwh);
  return (x.worstCaseInstanceHours ?? x.instanceHours) === undefined ? DEPLOY_TIME : 'unknown';
}

function kg(run: { worstCaseKgCo2e?: number; lowestRegionKgCo2e?: number; worstCaseKwh?: number; worstCaseInstanceHours?: number }): string {
  if (run.worstCaseKgCo2e === undefined) return run.worstCaseKwh === undefined ? kwh(run) : 'unknown';
  if (run.lowestRegionKgCo2e !== undefined) return `${fmt(run.lowestRegionKgCo2e)}–${fmt(run.worstCaseKgCo2e)}*`;
  return fmt(run.worstCaseKgCo2e);
}

function num(x: number | undefined, unknownText = '?'): string {
  return x === undefined ? unknownText : fmt(x);
}

function comparisonCell(run: FootprintEstimate, i: number): string {
  const c = run.comparisons[i];
  if (!c.expressible) return 'n/a';
  return kwh(c);
}

function shortName(p: string): string {
  return p.split('/').pop()!;
}

function deviationsCell(run: FootprintEstimate): string {
  const ids = [...new Set(run.warnings.map((w) => w.split(':')[0]))];
  const parts = [...run.deviations, ...(ids.length ? [`warns ${ids.join(', ')}`] : [])];
  return parts.length ? parts.join('; ') : 'none';
}

/**
 * A carbon-aware start in one line (SML-TIMESHIFT), labelled as an estimate: the worst case (and expected) kgCO2e at
 * the threshold beside the worst case at the region's average factor.
 */
function carbonAwareLine(run: FootprintEstimate, c: CarbonAwareStartFootprint): string {
  const threshold = c.thresholdGCo2ePerKwh === undefined ? `threshold ${DEPLOY_TIME}` : `${fmt(c.thresholdGCo2ePerKwh)} gCO2e/kWh threshold`;
  const atThreshold = c.worstCaseKgCo2eAtThreshold === undefined ? 'unknown' : `${fmt(c.worstCaseKgCo2eAtThreshold)} kgCO2e worst case${c.expectedKgCo2eAtThreshold === undefined ? '' : `, ${fmt(c.expectedKgCo2eAtThreshold)} expected`}`;
  let average: string;
  if (c.regionAverageKgCo2ePerKwh !== undefined) {
    average = `at the region's average (${fmt(c.regionAverageKgCo2ePerKwh)} kgCO2e/kWh) ${c.worstCaseKgCo2eAtRegionAverage === undefined ? 'unknown' : `${fmt(c.worstCaseKgCo2eAtRegionAverage)} kgCO2e worst case`}`;
  } else if (run.region.region === DEPLOY_TIME && run.lowestRegionKgCo2e !== undefined && run.worstCaseKgCo2e !== undefined) {
    average = `at the region's average (set at deploy time) ${fmt(run.lowestRegionKgCo2e)}–${fmt(run.worstCaseKgCo2e)} kgCO2e worst case*`;
  } else {
    average = `the region's average factor is ${run.region.region === DEPLOY_TIME ? DEPLOY_TIME : 'unknown'}`;
  }
  return `carbon-aware start (SML-TIMESHIFT), an estimate: at the ${threshold} ${atThreshold}; ${average}`;
}

/** The compact terminal table. */
export function formatTable(report: SustainabilityReport, base = 'sustainability-report'): string {
  const rows: string[][] = [];
  const stacks = [...new Set(report.runs.map((r) => r.stackName))];
  for (const stackName of stacks) {
    const runs = report.runs.filter((r) => r.stackName === stackName);
    const region = runs[0].region;
    const high = region.known && RegionCarbon.isHighCarbon(region.region) ? RegionCarbon.alternatives(region.region)[0] : undefined;
    const regionText = region.known
      ? `${region.region}, ${region.kgCo2ePerKwh} kgCO2e/kWh${high ? `; above the mean of the table (SML-REGION): ${high.region} emits ${high.kgCo2ePerKwh}` : ''}`
      : region.region === DEPLOY_TIME ? 'environment-agnostic*' : `${region.region}, carbon intensity unknown`;
    rows.push([`${stackName} (${regionText})`, '', '', '', '', '', '', '', '', '']);
    for (const run of runs) {
      rows.push([
        `  ${shortName(run.path)} (${run.kind})`, '', run.spot ? 'on' : run.steps.some((s) => s.spot) ? 'part' : 'off',
        num(run.worstCaseHours, DEPLOY_TIME), num(run.worstCaseInstanceHours, DEPLOY_TIME), kwh(run), kg(run),
        comparisonCell(run, 0), comparisonCell(run, 1), deviationsCell(run),
      ]);
      for (const s of run.steps) {
        rows.push([
          `    ${s.role} ${shortName(s.path)}`, s.instances, s.spot ? 'on' : 'off', num(s.maxHours, DEPLOY_TIME), num(s.instanceHours, DEPLOY_TIME),
          kwh(s), '', '', '', s.power.status === 'known' ? '' : `power ${s.power.status}`,
        ]);
      }
      if (run.carbonAwareStart) rows.push([`    ${carbonAwareLine(run, run.carbonAwareStart)}`, '', '', '', '', '', '', '', '', '']);
    }
  }
  const headers = ['run / step', 'instances', 'spot', 'max h', 'inst-h', 'kWh', 'kgCO2e', 'cdk kWh', 'sdk kWh', 'deviations from the defaults'];
  const lines = [
    `cdk-sustainable-ml footprint (SML-MEASURE): worst case of one run, PUE ${Footprint.PUE}; details in cdk.out/${base}.md and .json`,
  ];
  if (rows.length === 0) {
    lines.push('no training workflow, pipeline or definition in this app');
  } else {
    const isSection = (r: string[]) => r.slice(1).every((c) => c === '');
    const body = rows.filter((r) => !isSection(r));
    const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const right = new Set([3, 4, 5, 6, 7, 8]);
    const line = (r: string[]) => (isSection(r) ? r[0] : r.map((c, i) => (i === r.length - 1 ? c : right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd());
    lines.push(line(headers), ...rows.map(line));
    const lo = RegionCarbon.lowestInTable();
    const hi = RegionCarbon.highest();
    if (report.runs.some((r) => r.region.region === DEPLOY_TIME)) {
      lines.push(`* environment-agnostic stack: the region decides (SML-REGION), from ${lo.region} (${lo.kgCo2ePerKwh} kgCO2e/kWh) to ${hi.region} (${hi.kgCo2ePerKwh}); set env.region for one figure`);
    }
    lines.push('cdk / sdk kWh: the same definitions under aws-cdk-lib SageMakerCreateTrainingJob / SageMaker Python SDK v2 defaults (n/a: not expressible)');
    lines.push('spot: spare capacity, the same kWh');
  }
  const ws = report.workspace;
  if (ws.length > 0) {
    lines.push('workspace and housekeeping:');
    for (const w of ws) lines.push(`  ${w.ok ? 'ok  ' : 'WARN'} ${w.rule.padEnd(17)} ${w.stackName}${w.subject === 'app' ? '' : ` ${w.subject}`}: ${w.finding}`);
  }
  return lines.join('\n');
}

/** The full Markdown report. */
export function formatMarkdown(report: SustainabilityReport): string {
  const out: string[] = [];
  const cov = report.coverage;
  out.push('# Sustainability report', '');
  out.push(`Written by cdk-sustainable-ml at synth (SML-MEASURE, ${rule('SML-MEASURE').wellArchitected.join(', ')}). Worst case: every instance at full power for its whole bound (MaxRuntime, tuning limits), every path's jobs run, PUE ${Footprint.PUE}. Expected figures are estimates under the assumptions listed per run. Spot instances come from spare capacity: the kWh are the same.`, '');
  out.push('## Runs', '');
  out.push('| run | kind | region | spot | worst h | instance-h | worst kWh | worst kgCO2e | expected kWh (estimate) | aws-cdk-lib kWh | SDK v2 kWh |');
  out.push('|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of report.runs) {
    out.push(`| \`${r.path}\` | ${r.kind} | ${r.region.region} | ${r.spot ? 'on' : 'off'} | ${num(r.worstCaseHours)} | ${num(r.worstCaseInstanceHours)} | ${num(r.worstCaseKwh, 'unknown')} | ${kg(r)} | ${num(r.expectedKwh, 'unknown')} | ${comparisonCell(r, 0)} | ${comparisonCell(r, 1)} |`);
  }
  if (report.runs.some((r) => r.lowestRegionKgCo2e !== undefined)) {
    out.push('', `\\* environment-agnostic stack: kgCO2e at the lowest (${RegionCarbon.lowestInTable().region}) and highest (${RegionCarbon.highest().region}) factor in the table; the budget uses the highest.`);
  }
  for (const r of report.runs) {
    out.push('', `### ${r.path} (${r.kind})`, '');
    out.push(`Stack ${r.stackName}, region ${r.region.known ? `${r.region.region}: ${r.region.kgCo2ePerKwh} kgCO2e/kWh (${r.region.source}${r.region.dataYear ? `, ${r.region.dataYear} data` : ''})` : `${r.region.region}: ${r.region.source}`}.`, '');
    out.push('| step | instances | spot | max h | instance-h | worst kWh | expected kWh | power (W idle–max) | bound |');
    out.push('|---|---|---|---:|---:|---:|---:|---|---|');
    for (const s of r.steps) {
      const w = s.power.maxWatts === undefined ? `unknown: ${s.power.unknownBecause}` : `${fmt(s.power.idleWatts)}–${fmt(s.power.maxWatts)} (${s.power.status}: ${s.power.method})`;
      out.push(`| ${s.role} \`${s.path}\` | ${s.instances} | ${s.spot ? 'on' : 'off'} | ${num(s.maxHours)} | ${num(s.instanceHours)} | ${num(s.worstCaseKwh, 'unknown')} | ${num(s.expectedKwh, 'unknown')} | ${w} | ${s.bound} |`);
    }
    if (r.paths.length > 1) {
      out.push('', 'Paths:', ...r.paths.map((p) => `- ${p.description}: ${num(p.instanceHours)} instance-hours, ${num(p.worstCaseKwh, 'unknown')} kWh`));
    }
    out.push('', 'Comparison (the same definitions under other tools\' defaults):', '');
    out.push('| against | instances | max h | instance-h | worst kWh | worst kgCO2e | what changes | source |');
    out.push('|---|---|---:|---:|---:|---:|---|---|');
    out.push(`| this library | ${r.steps.map((s) => s.instances).join(' + ')} | ${num(r.worstCaseHours)} | ${num(r.worstCaseInstanceHours)} | ${num(r.worstCaseKwh, 'unknown')} | ${kg(r)} | — | — |`);
    for (const c of r.comparisons) {
      out.push(c.expressible
        ? `| ${c.against} | ${c.instances} | ${num(c.worstCaseHours)} | ${num(c.worstCaseInstanceHours)} | ${num(c.worstCaseKwh, 'unknown')} | ${kg(c)} | ${c.changes.join('<br>')}${c.note ? `<br>${c.note}` : ''} | ${c.source} |`
        : `| ${c.against} | not expressible | | | | | ${c.note} | ${c.source} |`);
    }
    if (r.carbonAwareStart) out.push('', `${carbonAwareLine(r, r.carbonAwareStart)}. ${r.carbonAwareStart.note[0].toUpperCase()}${r.carbonAwareStart.note.slice(1)}.`);
    out.push('', `Deviations from the library's defaults: ${r.deviations.length ? r.deviations.join('; ') : 'none'}.`);
    if (r.warnings.length) out.push('', 'Warnings:', ...r.warnings.map((w) => `- ${w}`));
    if (r.unknowns.length) out.push('', 'Not known at synth:', ...r.unknowns.map((u) => `- ${u}`));
    out.push('', 'Assumptions:', ...r.assumptions.map((a) => `- ${a}`));
    out.push('', 'Sources:', ...r.sources.map((s) => `- ${s}`));
  }
  if (report.workspace.length > 0) {
    out.push('', '## Notebooks, Studio, guard and logs', '', '| | rule | stack | subject | finding |', '|---|---|---|---|---|');
    for (const w of report.workspace) out.push(`| ${w.ok ? 'ok' : 'warn'} | ${w.rule} | ${w.stackName} | ${w.subject} | ${w.finding} |`);
  }
  out.push('', '## Power data coverage', '');
  out.push(`${cov.total} SageMaker training instance types: ${cov.known} known (CCF's own figure), ${cov.estimated} estimated with CCF's method from the processor table, ${cov.unknown} unknown. Pass \`instanceWatts\` for an unknown type.`, '');
  out.push(...cov.unknownTypes.map((u) => `- ${u}`));
  out.push('', `Budget: \`carbonBudget\` on TrainingWorkflow / TrainingPipeline, the context key \`${CARBON_BUDGET_CONTEXT}\`, or FootprintReport's \`carbonBudget\` (SML-BUDGET).`, '');
  return out.join('\n');
}

function toJson(report: SustainabilityReport): unknown {
  return {
    generatedBy: 'cdk-sustainable-ml FootprintReport (SML-MEASURE)',
    pue: Footprint.PUE,
    deployTime: `values shown as absent are ${DEPLOY_TIME} or unknown; see each run's unknowns`,
    ...report,
    runs: report.runs.map((r) => ({ ...r, worstCaseHoursText: showH(r.worstCaseHours) })),
  };
}
