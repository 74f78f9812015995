/**
 * The predicates over each API shape, in the order the constructs check them: one list, run by the constructs on
 * the request they render (with their `Terms`, so findings name props) and by the `SustainableMlChecks` pack on the
 * synthesized resources of any app (with the API's terms). A rule is added to both by adding its predicate here.
 */
import { trainingJobDefinesMetricsOnce, trainingJobMetricsCaptureAValue, tuningJobCompletes } from './accept';
import { pipelineCachesSteps } from './cache';
import { checkpointsOutliveTheJob, trainingJobCheckpointsWithSpot } from './ckpt';
import { trainingJobCompilesWhereSupported } from './compile';
import { trainingJobIsWatched, trainingJobRuleConfigurationsWork } from './guard';
import { tuningJobStopsEarly } from './hpo-earlystop';
import { tuningJobRunsOneAtATime } from './hpo-parallel';
import { tuningJobSearchSpace, tuningJobTrainingJobCount } from './hpo-space';
import { tuningJobHyperband, tuningJobRandomSeed, tuningJobStrategy } from './hpo-strategy';
import { tuningJobWarmStart } from './hpo-warmstart';
import { idleShutdownIgnoresConnections, notebookStaysInItsVpc, notebookStopsWhenIdle, notebookUsersCannotRemoveTheIdleCheck } from './idle-notebook';
import { pipelineInstanceChoicesTakeTheVolumeKey, trainingJobValuesFitTheApi, trainingJobVolumeKeyFitsTheInstance } from './managed';
import { trainingJobIsBounded, tuningJobIsBounded } from './maxrun';
import { trainingJobNamesChannelsOnce } from './reuse';
import { API_TERMS, ApiShape, CheckContext, DEPLOY_TIME, field, RuleFinding, Terms } from './rule';
import { notebookInstanceTypeIsCurrent, pipelineInstanceChoicesAreCurrent, trainingJobFitsItsSilicon } from './silicon';
import { notebookInstanceTypeIsKnown, notebookInstanceTypeIsSmall, pipelineInstanceChoicesAreSmall, pipelineInstanceChoicesFitTheVolume, trainingJobStartsSmall, trainingJobVolumeFitsLocalStorage } from './start-small';
import { trainingJobUsesSpot, tuningDefinitions } from './spot';

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
  trainingJobVolumeFitsLocalStorage,
  trainingJobVolumeKeyFitsTheInstance,
  trainingJobDefinesMetricsOnce,
  trainingJobMetricsCaptureAValue,
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

// --- notebooks and pipelines (SustainableNotebookInstance, NotebookIdleShutdown, TrainingPipeline) -------------------

/**
 * The predicates over a notebook instance's properties (`AWS::SageMaker::NotebookInstance`), with its lifecycle
 * scripts as context: instance type first (an unknown type is refused), then idle shutdown, network and root access.
 */
export const NOTEBOOK_INSTANCE_CHECKS: readonly RequestCheck[] = [
  notebookInstanceTypeIsKnown,
  notebookInstanceTypeIsCurrent,
  notebookInstanceTypeIsSmall,
  notebookStopsWhenIdle,
  notebookStaysInItsVpc,
  notebookUsersCannotRemoveTheIdleCheck,
];

/** The predicates over a notebook lifecycle configuration's properties (each `Content` decoded to its script). */
export const NOTEBOOK_LIFECYCLE_CHECKS: readonly RequestCheck[] = [
  idleShutdownIgnoresConnections,
];

/** The predicates over a SageMaker pipeline definition (its training and tuning requests aside). */
export const PIPELINE_DEFINITION_CHECKS: readonly RequestCheck[] = [
  pipelineInstanceChoicesAreSmall,
  pipelineInstanceChoicesFitTheVolume,
  pipelineInstanceChoicesTakeTheVolumeKey,
  pipelineInstanceChoicesAreCurrent,
  pipelineCachesSteps,
];

/** The findings on a notebook instance's properties. */
export function notebookInstanceFindings(properties: ApiShape, t: Terms = API_TERMS, context: CheckContext = {}): RuleFinding[] {
  return NOTEBOOK_INSTANCE_CHECKS.flatMap((check) => check(properties, t, context));
}

/** The findings on a notebook lifecycle configuration (properties with decoded scripts). */
export function notebookLifecycleFindings(config: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return NOTEBOOK_LIFECYCLE_CHECKS.flatMap((check) => check(config, t, {}));
}

/** The findings on a pipeline definition itself (the pack also runs the request checks on its steps' requests). */
export function pipelineDefinitionFindings(definition: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  return PIPELINE_DEFINITION_CHECKS.flatMap((check) => check(definition, t, {}));
}
