import { firstDuplicate } from './private/duplicates';
import { API_TERMS, ApiShape, field, refusal, RuleFinding, SustainabilityRule, Terms } from './rule';

/** SML-REUSE: Start from an existing model (`initialModel` channel) and warm-start tuning. */
export const REUSE: SustainabilityRule = {
  id: 'SML-REUSE',
  title: 'Start from an existing model (`initialModel` channel) and warm-start tuning',
  wellArchitected: ['MLSUS02-BP01'],
  rationale: 'Transfer learning and incremental training reach the target with a fraction of the compute of training from scratch.',
  fix: 'Set `initialModel` to a model artifact or a prior job, or warm-start the tuning job from its parents.',
};

// --- CreateTrainingJob request --------------------------------------------------------------------------------------

/** Compliant when every channel of a CreateTrainingJob request's `InputDataConfig` has its own `ChannelName`. */
export function trainingJobNamesChannelsOnce(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const channels = field(request, 'InputDataConfig');
  if (!channels.known || !Array.isArray(channels.value)) return [];
  const dup = firstDuplicate(channels.value.map((c: ApiShape) => c?.ChannelName));
  return dup === undefined ? [] : [refusal(REUSE.id, t, 'InputDataConfig', dup, 'channel name is used twice', 'give every channel its own name')];
}
