/**
 * The predicates over each API shape, in the order the constructs check them: one list, run by the constructs on
 * the request they render (with their `Terms`, so findings name props) and by the `SustainableMlChecks` pack on the
 * synthesized resources of any app (with the API's terms). A rule is added to both by adding its predicate here.
 */
import { trainingJobDefinesMetricsOnce, tuningJobCompletes } from './accept';
import { checkpointsOutliveTheJob, trainingJobCheckpointsWithSpot } from './ckpt';
import { trainingJobCompilesWhereSupported } from './compile';
import { trainingJobIsWatched, trainingJobRuleConfigurationsWork } from './guard';
import { tuningJobStopsEarly } from './hpo-earlystop';
import { tuningJobRunsOneAtATime } from './hpo-parallel';
import { tuningJobSearchSpace, tuningJobTrainingJobCount } from './hpo-space';
import { tuningJobHyperband, tuningJobRandomSeed, tuningJobStrategy } from './hpo-strategy';
import { tuningJobWarmStart } from './hpo-warmstart';
import { trainingJobValuesFitTheApi } from './managed';
import { trainingJobIsBounded, tuningJobIsBounded } from './maxrun';
import { trainingJobNamesChannelsOnce } from './reuse';
import { API_TERMS, ApiShape, CheckContext, DEPLOY_TIME, field, RuleFinding, Terms } from './rule';
import { trainingJobFitsItsSilicon } from './silicon';
import { trainingJobUsesSpot, tuningDefinitions } from './spot';
import { trainingJobStartsSmall } from './start-small';

/** A predicate over one request shape. */
export type RequestCheck = (request: ApiShape, t: Terms, context: CheckContext) => RuleFinding[];

/** The predicates over a CreateTrainingJob request (also run on each training definition of a tuning job). */
export const TRAINING_JOB_CHECKS: readonly RequestCheck[] = [
  trainingJobIsBounded,
  trainingJobUsesSpot,
  trainingJobCheckpointsWithSpot,
  checkpointsOutliveTheJob,
  // SustainableTrainingJob's checks of its rendered request, in its constructor's old order
  trainingJobStartsSmall,
  trainingJobDefinesMetricsOnce,
  trainingJobRuleConfigurationsWork,
  trainingJobFitsItsSilicon,
  trainingJobIsWatched,
  trainingJobCompilesWhereSupported,
  trainingJobValuesFitTheApi,
  trainingJobNamesChannelsOnce,
];

/**
 * The predicates over a CreateHyperParameterTuningJob request itself (its training definitions aside), in the order
 * SustainableTuningJob checked them: search space, strategy, early stopping, Hyperband bounds, job count,
 * parallelism, run bound, completion criteria, random seed, warm start.
 */
export const TUNING_JOB_CHECKS: readonly RequestCheck[] = [
  tuningJobSearchSpace,
  tuningJobStrategy,
  tuningJobStopsEarly,
  tuningJobHyperband,
  tuningJobTrainingJobCount,
  tuningJobRunsOneAtATime,
  tuningJobIsBounded,
  tuningJobCompletes,
  tuningJobRandomSeed,
  tuningJobWarmStart,
];

/** The findings on a CreateTrainingJob request. */
export function trainingJobFindings(request: ApiShape, t: Terms = API_TERMS, context: CheckContext = {}): RuleFinding[] {
  return TRAINING_JOB_CHECKS.flatMap((check) => check(request, t, context));
}

/**
 * The findings on a CreateHyperParameterTuningJob request; with `definitions`, also on each training definition
 * (the pack; a SustainableTuningJob's definition was checked by its SustainableTrainingJob).
 */
export function tuningJobFindings(request: ApiShape, t: Terms = API_TERMS, definitions = true, context: CheckContext = {}): RuleFinding[] {
  return [
    // SageMaker adds the tuning job's Tags to every training job it launches (a JSONPath `Tags.$` is known only at run time)
    ...(definitions ? tuningDefinitions(request).flatMap((d) => trainingJobFindings(d, API_TERMS, { inheritedTags: field(request, 'Tags').known ? request?.Tags : DEPLOY_TIME })) : []),
    ...TUNING_JOB_CHECKS.flatMap((check) => check(request, t, context)),
  ];
}
