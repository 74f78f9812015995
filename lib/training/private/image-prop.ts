import { refuse } from '../../private/messages';
import { typeName } from '../../private/synth-value';
import { TrainingImage } from '../image';

/**
 * The training image a plain-JavaScript caller passed: refused, naming the prop and the type expected, when it is
 * missing or not a TrainingImage (a URI string included: `TrainingImage.fromUri` grants the pull it needs).
 */
export function checkImage(value: unknown, prop = 'image'): asserts value is TrainingImage {
  if (value instanceof TrainingImage) return;
  refuse('SML-MANAGED', {
    prop,
    value,
    problem: value === undefined
      ? 'is required: the container the job runs'
      : `must be a TrainingImage, and it is ${typeName(value)}`,
    fix: typeof value === 'string'
      ? `write TrainingImage.fromUri('${value}')`
      : "pass e.g. TrainingImage.fromUri('<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>')",
  });
}
