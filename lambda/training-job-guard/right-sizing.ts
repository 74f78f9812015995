/**
 * Right-sizing from measured utilisation (SML-MEASURE), a pure function: from an ended job's average and peak
 * utilisation, the smallest current-generation type of the same family (so the same accelerator kind and model)
 * whose vCPUs, memory and GPUs cover the measured peaks with headroom.
 *
 * What one type must cover, per instance (the job keeps its instance count):
 * - vCPUs: peak CPU (percent of the instance's vCPUs) x vCPUs x (1 + headroom);
 * - memory: peak memory (percent) x memory GiB x (1 + headroom);
 * - GPUs (GPU types): the larger of peak GPU and peak GPU memory (percent per GPU) x GPUs x (1 + headroom), rounded
 *   up, at least one. The family fixes the GPU model, so GPU memory per GPU stays the same; counting the memory the
 *   job used over all its GPUs is safe both for replicated (data-parallel) and for sharded models.
 * Peaks are the highest one-period Maximum on any host, stricter than Compute Optimizer's P99.5 default threshold.
 *
 * "Smallest" orders the candidates by accelerators, then vCPUs, then memory (the table has no prices). No verdict
 * (`unknown`) when a metric the decision needs is missing or too short, for Trainium (SageMaker publishes no Neuron
 * utilisation metric for training jobs: CloudWatch shows CPU, memory, GPU, GPU memory and disk utilisation only),
 * for types not in the table, for heterogeneous clusters and for previous-generation families (SML-SILICON: move to
 * a current family first). Whether SageMaker offers the recommended type in the job's region is not known here.
 */
import { isPreviousGeneration, KnownInstance, knownInstances } from './instances';

/** A job's use of one resource over its run, in percent of the instance (per vCPU / per GPU where summed). */
export interface ResourceUsage {
  /** Mean over the run (mean of the hosts' means). */
  readonly averagePercent: number;
  /** Highest one-period Maximum on any host. */
  readonly peakPercent: number;
  /** Fewest periods with data on any host. */
  readonly points: number;
}

/** What a job used, per instance. */
export interface JobUsage {
  readonly instanceType?: string;
  /** Instances the job ran on. */
  readonly hosts: number;
  /** From TrainingStartTime to TrainingEndTime. */
  readonly hours: number;
  readonly heterogeneous?: boolean;
  /** Percent of the instance's vCPUs (SageMaker's CPUUtilization / vCPUs). */
  readonly cpu?: ResourceUsage;
  readonly memory?: ResourceUsage;
  /** Percent per GPU (GPUUtilization / GPUs). */
  readonly gpu?: ResourceUsage;
  /** Percent per GPU (GPUMemoryUtilization / GPUs). */
  readonly gpuMemory?: ResourceUsage;
  readonly disk?: ResourceUsage;
}

export interface RightSizingOptions {
  /** Headroom above each peak, as a fraction (0.2 = 20 %). */
  readonly headroom: number;
  /** Points each metric needs before a verdict. */
  readonly minPoints: number;
}

/** What a type must have to cover the peaks with headroom. */
export interface Needs {
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** GPUs (GPU types only). */
  readonly accelerators?: number;
}

export interface Recommendation {
  /**
   * `downsize`: a smaller type of the family would do; `keep`: the type is the smallest that covers the peaks
   * (right-sized, or bound by one resource); `unknown`: no verdict (see `text`).
   */
  readonly verdict: 'downsize' | 'keep' | 'unknown';
  readonly instanceType?: string;
  /** The smallest type that would do (`downsize` only). */
  readonly recommendedType?: string;
  readonly needs?: Needs;
  /** The resources whose need decided the size (`keep` and `downsize`). */
  readonly sizedBy?: readonly ('cpu' | 'memory' | 'gpu' | 'gpu-memory')[];
  readonly headroomPercent: number;
  /** One line for people, e.g. "12 % of 16 vCPUs on ml.m5.4xlarge over 3 h: ml.m5.xlarge would do". */
  readonly text: string;
}

const pct = (n: number): string => `${n >= 10 || Number.isInteger(n) ? Math.round(n) : Math.round(n * 10) / 10} %`;
const gib = (n: number): string => `${Math.round(n * 10) / 10} GiB`;

/** "45 min", "3 h", "2.5 h". */
export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  return `${Math.round(hours * 10) / 10} h`;
}

/** The smallest first: accelerators, then vCPUs, then memory. */
function bySize(a: KnownInstance, b: KnownInstance): number {
  return a.acceleratorCount - b.acceleratorCount || a.vcpus - b.vcpus || a.memoryGiB - b.memoryGiB;
}

/** Recommend an instance type for a job that ended, from what it used. */
export function recommend(usage: JobUsage, options: RightSizingOptions, table: readonly KnownInstance[] = knownInstances()): Recommendation {
  const headroomPercent = Math.round(options.headroom * 1000) / 10;
  const type = usage.instanceType;
  const over = ` over ${formatHours(usage.hours)}`;
  const unknown = (why: string): Recommendation => ({
    verdict: 'unknown', ...(type ? { instanceType: type } : {}), headroomPercent, text: `${type ?? 'unknown type'}${over}: no recommendation, ${why}`,
  });
  if (!type) return unknown('the job names no instance type');
  if (usage.heterogeneous) return unknown('a heterogeneous cluster (instance groups of different types)');
  const current = table.find((t) => t.instanceType === type);
  if (!current) return unknown(`${type} is not in the instance table (lib/data/training-instance-types.json)`);
  if (current.accelerator === 'neuron') {
    return unknown('SageMaker publishes no Neuron (Trainium) utilisation metric for training jobs, so the accelerators\' use is unknown');
  }
  if (isPreviousGeneration(current.family)) {
    return unknown(`ml.${current.family} is a previous-generation family (SML-SILICON): move to a current-generation family first`);
  }
  const required: [string, ResourceUsage | undefined][] = [['CPUUtilization', usage.cpu], ['MemoryUtilization', usage.memory]];
  if (current.accelerator === 'gpu') required.push(['GPUUtilization', usage.gpu], ['GPUMemoryUtilization', usage.gpuMemory]);
  const missing = required.filter(([, u]) => !u).map(([name]) => name);
  if (missing.length) return unknown(`no ${missing.join(', ')} data`);
  const short = required.filter(([, u]) => u!.points < options.minPoints).map(([name]) => name);
  if (short.length) return unknown(`fewer than ${options.minPoints} data points of ${short.join(', ')}`);

  const factor = 1 + options.headroom;
  const cpu = usage.cpu!;
  const memory = usage.memory!;
  const needs: { vcpus: number; memoryGiB: number; accelerators?: number } = {
    vcpus: round2((cpu.peakPercent / 100) * current.vcpus * factor),
    memoryGiB: round2((memory.peakPercent / 100) * current.memoryGiB * factor),
  };
  let gpuFor: { util: number; mem: number } | undefined;
  if (current.accelerator === 'gpu') {
    gpuFor = {
      util: (usage.gpu!.peakPercent / 100) * current.acceleratorCount * factor,
      mem: (usage.gpuMemory!.peakPercent / 100) * current.acceleratorCount * factor,
    };
    needs.accelerators = Math.max(1, Math.ceil(Math.max(gpuFor.util, gpuFor.mem) - 1e-9));
  }
  const fits = (t: KnownInstance): boolean => t.vcpus >= needs.vcpus && t.memoryGiB >= needs.memoryGiB
    && (needs.accelerators === undefined || t.acceleratorCount >= needs.accelerators);
  const family = table.filter((t) => t.family === current.family && t.accelerator === current.accelerator).sort(bySize);
  const smallest = family.find(fits);

  // What decides the size: each resource whose need a one-step-smaller type in the family would not cover.
  const sizedBy: ('cpu' | 'memory' | 'gpu' | 'gpu-memory')[] = [];
  const chosen = smallest && bySize(smallest, current) < 0 ? smallest : current;
  const below = family.filter((t) => bySize(t, chosen) < 0);
  const next = below[below.length - 1];
  if (next) {
    if (next.vcpus < needs.vcpus) sizedBy.push('cpu');
    if (next.memoryGiB < needs.memoryGiB) sizedBy.push('memory');
    if (gpuFor && next.acceleratorCount < Math.ceil(gpuFor.util - 1e-9)) sizedBy.push('gpu');
    if (gpuFor && next.acceleratorCount < Math.ceil(gpuFor.mem - 1e-9)) sizedBy.push('gpu-memory');
  }

  const lead = current.accelerator === 'gpu'
    ? `${pct(usage.gpu!.averagePercent)} of ${current.acceleratorCount} GPU${current.acceleratorCount > 1 ? 's' : ''} on ${type}${over}`
    : `${pct(cpu.averagePercent)} of ${current.vcpus} vCPUs on ${type}${over}`;
  const peaks = [
    `CPU ${pct(cpu.peakPercent)} of ${current.vcpus} vCPUs`,
    `memory ${pct(memory.peakPercent)} of ${gib(current.memoryGiB)}`,
    ...(gpuFor ? [`GPU ${pct(usage.gpu!.peakPercent)}`, `GPU memory ${pct(usage.gpuMemory!.peakPercent)}`] : []),
  ].join(', ');
  const detail = `(peaks: ${peaks}; ${headroomPercent} % headroom)`;
  const base = { instanceType: type, needs, sizedBy, headroomPercent };

  if (smallest && bySize(smallest, current) < 0) {
    return { verdict: 'downsize', ...base, recommendedType: smallest.instanceType, text: `${lead}: ${smallest.instanceType} would do ${detail}` };
  }
  const binding = sizedBy.length ? `; ${sizedBy.join(' and ')} decide${sizedBy.length > 1 ? '' : 's'} the size` : '';
  if (!next) {
    const need = needs.accelerators !== undefined ? `; the peaks need ${needs.accelerators} of ${current.acceleratorCount} GPUs` : '';
    return { verdict: 'keep', ...base, text: `${lead}: ${type} is the smallest ml.${current.family} size${need} ${detail}` };
  }
  if (!smallest || bySize(smallest, current) > 0) {
    return { verdict: 'keep', ...base, text: `${lead}: keep ${type}, the peaks leave less than the headroom${binding} ${detail}` };
  }
  return { verdict: 'keep', ...base, text: `${lead}: ${type} is right-sized${binding} ${detail}` };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
