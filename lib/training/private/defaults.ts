import { Duration, Size } from 'aws-cdk-lib';

/**
 * The training job's defaults that other parts of the library compare against (the footprint report's comparison
 * and its list of deviations). SustainableTrainingJob reads them from here: one home per default.
 */
export const TRAINING_DEFAULTS = {
  /** SML-START-SMALL. */
  instanceTypeName: 'ml.m5.large',
  /** SML-START-SMALL. */
  instanceCount: 1,
  /** SML-START-SMALL. */
  volumeSize: Size.gibibytes(30),
  /** SML-MAXRUN. */
  maxRuntime: Duration.hours(8),
  /** SML-SPOT: MaxWait = this × MaxRuntime. */
  maxWaitFactor: 2,
  /** SML-MAXRUN: retries after an InternalServerError, inside MaxRuntime. */
  retryAttempts: 2,
};
