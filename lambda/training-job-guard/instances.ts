/**
 * vCPUs, memory and accelerators of every SageMaker training instance type, used to normalise the per-instance
 * utilisation metrics (CPUUtilization is the sum over vCPUs, GPUUtilization the sum over GPUs), to estimate
 * accelerator-hours and to recommend a smaller type when a job ends (right-sizing.ts).
 *
 * The tables are the library's own `lib/data/training-instance-types.json` (its `_source` names botocore 1.43.107 and
 * aws/karpenter-provider-aws) and `lib/data/instance-generations.json` (EC2's previous-generation families); esbuild
 * bundles them into the handler, so there is one copy of the data in the repo and no data file to read at run time.
 */
import * as generations from '../../lib/data/instance-generations.json';
import * as data from '../../lib/data/training-instance-types.json';

interface Row {
  readonly family: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly accelerator: { readonly kind: string; readonly count: number } | null;
}

/** What kind of accelerator an instance carries. */
export type AcceleratorKind = 'gpu' | 'neuron' | 'none';

/** The specs the guard needs for one instance type. */
export interface InstanceSpec {
  /** vCPUs; undefined when the type is not in the table. */
  readonly vcpus?: number;
  readonly accelerator: AcceleratorKind;
  /** GPUs or Trainium devices per instance; undefined when unknown. */
  readonly acceleratorCount?: number;
  /** The family (`m5`, `g5`, …); undefined when the type is not in the table. */
  readonly family?: string;
  /** Memory in GiB; undefined when the type is not in the table. */
  readonly memoryGiB?: number;
}

/** A type of the table, with its specs all known. */
export interface KnownInstance {
  readonly instanceType: string;
  readonly family: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly accelerator: AcceleratorKind;
  /** GPUs or Trainium devices per instance (0 for CPU types). */
  readonly acceleratorCount: number;
}

let parsed: Map<string, KnownInstance> | undefined;

function table(): Map<string, KnownInstance> {
  if (!parsed) {
    parsed = new Map();
    const rows = ((data as any).default ?? data).instanceTypes as { [name: string]: Row };
    for (const [type, row] of Object.entries(rows)) {
      const acc = row.accelerator;
      parsed.set(type, {
        instanceType: type,
        family: row.family,
        vcpus: row.vcpu,
        memoryGiB: row.memoryGiB,
        accelerator: !acc ? 'none' : acc.kind === 'neuron' ? 'neuron' : 'gpu',
        acceleratorCount: acc?.count ?? 0,
      });
    }
  }
  return parsed;
}

/** Every training instance type of the table. */
export function knownInstances(): KnownInstance[] {
  return [...table().values()];
}

/** True when EC2 lists the family as previous generation (lib/data/instance-generations.json). */
export function isPreviousGeneration(family: string): boolean {
  const list = ((generations as any).default ?? generations).previousGenerationFamilies as string[];
  return list.includes(family);
}

/**
 * The specs of `instanceType`. Types missing from the table (newer than the table) fall back on the family prefix:
 * ml.p* and ml.g* are GPU types, ml.trn* Trainium; counts stay unknown, and the caller then does not normalise
 * (which over-states utilisation, so an unknown type is never judged idle too early).
 */
export function instanceSpec(instanceType: string): InstanceSpec {
  const known = table().get(instanceType);
  if (known) {
    return {
      vcpus: known.vcpus,
      accelerator: known.accelerator,
      ...(known.accelerator !== 'none' ? { acceleratorCount: known.acceleratorCount } : {}),
      family: known.family,
      memoryGiB: known.memoryGiB,
    };
  }
  if (/^ml\.(p|g)\d/.test(instanceType)) return { accelerator: 'gpu' };
  if (/^ml\.trn\d/.test(instanceType)) return { accelerator: 'neuron' };
  return { accelerator: 'none' };
}
