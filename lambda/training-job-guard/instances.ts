/**
 * vCPUs and accelerators of every SageMaker training instance type, used to normalise the per-instance
 * utilisation metrics (CPUUtilization is the sum over vCPUs, GPUUtilization the sum over GPUs) and to estimate
 * accelerator-hours.
 *
 * The table is the library's own `lib/data/training-instance-types.json` (its `_source` names botocore 1.43.107 and
 * aws/karpenter-provider-aws); esbuild bundles it into the handler, so there is one copy of the data in the repo and
 * no data file to read at run time.
 */
import * as data from '../../lib/data/training-instance-types.json';

interface Row {
  readonly vcpu: number;
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
}

let parsed: Map<string, InstanceSpec> | undefined;

function table(): Map<string, InstanceSpec> {
  if (!parsed) {
    parsed = new Map();
    const rows = ((data as any).default ?? data).instanceTypes as { [name: string]: Row };
    for (const [type, row] of Object.entries(rows)) {
      const acc = row.accelerator;
      parsed.set(type, {
        vcpus: row.vcpu,
        accelerator: !acc ? 'none' : acc.kind === 'neuron' ? 'neuron' : 'gpu',
        ...(acc ? { acceleratorCount: acc.count } : {}),
      });
    }
  }
  return parsed;
}

/**
 * The specs of `instanceType`. Types missing from the table (newer than the table) fall back on the family prefix:
 * ml.p* and ml.g* are GPU types, ml.trn* Trainium; counts stay unknown, and the caller then does not normalise
 * (which over-states utilisation, so an unknown type is never judged idle too early).
 */
export function instanceSpec(instanceType: string): InstanceSpec {
  const known = table().get(instanceType);
  if (known) return known;
  if (/^ml\.(p|g)\d/.test(instanceType)) return { accelerator: 'gpu' };
  if (/^ml\.trn\d/.test(instanceType)) return { accelerator: 'neuron' };
  return { accelerator: 'none' };
}
