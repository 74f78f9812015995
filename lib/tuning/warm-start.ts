import { refuseFindings } from '../rules/apply';
import { MAX_WARM_START_PARENTS, warmStartParentCount, warmStartParentNames, warmStartParentsOnce, warmStartType } from '../rules/hpo-warmstart';
import { propTerms } from '../rules/rule';
import type { SustainableTuningJob } from './tuning-job';

/** What the new search may assume about its parents. */
export enum WarmStartType {
  /** Same data and training image as the parents; ranges and static values may change. */
  IDENTICAL_DATA_AND_ALGORITHM = 'IdenticalDataAndAlgorithm',
  /** Similar data or algorithm; the parents' results are a prior, not a promise. */
  TRANSFER_LEARNING = 'TransferLearning',
}

export { MAX_WARM_START_PARENTS };

/** What the fields of a WarmStartConfig are called in a construct's messages (`warmStart.parents`, …). */
export const WARM_START_FIELDS = {
  'WarmStartConfig': 'warmStart',
  'WarmStartConfig.ParentHyperParameterTuningJobs': 'warmStart.parents',
  'WarmStartConfig.WarmStartType': 'warmStart.type',
};
const WARM_START_TERMS = propTerms(WARM_START_FIELDS);

/**
 * One parent of a warm-started search: a finished tuning job by name, or the latest completed run of a
 * SustainableTuningJob definition, looked up when the workflow runs (TrainingWorkflow only: SageMaker Pipelines
 * has no step that can look it up).
 */
export class WarmStartParent {
  /** A finished tuning job by name (≤ 32 characters). */
  public static fromName(name: string): WarmStartParent {
    // The name judged in the API's shape, by the predicate SustainableTuningJob and SustainableMlChecks run.
    refuseFindings(warmStartParentNames({ ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: name }] }, WARM_START_TERMS));
    return new WarmStartParent(name, undefined, false);
  }

  /**
   * The latest completed run of another tuning definition, found at run time by TrainingWorkflow: the newest
   * completed tuning job named `<its prefix>-<run id>` (ListHyperParameterTuningJobs matches names by substring,
   * so jobs of other prefixes that contain this one are skipped). When none has completed yet, the run starts cold.
   */
  public static latestRunOf(tuningJob: SustainableTuningJob): WarmStartParent {
    return new WarmStartParent(undefined, tuningJob, false);
  }

  /**
   * The latest completed run of the same definition: each run learns from the one before (SML-REUSE). Looked up at
   * run time by TrainingWorkflow; the first run starts cold.
   */
  public static previousRun(): WarmStartParent {
    return new WarmStartParent(undefined, undefined, true);
  }

  /** The parent's name, when it is known at synth time. */
  public readonly name?: string;
  /** The definition whose latest completed run is the parent. */
  public readonly tuningJob?: SustainableTuningJob;
  /** True for the latest completed run of the same definition. */
  public readonly isPreviousRun: boolean;

  private constructor(name: string | undefined, tuningJob: SustainableTuningJob | undefined, isPreviousRun: boolean) {
    this.name = name;
    this.tuningJob = tuningJob;
    this.isPreviousRun = isPreviousRun;
  }

  /** True when the parent is looked up at run time. */
  public get resolvedAtRunTime(): boolean {
    return this.name === undefined;
  }
}

/** Warm start of a SustainableTuningJob (SML-HPO-WARMSTART, SML-REUSE). */
export class WarmStart {
  /** Warm start from up to 5 parents. */
  public static fromParents(parents: WarmStartParent[], type: WarmStartType): WarmStart {
    return new WarmStart(parents, type);
  }

  /** Warm start from up to 5 finished tuning jobs, by name. */
  public static fromParentNames(names: string[], type: WarmStartType): WarmStart {
    return new WarmStart(names.map((n) => WarmStartParent.fromName(n)), type);
  }

  /** Warm start from the latest completed run of the same definition (TrainingWorkflow only). */
  public static fromPreviousRun(type: WarmStartType = WarmStartType.IDENTICAL_DATA_AND_ALGORITHM): WarmStart {
    return new WarmStart([WarmStartParent.previousRun()], type);
  }

  private constructor(
    /** The parents. */
    public readonly parents: WarmStartParent[],
    /** The warm-start type. */
    public readonly type: WarmStartType,
  ) {
    // Judged in the API's shape (WarmStartConfig) by the predicates SustainableTuningJob and SustainableMlChecks run;
    // a parent looked up at run time stands for itself by a label, so that it too is listed once.
    const labels = parents.map((p) => p.name ?? (p.isPreviousRun ? '<previous run>' : `<latest run of ${p.tuningJob!.node.path}>`));
    const config = { ParentHyperParameterTuningJobs: labels.map((n) => ({ HyperParameterTuningJobName: n })), WarmStartType: type };
    refuseFindings([...warmStartParentCount(config, WARM_START_TERMS), ...warmStartParentsOnce(config, WARM_START_TERMS), ...warmStartType(config, WARM_START_TERMS)]);
  }

  /** True when at least one parent is looked up at run time. */
  public get resolvedAtRunTime(): boolean {
    return this.parents.some((p) => p.resolvedAtRunTime);
  }
}
