/**
 * Power of SageMaker training instances with Cloud Carbon Footprint's method: vCPUs × watts per vCPU of the
 * processor microarchitecture (idle to full), plus GPUs × watts per GPU, plus memory above the SPECpower baseline
 * at 0.392 W/GB. `ml.X` is always looked up as `X` (CCF's own SageMaker estimates skip this and come out ~11× low).
 */
import { Token } from 'aws-cdk-lib';
import { CpuCoefficient, energyCoefficients, instanceProcessors, knownInstancePower, trainingInstanceTypes } from '../data';
import { DEPLOY_TIME } from './region-carbon';

/** How a power figure was obtained. */
export enum PowerStatus {
  /** CCF's own figure for this type (CCF maps its processor and GPUs). */
  KNOWN = 'known',
  /** Computed with CCF's method from a sourced processor/GPU table and CCF's coefficients. */
  ESTIMATED = 'estimated',
  /** A factor has no public figure (e.g. Trainium chips); no average is substituted. */
  UNKNOWN = 'unknown',
  /** Watts supplied by the user. */
  USER_SUPPLIED = 'user-supplied',
}

/** The power draw of one training instance (IT power, before PUE). */
export interface InstancePowerFigure {
  /** The SageMaker type asked for (`ml.p3.2xlarge`). */
  readonly instanceType: string;
  /** The EC2 type it was looked up as (`p3.2xlarge`). */
  readonly lookedUpAs: string;
  /** Known, estimated, unknown or user-supplied. */
  readonly status: PowerStatus;
  /** Watts at 0 % utilisation. */
  readonly idleWatts?: number;
  /** Watts at 100 % utilisation: the worst case. */
  readonly maxWatts?: number;
  /** How the figure was obtained. */
  readonly method: string;
  /** The sources of every factor, with their version. */
  readonly sources: string[];
  /** Why there is no figure, when there is none. */
  readonly unknownBecause?: string;
}

/** How many of the training instance types have a power figure. */
export interface PowerCoverage {
  /** Training instance types in the table. */
  readonly total: number;
  /** Types with CCF's own figure. */
  readonly known: number;
  /** Types computed with CCF's method from the processor table. */
  readonly estimated: number;
  /** Types without a figure. */
  readonly unknown: number;
  /** The types without a figure, with the reason. */
  readonly unknownTypes: string[];
}

/** The Cloud Carbon Footprint version the figures come from. */
export const CCF = 'cloud-carbon-footprint@b7a049c7 (2024-03-25)';
const COEF_2026 = 'ccf-coefficients@b0032d92 output/coefficients-aws-use.csv (SPECpower 2026-03-09 recalculation, 2026-04-24)';

/** The EC2 name of a SageMaker type: `ml.p3.2xlarge` → `p3.2xlarge`. */
export function ec2Name(instanceType: string): string {
  return instanceType.replace(/^ml\./, '');
}

/**
 * The power of a training instance type: CCF's figure where CCF covers the type, else CCF's method over the
 * processor table, else unknown. `watts`, when given, is used as the draw at any utilisation (user-supplied).
 */
export function instancePower(instanceType: string, watts?: number): InstancePowerFigure {
  if (watts === undefined) {
    const cached = figures.get(instanceType);
    if (cached) return cached;
  }
  const figure = lookUp(instanceType, watts);
  if (watts === undefined && figure.instanceType !== DEPLOY_TIME) figures.set(instanceType, Object.freeze(figure));
  return figure;
}

/** The library's figures, by instance type: the tables do not change while a process runs. */
const figures = new Map<string, InstancePowerFigure>();

function lookUp(instanceType: string, watts?: number): InstancePowerFigure {
  if (Token.isUnresolved(instanceType)) {
    return { instanceType: DEPLOY_TIME, lookedUpAs: DEPLOY_TIME, status: PowerStatus.UNKNOWN, method: 'none', sources: [], unknownBecause: `the instance type is ${DEPLOY_TIME}` };
  }
  const t = ec2Name(instanceType);
  if (watts !== undefined) {
    return { instanceType, lookedUpAs: t, status: PowerStatus.USER_SUPPLIED, idleWatts: watts, maxWatts: watts, method: `${watts} W supplied by the user (instanceWatts), used at any utilisation`, sources: ['user-supplied'] };
  }
  const known = knownInstancePower()[t];
  if (known) {
    return {
      instanceType,
      lookedUpAs: t,
      status: PowerStatus.KNOWN,
      idleWatts: known.instanceWattsExclPue.p0,
      maxWatts: known.instanceWattsExclPue.p100,
      method: `CCF's figure for ${t}: ${describeParts(known.effectiveVcpuForCompute, known.cpuMicroarchitectures, known.gpuCount, known.gpuModel, known.extraMemoryGB)}`,
      sources: [`${CCF} packages/aws/src/lib/AWSInstanceTypes.ts and AwsFootprintEstimationConstants.ts (CCF app coefficients)`],
    };
  }
  return estimatePower(instanceType);
}

/**
 * CCF's method over the processor table, whether or not CCF has its own figure for the type (for types CCF covers
 * it reproduces CCF's figure: the tests hold the two together).
 */
export function estimatePower(instanceType: string): InstancePowerFigure {
  const t = ec2Name(instanceType);
  const row = instanceProcessors()[t];
  const spec = trainingInstanceTypes()[`ml.${t}`];
  if (!row || !spec) {
    return { instanceType, lookedUpAs: t, status: PowerStatus.UNKNOWN, method: 'none', sources: [], unknownBecause: `${instanceType} is not a SageMaker training instance type the library knows` };
  }
  const processorSource = `processor ${row.cpu.platformCpu ? `'${row.cpu.platformCpu}' ` : ''}from ${sourceName(row.cpu.source)}`;
  if (row.unknownBecause) {
    return { instanceType, lookedUpAs: t, status: PowerStatus.UNKNOWN, method: 'none', sources: [processorSource], unknownBecause: row.unknownBecause };
  }
  const c = energyCoefficients();
  const set = row.cpu.coefficients === 'ccf-app' ? c.cpuApp : c.cpu2026;
  const coefs: CpuCoefficient[] = row.cpu.microarchitectures.map((a) => set[a]);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  // CCF takes the median instead of the mean when Sandy Bridge or Ivy Bridge is among the microarchitectures;
  // no training type maps to either.
  const cpuMin = mean(coefs.map((x) => x.min));
  const cpuMax = mean(coefs.map((x) => x.max));
  const gbPerChip = mean(coefs.map((x) => x.memoryGBPerChip));
  const burst = row.burstableBaselinePct;
  const vcpu = burst !== undefined ? spec.vcpu * burst / 50 : spec.vcpu;
  const extraGB = burst !== undefined ? 0 : extraMemoryGB(row.familyLargest.vcpu, row.familyLargest.memoryGiB, gbPerChip, spec.memoryGiB, c.vcpusPerPhysicalChip);
  const memW = extraGB * c.memoryKWhPerGBHour * 1000;
  const gpu = row.gpu ? c.gpu[row.gpu.model] : undefined;
  const gpuCount = row.gpu?.count ?? 0;
  const idle = vcpu * cpuMin + gpuCount * (gpu?.min ?? 0) + memW;
  const max = vcpu * cpuMax + gpuCount * (gpu?.max ?? 0) + memW;
  const sources = [
    processorSource,
    row.cpu.coefficients === 'ccf-app' ? `W/vCPU: CCF app coefficients, ${CCF} AwsFootprintEstimationConstants.ts` : `W/vCPU: ${COEF_2026}`,
    `memory rule: family largest ${row.familyLargest.type} (${row.familyLargest.vcpu} vCPU, ${row.familyLargest.memoryGiB} GiB) from ${sourceName(row.familyLargest.source)}; 0.392 W/GB (CCF)`,
  ];
  if (row.gpu) {
    sources.push(`GPU ${row.gpu.count} × ${row.gpu.model} from ${sourceName(row.gpu.source)}; W/GPU ${gpu!.method ? `extrapolated, not a CCF figure: ${gpu!.method}` : `CCF (Teads measurements), ${CCF}`}`);
  }
  return {
    instanceType,
    lookedUpAs: t,
    status: PowerStatus.ESTIMATED,
    idleWatts: round(idle),
    maxWatts: round(max),
    method: `CCF's method: ${describeParts(vcpu, row.cpu.microarchitectures, gpuCount, row.gpu?.model ?? null, extraGB)}${gpu?.method ? ' (GPU figure extrapolated)' : ''}`,
    sources,
  };
}

/** CCF's memory rule: GB above the SPECpower baseline per chip, shared by size (core/src/memory/helpers.ts). */
function extraMemoryGB(largestVcpu: number, largestMemory: number, gbPerChip: number, memory: number, vcpusPerChip: number): number {
  const chips = Math.ceil(largestVcpu / vcpusPerChip);
  const delta = largestMemory / chips - gbPerChip;
  return delta > 0 ? delta / (largestMemory / memory) : 0;
}

function describeParts(vcpu: number, archs: string[], gpus: number, gpuModel: string | null, extraGB: number): string {
  const parts = [`${round(vcpu)} vCPU × W/vCPU of ${archs.join(' + ')}`];
  if (gpus > 0) parts.push(`${gpus} × ${gpuModel}`);
  if (extraGB > 0) parts.push(`${round(extraGB)} GB memory above the SPECpower baseline`);
  return parts.join(' + ');
}

function sourceName(code: string): string {
  return ({
    'ccf-mapping': `CCF's instance mapping (${CCF})`,
    'ccf-family-table': `CCF's family table (${CCF})`,
    'ccf-gpu-mapping': `CCF's GPU mapping (${CCF})`,
    'ccf-2026-list': 'ccf-coefficients@b0032d92 data/aws-instances-latest-2026.csv',
    'training-table': 'the training instance table (EC2 DescribeInstanceTypes via karpenter; AWS Neuron docs)',
  } as { [k: string]: string })[code] ?? code;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

let coverage: PowerCoverage | undefined;
/** Coverage of the training instance table (computed once). */
export function powerCoverage(): PowerCoverage {
  if (coverage) return { ...coverage, unknownTypes: [...coverage.unknownTypes] };
  const names = Object.keys(trainingInstanceTypes());
  const figures = names.map((n) => instancePower(n));
  const unknown = figures.filter((f) => f.status === PowerStatus.UNKNOWN);
  return coverage = {
    total: names.length,
    known: figures.filter((f) => f.status === PowerStatus.KNOWN).length,
    estimated: figures.filter((f) => f.status === PowerStatus.ESTIMATED).length,
    unknown: unknown.length,
    unknownTypes: unknown.map((f) => `${f.instanceType}: ${f.unknownBecause}`),
  };
}
