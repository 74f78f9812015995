/**
 * Footprint (SML-MEASURE): the worst-case energy and emissions of one run of a training job, tuning job, workflow or
 * pipeline, computed from the definitions the library renders (instance type and count, MaxRuntime, tuning limits,
 * baseline and gate paths) with Cloud Carbon Footprint's power method and grid factors. Every figure carries its
 * sources; a figure that cannot be known at synth is absent, with the reason, never guessed.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { energyCoefficients, toolDefaults } from '../data';
import { refuse } from '../private/messages';
import { isKnownAmount, isKnownNumber, requireKnown } from '../private/synth-value';
import type { TrainingPipeline } from '../orchestration/pipeline';
import type { TrainingWorkflow } from '../orchestration/workflow';
import { GuardTags } from '../guard/guard-tags';
import { TRAINING_DEFAULTS } from '../training/private/defaults';
import { SustainableTrainingJob } from '../training/training-job';
import { DEFAULT_MAX_TRAINING_JOBS, SustainableTuningJob } from '../tuning/tuning-job';
import { CCF, instancePower, InstancePowerFigure, PowerCoverage, powerCoverage } from './instance-power';
import { DEPLOY_TIME, fmtFactor, RegionCarbon, RegionCarbonIntensity } from './region-carbon';

/** Options of a footprint estimate. */
export interface FootprintOptions {
  /**
   * The region whose grid factor applies.
   * @default - the stack's region; for an environment-agnostic stack, the highest factor in the table (worst case)
   */
  readonly region?: string;
  /**
   * Watts per instance, keyed by SageMaker instance type (`ml.trn1.32xlarge`): used where the library has no figure
   * (Trainium, newer GPUs), or to replace its figure. The value is used at any utilisation.
   * @default - the library's figures only
   */
  readonly instanceWatts?: { [instanceType: string]: number };
  /**
   * Average utilisation of CPUs and GPUs for the expected figure, from 0 to 1. Synth-time only: the estimate is
   * computed at synth, so a token (deploy-time value) is refused.
   * @default 0.5 (CCF's AVG_CPU_UTILIZATION_2020, which CCF applies to CPUs and GPUs alike)
   */
  readonly expectedUtilization?: number;
  /**
   * The share of a tuning run's training time that early stopping and the completion criteria save, from 0 to 1,
   * for the expected figure. No published figure exists, so none is assumed by default. Synth-time only: the
   * estimate is computed at synth, so a token (deploy-time value) is refused.
   * @default 0
   */
  readonly expectedTuningSavings?: number;
}

/** Refuse options the estimate cannot use: deploy-time values, shares outside 0–1, watts that are not positive. */
export function checkFootprintOptions(options: FootprintOptions): void {
  for (const prop of ['expectedUtilization', 'expectedTuningSavings'] as const) {
    const v = options[prop];
    if (v === undefined) continue;
    requireKnown('SML-MEASURE', prop, v, 'the estimate is computed when the app synthesizes', 'give a number from 0 to 1');
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      refuse('SML-MEASURE', { prop, value: v, problem: 'must be a share from 0 to 1', fix: prop === 'expectedUtilization' ? 'e.g. 0.5 for 50 % average utilisation' : 'e.g. 0.2 when early stopping ends a fifth of the training time' });
    }
  }
  for (const [type, w] of Object.entries(options.instanceWatts ?? {})) {
    requireKnown('SML-MEASURE', `instanceWatts['${type}']`, w, 'the estimate is computed when the app synthesizes', 'give the watts as a number');
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      refuse('SML-MEASURE', { prop: `instanceWatts['${type}']`, value: w, problem: 'must be a positive number of watts per instance', fix: 'give the instance\'s draw at full load, e.g. 500' });
    }
  }
}

/** One job of a run: a baseline, a training job or a tuning job. */
export interface FootprintStep {
  /** Construct path of the definition. */
  readonly path: string;
  /** `baseline`, `training` or `tuning`. */
  readonly role: string;
  /** Instance type, or `set at deploy time`. */
  readonly instanceType: string;
  /** Instances per training job; absent when set at deploy time. */
  readonly instanceCount?: number;
  /** `1 × ml.m5.large`; for tuning `10 jobs × 1 × ml.m5.large`. */
  readonly instances: string;
  /** Managed spot training: spare capacity, not energy saved. */
  readonly spot: boolean;
  /** Tuning: the most training jobs of one run. */
  readonly trainingJobs?: number;
  /** Tuning: training jobs at a time. */
  readonly parallelTrainingJobs?: number;
  /** The longest the step can take (wall clock: MaxWait with spot, else MaxRuntime; a tuning job's MaxRuntime). */
  readonly maxHours?: number;
  /** Worst-case instance-hours. */
  readonly instanceHours?: number;
  /** Worst-case energy (kWh, PUE included). */
  readonly worstCaseKwh?: number;
  /** Expected energy under the estimate's assumptions (kWh, PUE included). */
  readonly expectedKwh?: number;
  /** The instance's power. */
  readonly power: InstancePowerFigure;
  /** How the worst case is bounded. */
  readonly bound: string;
}

/** One way through a run (e.g. the baseline meets its target and nothing else runs). */
export interface FootprintPath {
  /** What happens on this path. */
  readonly description: string;
  /** The steps that run, by construct path. */
  readonly steps: string[];
  /** Worst-case instance-hours of the path. */
  readonly instanceHours?: number;
  /** Worst-case energy of the path (kWh). */
  readonly worstCaseKwh?: number;
}

/** The worst case of one run. */
export interface WorstCase {
  /** Worst-case wall-clock hours of the longest path. */
  readonly worstCaseHours?: number;
  /** Worst-case instance-hours. */
  readonly worstCaseInstanceHours?: number;
  /** Worst-case energy (kWh, PUE included). */
  readonly worstCaseKwh?: number;
  /**
   * Worst-case emissions (kgCO2e): at the region's factor; for an environment-agnostic stack at the highest factor
   * in the table. Absent when the energy or the region's factor is unknown.
   */
  readonly worstCaseKgCo2e?: number;
  /** Environment-agnostic stacks: the worst case at the lowest factor in the table. */
  readonly lowestRegionKgCo2e?: number;
}

/** The same definitions under another tool's defaults. */
export interface FootprintComparison extends WorstCase {
  /** Whose defaults, e.g. `aws-cdk-lib SageMakerCreateTrainingJob defaults`. */
  readonly against: string;
  /** Where the defaults come from. */
  readonly source: string;
  /** Whether the definitions can be written with that tool at all. */
  readonly expressible: boolean;
  /** Exactly what the comparison changes, step by step. */
  readonly changes: string[];
  /** The instances under those defaults. */
  readonly instances?: string;
  /** Whether spot is on under those defaults. */
  readonly spot: boolean;
  /** Why the comparison has no figure, or what to keep in mind. */
  readonly note?: string;
}

/**
 * A carbon-aware start (SML-TIMESHIFT) in figures, labelled as an estimate: the run's energy at the threshold beside
 * the region's average factor. A run that starts because the grid is at or below the threshold starts at that
 * intensity; the grid can change while it runs, a run that starts at the deadline or after a source failure gets
 * whatever the grid is then, and the provider's figure (e.g. Electricity Maps' life-cycle intensity) is not computed
 * the way the region's annual factor is (location-based annual average).
 */
export interface CarbonAwareStartFootprint {
  /** The threshold in gCO2e/kWh; absent when set at deploy time. */
  readonly thresholdGCo2ePerKwh?: number;
  /** Worst-case energy × the threshold (kgCO2e), an estimate. */
  readonly worstCaseKgCo2eAtThreshold?: number;
  /** Expected energy × the threshold (kgCO2e), an estimate. */
  readonly expectedKgCo2eAtThreshold?: number;
  /** The region's average factor (kgCO2e/kWh); absent for an environment-agnostic stack or an unknown region. */
  readonly regionAverageKgCo2ePerKwh?: number;
  /** Worst-case energy × the region's average factor (kgCO2e). */
  readonly worstCaseKgCo2eAtRegionAverage?: number;
  /** What the figures mean and what they leave out. */
  readonly note: string;
}

/** The footprint of one run. */
export interface FootprintEstimate extends WorstCase {
  /** Construct path. */
  readonly path: string;
  /** `workflow`, `pipeline`, `tuning job` or `training job`. */
  readonly kind: string;
  /** The stack's name. */
  readonly stackName: string;
  /** The region and its carbon intensity (for an environment-agnostic stack: `set at deploy time`). */
  readonly region: RegionCarbonIntensity;
  /** The jobs of one run. */
  readonly steps: FootprintStep[];
  /** The ways through the run (baseline accepted, baseline missed, …). */
  readonly paths: FootprintPath[];
  /** Managed spot on every step (spare capacity; the kWh are the same). */
  readonly spot: boolean;
  /** Expected energy (kWh), an estimate under `assumptions`. */
  readonly expectedKwh?: number;
  /** Expected emissions (kgCO2e), an estimate under `assumptions`. */
  readonly expectedKgCo2e?: number;
  /** The assumptions of the expected figures and of the worst case. */
  readonly assumptions: string[];
  /** The sources of every factor, with their version. */
  readonly sources: string[];
  /** What could not be known, and why. */
  readonly unknowns: string[];
  /** The same definitions under aws-cdk-lib's and the SageMaker Python SDK's defaults. */
  readonly comparisons: FootprintComparison[];
  /** Settings that differ from the library's defaults. */
  readonly deviations: string[];
  /** The sustainability warnings (`SML-…`) on the definitions. */
  readonly warnings: string[];
  /** A carbon-aware start's threshold beside the region's average (SML-TIMESHIFT), when the run has one. */
  readonly carbonAwareStart?: CarbonAwareStartFootprint;
}

/** What the estimator needs from a definition, with the other tools' defaults substituted. */
interface TrainingShape {
  readonly path: string;
  readonly instanceType: string;
  readonly count?: number;
  readonly runtimeH?: number;
  readonly wallH?: number;
  readonly spot: boolean;
  readonly retries?: number;
}

interface TuningShape {
  readonly path: string;
  readonly job: TrainingShape;
  readonly jobs?: number;
  readonly parallel?: number;
  /** The tuning job's own MaxRuntime, hours (undefined: none). */
  readonly capH?: number;
  readonly capUnknown?: boolean;
}

interface StepShape {
  readonly role: string;
  readonly training?: TrainingShape;
  readonly tuning?: TuningShape;
}

interface Ctx {
  readonly options: FootprintOptions;
  readonly pue: number;
  readonly utilization: number;
  readonly unknowns: string[];
}

const CCF_CONSTANTS = `${CCF} packages/aws/src/domain/AwsFootprintEstimationConstants.ts`;
const STOPPING_CONDITION = 'SageMaker API StoppingCondition: with RetryStrategy, MaxRuntimeInSeconds bounds all attempts together';

/**
 * Worst-case and expected energy (kWh) and emissions (kgCO2e) of one run (SML-MEASURE), side by side with the same
 * definitions under aws-cdk-lib's and the SageMaker Python SDK's defaults. Spot changes where capacity comes from,
 * not the kWh of a job, so it never appears as energy saved.
 */
export class Footprint {
  /** CCF's power usage effectiveness for AWS (`PUE_AVG`). */
  public static readonly PUE: number = energyCoefficients().pue;

  /** One run of a training job on its own. */
  public static ofTrainingJob(job: SustainableTrainingJob, options: FootprintOptions = {}): FootprintEstimate {
    return estimateRun(job, 'training job', [{ role: 'training', training: trainingShape(job) }], [job], options);
  }

  /** One run of a tuning job on its own. */
  public static ofTuningJob(tuning: SustainableTuningJob, options: FootprintOptions = {}): FootprintEstimate {
    return estimateRun(tuning, 'tuning job', [{ role: 'tuning', tuning: tuningShape(tuning) }], [tuning, tuning.trainingJob], options);
  }

  /** One execution of a TrainingWorkflow: the baseline (if any), then the training or tuning job. */
  public static ofWorkflow(workflow: TrainingWorkflow, options: FootprintOptions = {}): FootprintEstimate {
    const run = ofOrchestrated(workflow, 'workflow', workflow.baseline, workflow.trainingJob, workflow.tuningJob, options);
    return workflow.carbonAwareStart ? withCarbonAwareStart(run, [workflow.carbonAwareStart.threshold]) : run;
  }

  /**
   * One execution of a TrainingPipeline with its parameters at their defaults (the `InstanceType` parameter can
   * change the main job's type per execution). Step caching can skip steps; the worst case assumes every step runs.
   */
  public static ofPipeline(pipeline: TrainingPipeline, options: FootprintOptions = {}): FootprintEstimate {
    return ofOrchestrated(pipeline, 'pipeline', pipeline.baseline, pipeline.trainingJob, pipeline.tuningJob, options);
  }

  /** The power of one training instance type (`ml.X` is looked up as `X`). */
  public static instancePower(instanceType: string, watts?: number): InstancePowerFigure {
    return instancePower(instanceType, watts);
  }

  /** How many training instance types have a known, an estimated or no power figure. */
  public static powerCoverage(): PowerCoverage {
    return powerCoverage();
  }

  private constructor() {}
}

/**
 * The run with its carbon-aware start in figures (SML-TIMESHIFT), at the highest of its thresholds (a pipeline can
 * have several schedules); the energy is the run's own, unchanged by when it starts.
 */
export function withCarbonAwareStart(run: FootprintEstimate, thresholds: number[]): FootprintEstimate {
  const known = thresholds.filter((t) => isKnownNumber(t));
  const t = known.length === thresholds.length && known.length > 0 ? Math.max(...known) : undefined;
  const at = (kwh: number | undefined, kgPerKwh: number | undefined) => (kwh !== undefined && kgPerKwh !== undefined ? kwh * kgPerKwh : undefined);
  const average = run.region.known ? run.region.kgCo2ePerKwh : undefined;
  const note = 'estimate: a run started below the threshold starts at that intensity; the grid can change while it runs, '
    + 'a start at the deadline or after a source failure gets the grid as it is then, and the provider\'s figure is not computed like the region\'s annual average'
    + (thresholds.length > 1 ? `; the highest of ${thresholds.length} schedules' thresholds` : '')
    + (t === undefined ? `; threshold ${DEPLOY_TIME}` : '')
    + (average === undefined ? `; region's average: ${run.region.known ? 'unknown' : run.region.region}` : '');
  const carbonAwareStart: CarbonAwareStartFootprint = {
    ...defined('thresholdGCo2ePerKwh', t),
    ...defined('worstCaseKgCo2eAtThreshold', at(run.worstCaseKwh, t === undefined ? undefined : t / 1000)),
    ...defined('expectedKgCo2eAtThreshold', at(run.expectedKwh, t === undefined ? undefined : t / 1000)),
    ...defined('regionAverageKgCo2ePerKwh', average),
    ...defined('worstCaseKgCo2eAtRegionAverage', at(run.worstCaseKwh, average)),
    note,
  };
  return { ...run, carbonAwareStart };
}

function ofOrchestrated(
  scope: IConstruct, kind: string, baseline: SustainableTrainingJob | undefined, job: SustainableTrainingJob,
  tuning: SustainableTuningJob | undefined, options: FootprintOptions,
): FootprintEstimate {
  const steps: StepShape[] = [];
  if (baseline) steps.push({ role: 'baseline', training: trainingShape(baseline) });
  steps.push(tuning ? { role: 'tuning', tuning: tuningShape(tuning) } : { role: 'training', training: trainingShape(job) });
  const defs: IConstruct[] = [scope, ...(baseline ? [baseline] : []), ...(tuning ? [tuning] : []), job];
  return estimateRun(scope, kind, steps, defs, options);
}

// --- shapes ------------------------------------------------------------------------------------------------------

/** Seconds of a Duration, or undefined when it is set at deploy time. */
function seconds(d: Duration | undefined): number | undefined {
  return d === undefined || !isKnownAmount(d) ? undefined : d.toSeconds({ integral: false });
}

/** A number, or undefined when it is set at deploy time. */
function num(n: number | undefined): number | undefined {
  return isKnownNumber(n) ? n : undefined;
}

function hours(s: number | undefined): number | undefined {
  return s === undefined ? undefined : s / 3600;
}

function trainingShape(job: SustainableTrainingJob): TrainingShape {
  const runtimeH = hours(seconds(job.maxRuntime));
  return {
    path: job.node.path,
    instanceType: job.instanceType.name,
    count: num(job.instanceCount),
    runtimeH,
    wallH: job.maxWait ? hours(seconds(job.maxWait)) : runtimeH,
    spot: job.spot,
    retries: num(job._spec.retryAttempts),
  };
}

function tuningShape(t: SustainableTuningJob): TuningShape {
  const cap = seconds(t.maxRuntime);
  return {
    path: t.node.path,
    job: trainingShape(t.trainingJob),
    jobs: num(t.maxTrainingJobs),
    parallel: num(t.maxParallelTrainingJobs),
    capH: hours(cap),
    capUnknown: cap === undefined,
  };
}

// --- the estimate ------------------------------------------------------------------------------------------------

interface StepCalc {
  readonly step: FootprintStep;
  readonly expectedKwh?: number;
}

function estimateRun(scope: IConstruct, kind: string, shapes: StepShape[], defs: IConstruct[], options: FootprintOptions): FootprintEstimate {
  checkFootprintOptions(options);
  const c = energyCoefficients();
  const utilization = options.expectedUtilization ?? c.avgCpuUtilizationPct / 100;
  const ctx: Ctx = { options, pue: c.pue, utilization, unknowns: [] };
  const steps = shapes.map((s) => calcStep(s, ctx).step);
  const paths = pathsOf(steps);
  const worst = paths[paths.length - 1];
  const worstSteps = steps.filter((s) => worst.steps.includes(s.path));

  const stack = Stack.of(scope);
  const regionName = options.region ?? stack.region;
  const region = RegionCarbon.of(regionName);
  const agnostic = Token.isUnresolved(regionName);
  const kwh = worst.worstCaseKwh;
  const expectedKwh = sumOrUndefined(worstSteps.map((s) => s.expectedKwh));
  const hi = RegionCarbon.highest();
  const lo = RegionCarbon.lowestInTable();
  const factor = agnostic ? hi.kgCo2ePerKwh : region.kgCo2ePerKwh;
  if (!agnostic && !region.known) ctx.unknowns.push(`emissions: the carbon intensity of ${region.region} is unknown (${region.source})`);

  const sources = dedupe([
    ...steps.flatMap((s) => s.power.sources.map((x) => `${s.power.lookedUpAs}: ${x}`)),
    `PUE ${c.pue}: ${CCF_CONSTANTS} (PUE_AVG)`,
    agnostic
      ? `carbon intensity: environment-agnostic stack, worst case at ${hi.region} ${fmtFactor(hi)}, best at ${lo.region} ${fmtFactor(lo)}; ${hi.vintage}`
      : `carbon intensity ${region.region}: ${fmtFactor(region)}; ${region.vintage}`,
    `time bound: ${STOPPING_CONDITION} (botocore SageMaker 2017-07-24)`,
  ]);
  const assumptions = [
    'worst case: every instance at 100 % utilisation for the whole bound; on a path with a baseline, the baseline misses its target and the main job runs too',
    'retries and spot interruptions run inside MaxRuntime (it bounds all attempts together); waiting for spot capacity draws no job power',
    `expected (an estimate): ${Math.round(utilization * 100)} % average utilisation of CPUs and GPUs${options.expectedUtilization === undefined ? " (CCF's AVG_CPU_UTILIZATION_2020)" : ''}, for the whole bound`,
    ...(shapes.some((s) => s.tuning) ? [`expected tuning: ${Math.round((options.expectedTuningSavings ?? 0) * 100)} % of the training time saved by early stopping and the completion criteria${options.expectedTuningSavings === undefined ? ' (no published figure, so none assumed; set expectedTuningSavings)' : ''}`] : []),
    ...(kind === 'pipeline' ? ["pipeline parameters at their defaults (the InstanceType parameter can change the main job's type per execution); step caching can skip a step, the worst case runs every step"] : []),
    'not counted: instance start-up, data download and model upload outside MaxRuntime, storage, network, embodied emissions',
  ];

  const lowFactor = agnostic ? lo.kgCo2ePerKwh : undefined;
  const comparisons = [compare(kind, shapes, 'awsCdkLib', ctx, factor, lowFactor), compare(kind, shapes, 'sageMakerSdk', ctx, factor, lowFactor)];
  return {
    path: scope.node.path,
    kind,
    stackName: stack.stackName,
    region,
    steps,
    paths,
    spot: steps.every((s) => s.spot),
    ...defined('worstCaseHours', sumOrUndefined(worstSteps.map((s) => s.maxHours))),
    ...defined('worstCaseInstanceHours', worst.instanceHours),
    ...defined('worstCaseKwh', kwh),
    ...defined('worstCaseKgCo2e', kwh !== undefined && factor !== undefined ? kwh * factor : undefined),
    ...defined('lowestRegionKgCo2e', agnostic && kwh !== undefined ? kwh * lo.kgCo2ePerKwh! : undefined),
    ...defined('expectedKwh', expectedKwh),
    ...defined('expectedKgCo2e', expectedKwh !== undefined && factor !== undefined ? expectedKwh * factor : undefined),
    assumptions,
    sources,
    unknowns: dedupe(ctx.unknowns),
    comparisons,
    deviations: dedupe(defs.flatMap((d) => deviationsOf(d))),
    warnings: dedupe(defs.flatMap((d) => warningsOf(d))),
  };
}

function calcStep(s: StepShape, ctx: Ctx): StepCalc {
  const job = s.training ?? s.tuning!.job;
  const watts = ctx.options.instanceWatts?.[job.instanceType] ?? ctx.options.instanceWatts?.[`ml.${job.instanceType.replace(/^ml\./, '')}`];
  const power = instancePower(job.instanceType, watts);
  const path = s.training?.path ?? s.tuning!.path;
  const unknown = (what: string) => ctx.unknowns.push(`${s.role} (${path}): ${what}`);
  if (power.maxWatts === undefined) unknown(`power of ${power.instanceType} is unknown: ${power.unknownBecause}; pass instanceWatts to estimate it`);
  if (job.count === undefined) unknown(`instanceCount is ${DEPLOY_TIME}`);
  if (job.runtimeH === undefined) unknown(`maxRuntime is ${DEPLOY_TIME}`);

  let instanceHours: number | undefined;
  let maxHours: number | undefined;
  let bound: string;
  let trainingJobs: number | undefined;
  let parallel: number | undefined;
  let expectedShare = 1;
  if (s.training) {
    instanceHours = mul(job.count, job.runtimeH);
    maxHours = job.wallH;
    bound = `${show(job.count)} × ${showH(job.runtimeH)} MaxRuntime${job.retries ? ` (which also bounds the ${job.retries} retry attempts)` : ''}`;
  } else {
    const t = s.tuning!;
    trainingJobs = t.jobs;
    parallel = t.parallel;
    if (t.jobs === undefined) unknown(`maxTrainingJobs is ${DEPLOY_TIME}`);
    if (t.parallel === undefined) unknown(`maxParallelTrainingJobs is ${DEPLOY_TIME}`);
    const byJobs = mul(t.jobs, job.runtimeH);
    const byCap = t.capH === undefined ? (t.capUnknown ? undefined : Infinity) : mul(t.parallel, t.capH);
    const jobHours = byJobs === undefined || byCap === undefined ? undefined : Math.min(byJobs, byCap);
    instanceHours = mul(job.count, jobHours);
    maxHours = t.capH ?? (t.jobs !== undefined && t.parallel !== undefined && job.wallH !== undefined ? Math.ceil(t.jobs / t.parallel) * job.wallH : undefined);
    const capped = byJobs !== undefined && byCap !== undefined && byCap < byJobs;
    bound = `${show(t.jobs)} job${t.jobs === 1 ? '' : 's'} × ${show(job.count)} × ${showH(job.runtimeH)} MaxRuntime, ${show(t.parallel)} at a time`
      + (t.capH !== undefined ? `; the tuning MaxRuntime (${showH(t.capH)}) ${capped ? `caps it at ${show(t.parallel)} × ${showH(t.capH)}` : 'does not cap it further'}` : '; no tuning MaxRuntime');
    expectedShare = 1 - (ctx.options.expectedTuningSavings ?? 0);
  }
  const worstCaseKwh = mul(instanceHours, power.maxWatts === undefined ? undefined : power.maxWatts * ctx.pue / 1000);
  const avgW = power.maxWatts === undefined ? undefined : power.idleWatts! + ctx.utilization * (power.maxWatts - power.idleWatts!);
  const expectedKwh = mul(mul(instanceHours, expectedShare), avgW === undefined ? undefined : avgW * ctx.pue / 1000);
  const instances = s.training ? `${show(job.count)} × ${job.instanceType}` : `${show(trainingJobs)} job${trainingJobs === 1 ? '' : 's'} × ${show(job.count)} × ${job.instanceType}`;
  return {
    step: {
      path,
      role: s.role,
      instanceType: job.instanceType,
      ...defined('instanceCount', job.count),
      instances,
      spot: job.spot,
      ...defined('trainingJobs', trainingJobs),
      ...defined('parallelTrainingJobs', parallel),
      ...defined('maxHours', maxHours),
      ...defined('instanceHours', instanceHours),
      ...defined('worstCaseKwh', worstCaseKwh),
      ...defined('expectedKwh', expectedKwh),
      power,
      bound,
    },
    expectedKwh,
  };
}

function pathsOf(steps: FootprintStep[]): FootprintPath[] {
  const path = (description: string, ss: FootprintStep[]): FootprintPath => ({
    description,
    steps: ss.map((s) => s.path),
    ...defined('instanceHours', sumOrUndefined(ss.map((s) => s.instanceHours))),
    ...defined('worstCaseKwh', sumOrUndefined(ss.map((s) => s.worstCaseKwh))),
  });
  const main = steps[steps.length - 1];
  if (steps.length === 1) return [path(`the ${main.role} job runs`, steps)];
  return [
    path('the baseline meets its target: only the baseline runs', [steps[0]]),
    path(`the baseline misses its target: the baseline, then the ${main.role} job (the gate after it runs nothing)`, steps),
  ];
}

// --- comparisons -----------------------------------------------------------------------------------------------------

function compare(kind: string, shapes: StepShape[], tool: 'awsCdkLib' | 'sageMakerSdk', ctx: Ctx, factor: number | undefined, lowFactor: number | undefined): FootprintComparison {
  const d = toolDefaults()[tool];
  const src = toolDefaults()._source.find((x: any) => x.tool === (tool === 'awsCdkLib' ? 'aws-cdk-lib' : 'SageMaker Python SDK'));
  const source = `${d.cite} (${src.tag ? `tag ${src.tag}, commit ${src.commit.slice(0, 8)}` : src.package})`;
  const changes: string[] = [];
  const swapTraining = (role: string, t: TrainingShape): TrainingShape => {
    let instanceType = t.instanceType;
    if (instanceType === TRAINING_DEFAULTS.instanceTypeName && d.instanceType) {
      instanceType = d.instanceType;
      changes.push(`${role}: instance ${t.instanceType} (library default) → ${d.instanceType}`);
    }
    let runtimeH = t.runtimeH;
    if (t.runtimeH !== undefined && t.runtimeH * 3600 === TRAINING_DEFAULTS.maxRuntime.toSeconds()) {
      runtimeH = d.maxRuntimeSeconds / 3600;
      changes.push(`${role}: maxRuntime ${showH(t.runtimeH)} (library default) → ${showH(runtimeH)}`);
    }
    if (t.spot) changes.push(`${role}: spot on → off${tool === 'awsCdkLib' ? ' (the task cannot express spot)' : ''}: the same kWh, from on-demand instead of spare capacity`);
    if (t.retries) changes.push(`${role}: ${t.retries} retries → none (no change to the bound: MaxRuntime covers all attempts)`);
    return { ...t, instanceType, runtimeH, wallH: runtimeH, spot: false, retries: 0 };
  };
  if (tool === 'awsCdkLib' && kind === 'pipeline') {
    return { against: d.name, source, expressible: false, spot: false, changes: [d.pipelineNote], note: d.pipelineNote };
  }
  if (tool === 'awsCdkLib' && shapes.some((s) => s.tuning)) {
    return {
      against: d.name, source, expressible: false, spot: false,
      changes: shapes.filter((s) => s.tuning).map((s) => `${s.role}: ${d.tuningNote}`),
      note: d.tuningNote,
    };
  }
  const swapped: StepShape[] = shapes.map((s) => {
    if (s.training) return { role: s.role, training: swapTraining(s.role, s.training) };
    const t = s.tuning!;
    const sdk = d.tuning;
    let jobs = t.jobs;
    if (t.jobs === DEFAULT_MAX_TRAINING_JOBS) {
      jobs = sdk.maxTrainingJobs;
      changes.push(`${s.role}: maxTrainingJobs ${t.jobs} (library default) → ${jobs} (${sdk.maxTrainingJobsNote})`);
    }
    changes.push(`${s.role}: early stopping → ${sdk.earlyStopping ? 'Auto' : 'Off'} (no change to the worst case)`);
    changes.push(`${s.role}: tuning MaxRuntime → none (${sdk.maxRuntimeNote})`);
    return { role: s.role, tuning: { ...t, job: swapTraining(`${s.role} training jobs`, t.job), jobs, parallel: t.parallel, capH: undefined, capUnknown: false } };
  });
  const quiet: Ctx = { ...ctx, unknowns: [] };
  const steps = swapped.map((s) => calcStep(s, quiet).step);
  const worst = pathsOf(steps).pop()!;
  const kwh = worst.worstCaseKwh;
  return {
    against: d.name,
    source,
    expressible: true,
    changes: changes.length > 0 ? changes : ['nothing: every setting already differs from the library\'s defaults'],
    instances: steps.map((s) => s.instances).join(' + '),
    spot: false,
    ...defined('worstCaseHours', sumOrUndefined(steps.map((s) => s.maxHours))),
    ...defined('worstCaseInstanceHours', worst.instanceHours),
    ...defined('worstCaseKwh', kwh),
    ...defined('worstCaseKgCo2e', kwh !== undefined && factor !== undefined ? kwh * factor : undefined),
    ...defined('lowestRegionKgCo2e', kwh !== undefined && lowFactor !== undefined ? kwh * lowFactor : undefined),
    ...(tool === 'sageMakerSdk' ? { note: d.instanceTypeNote } : {}),
  };
}

// --- deviations and warnings --------------------------------------------------------------------------------------

/** Settings of a definition that differ from the library's defaults (for the report). */
function deviationsOf(c: IConstruct): string[] {
  const name = c.node.id;
  const out: string[] = [];
  if (c instanceof SustainableTrainingJob) {
    const j = c;
    if (j.instanceType.name !== TRAINING_DEFAULTS.instanceTypeName) out.push(`${name}: instance ${j.instanceType.name}`);
    const count = num(j.instanceCount);
    if (count === undefined) out.push(`${name}: instanceCount ${DEPLOY_TIME}`);
    else if (count !== TRAINING_DEFAULTS.instanceCount) out.push(`${name}: ${count} instances`);
    const rt = seconds(j.maxRuntime);
    if (rt === undefined) out.push(`${name}: maxRuntime ${DEPLOY_TIME}`);
    else if (rt !== TRAINING_DEFAULTS.maxRuntime.toSeconds()) out.push(`${name}: maxRuntime ${showH(rt / 3600)}`);
    if (!j.spot) out.push(`${name}: spot off`);
    const wait = seconds(j.maxWait);
    if (j.spot && rt !== undefined && wait !== undefined && wait !== rt * TRAINING_DEFAULTS.maxWaitFactor) out.push(`${name}: maxWait ${showH(wait / 3600)}`);
    if (j.spot && !j._spec.checkpointBaseUri) out.push(`${name}: no checkpoints`);
    const retries = num(j._spec.retryAttempts);
    if (retries !== undefined && retries !== TRAINING_DEFAULTS.retryAttempts) out.push(`${name}: ${retries} retries`);
    if (!j._spec.tags.some((x) => x.Key === GuardTags.GUARD)) out.push(`${name}: guard off`);
    const vol = num(j._spec.volumeSizeGb);
    if (vol !== undefined && vol !== TRAINING_DEFAULTS.volumeSize.toGibibytes()) out.push(`${name}: volume ${vol} GiB`);
    if (j.debuggerRules.length > 0) out.push(`${name}: ${j.debuggerRules.length} Debugger rule(s)`);
  } else if (c instanceof SustainableTuningJob) {
    const t = c;
    if (t.strategy.name !== 'Bayesian') out.push(`${name}: ${t.strategy.name} search`);
    const jobs = num(t.maxTrainingJobs);
    if (jobs === undefined) out.push(`${name}: maxTrainingJobs ${DEPLOY_TIME}`);
    else if (jobs !== DEFAULT_MAX_TRAINING_JOBS) out.push(`${name}: ${jobs} training jobs`);
    const p = num(t.maxParallelTrainingJobs);
    if (p === undefined) out.push(`${name}: maxParallelTrainingJobs ${DEPLOY_TIME}`);
    else if (p !== 1) out.push(`${name}: ${p} jobs at a time`);
    if (!t.earlyStopping && t.strategy.name !== 'Hyperband') out.push(`${name}: early stopping off`);
  }
  return out;
}

/** The `SML-…` warnings published on a construct and its children, as `SML-X: message`. */
export function warningsOf(c: IConstruct): string[] {
  return c.node.findAll().flatMap((n) => n.node.metadata
    .filter((m) => m.type === 'aws:cdk:warning' && typeof m.data === 'string' && m.data.startsWith('SML-'))
    .map((m) => (m.data as string).replace(/ \[ack: [^\]]+\]$/, '')));
}

// --- helpers ------------------------------------------------------------------------------------------------------

function mul(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a * b;
}

function sumOrUndefined(xs: (number | undefined)[]): number | undefined {
  return xs.some((x) => x === undefined) ? undefined : xs.reduce<number>((s, x) => s + x!, 0);
}

function defined<K extends string>(key: K, value: number | undefined): { [k in K]?: number } {
  return (value === undefined || !Number.isFinite(value) ? {} : { [key]: value }) as { [k in K]?: number };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

function show(n: number | undefined): string {
  return n === undefined ? DEPLOY_TIME : String(n);
}

/** `8 h`, `90 min`, `(set at deploy time)`. */
export function showH(h: number | undefined): string {
  if (h === undefined) return DEPLOY_TIME;
  if (h < 1) return `${Math.round(h * 60 * 100) / 100} min`;
  return `${Math.round(h * 100) / 100} h`;
}
