import { Duration } from 'aws-cdk-lib';
import { error, RuleFinding, SustainabilityRule } from './rule';

/**
 * SML-TIMESHIFT: Optional carbon-aware start: the expensive step waits, at most a day, for a lower-carbon window; a
 * failing intensity source never blocks a run.
 *
 * Sustainability Pillar SUS03-BP01 "Optimize software and architecture for asynchronous and scheduled jobs":
 * "Schedule jobs during times of day where carbon intensity for power is lowest"
 * (https://docs.aws.amazon.com/wellarchitected/2022-03-31/framework/sus_sus_software_a2.html); the current text
 * (https://docs.aws.amazon.com/wellarchitected/latest/sustainability-pillar/sus_sus_software_a2.html): "For requests
 * or jobs that can be processed anytime, use scheduling mechanisms".
 */
export const TIMESHIFT: SustainabilityRule = {
  id: 'SML-TIMESHIFT',
  title: 'Optional carbon-aware start: the expensive step waits, at most a day, for a lower-carbon window; a failing intensity source never blocks a run',
  wellArchitected: ['SUS03-BP01'],
  rationale: 'The same training run emits less when the grid is cleaner, and most training can wait a few hours; the wait is bounded and fails open.',
  fix: 'Set `carbonAwareStart` with a `maxDelay` of at most one day and a `checkEvery` of at least five minutes.',
};

/** The longest a carbon-aware start may wait (`maxDelay`). */
export const MAX_CARBON_AWARE_DELAY = Duration.days(1);
/**
 * The shortest interval between two readings (`checkEvery`): providers publish new values every 5 to 60 minutes,
 * and every check adds events to the execution history (25,000 at most per execution, Step Functions service
 * quotas: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 */
export const MIN_CARBON_CHECK_INTERVAL = Duration.minutes(5);

/**
 * Compliant when a carbon-aware wait is bounded: `maxDelay` (seconds) at most one day, `checkEvery` at least five
 * minutes and not longer than `maxDelay`. Each finding names the setting (`maxDelay`, `checkEvery`) it is about.
 */
export function carbonAwareWaitIsBounded(maxDelaySeconds: number, checkEverySeconds: number): (RuleFinding & { readonly setting: string })[] {
  const findings: (RuleFinding & { readonly setting: string })[] = [];
  const max = MAX_CARBON_AWARE_DELAY.toSeconds();
  const min = MIN_CARBON_CHECK_INTERVAL.toSeconds();
  if (maxDelaySeconds > max) {
    findings.push({ ...error(TIMESHIFT.id, `is longer than ${MAX_CARBON_AWARE_DELAY.toHumanString()}: a run that can wait longer is no longer the same job, and the training data and deadline move on`), setting: 'maxDelay' });
  }
  if (checkEverySeconds < min) {
    findings.push({ ...error(TIMESHIFT.id, `is shorter than ${MIN_CARBON_CHECK_INTERVAL.toHumanString()}: providers publish new values every 5 to 60 minutes, and every check adds events to the execution history (25,000 at most)`), setting: 'checkEvery' });
  } else if (checkEverySeconds > maxDelaySeconds) {
    findings.push({ ...error(TIMESHIFT.id, `is longer than maxDelay (${Duration.seconds(maxDelaySeconds).toHumanString()}), so the run could never wait for a second reading`), setting: 'checkEvery' });
  }
  return findings;
}
