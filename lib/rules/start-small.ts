import { API_TERMS, ApiShape, field, refusal, RuleFinding, shown, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-START-SMALL: Small current-generation CPU instance, one instance, volume sized to need. */
export const START_SMALL: SustainabilityRule = {
  id: 'SML-START-SMALL',
  title: 'Small current-generation CPU instance, one instance, volume sized to need',
  wellArchitected: ['SUS05-BP01'],
  rationale: 'Most experiments fit on a small instance; scale up only when utilisation shows the need.',
  fix: 'Keep the default instance or choose the smallest type and count the workload needs.',
};

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

const COUNT = 'ResourceConfig.InstanceCount';
const VOLUME = 'ResourceConfig.VolumeSizeInGB';
const ENCRYPTION = 'EnableInterContainerTrafficEncryption';

/**
 * Compliant when a CreateTrainingJob request starts small: `ResourceConfig.InstanceCount` a whole number of at least
 * 1 (more than one warns: distributed training multiplies the footprint), `ResourceConfig.VolumeSizeInGB` 1–16,384
 * whole GiB, and a multi-instance job keeps `EnableInterContainerTrafficEncryption` on.
 */
export function trainingJobStartsSmall(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const resources = field(request, 'ResourceConfig');
  if (!resources.known) return [];
  return [...instanceCount(resources.value, t), ...volumeSize(resources.value, t), ...encryptsBetweenInstances(request, t)];
}

function instanceCount(resources: ApiShape | undefined, t: Terms): RuleFinding[] {
  const count = field(resources, 'InstanceCount');
  if (!count.known) return [unknown(START_SMALL.id, t.name(COUNT), 'SageMaker checks it when the job is created, and no warning can say whether it is more than one instance')];
  const n = count.value;
  if (n === undefined) return [];
  if (!Number.isInteger(n) || n < 1) {
    return [refusal(START_SMALL.id, t, COUNT, n, 'must be a whole number of at least 1', 'start with 1 instance and scale out only when utilisation shows the need')];
  }
  return n > 1 ? [warning(START_SMALL.id, `${t.name(COUNT)} ${shown(t, COUNT, n)}: distributed training multiplies the footprint; check that one instance is really too slow`)] : [];
}

function volumeSize(resources: ApiShape | undefined, t: Terms): RuleFinding[] {
  const volume = field(resources, 'VolumeSizeInGB');
  if (!volume.known) return [unknown(START_SMALL.id, t.name(VOLUME), 'SageMaker checks the 1–16,384 GiB range when the job is created')];
  const gb = volume.value;
  if (gb === undefined || (typeof gb === 'number' && Number.isInteger(gb) && gb >= 1 && gb <= 16384)) return [];
  return [refusal(START_SMALL.id, t, VOLUME, gb, `${gb} GiB is outside 1–16384 whole GiB`,
    'size the volume to what the job writes locally; FastFile input needs no room for the dataset')];
}

/** A multi-instance job (or one whose count is a deploy-time value) with inter-container traffic encryption off. */
function encryptsBetweenInstances(request: ApiShape, t: Terms): RuleFinding[] {
  const count = field(request?.ResourceConfig, 'InstanceCount');
  const multiInstance = !count.known || (typeof count.value === 'number' && count.value > 1);
  const encryption = field(request, ENCRYPTION);
  if (!multiInstance || !encryption.known || encryption.value === true) return [];
  return [warning(START_SMALL.id, `${t.name(ENCRYPTION)} is off for a multi-instance job: traffic between instances is not encrypted`)];
}
