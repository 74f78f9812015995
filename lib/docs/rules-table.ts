import { allRules } from '../rules';

/** Which constructs carry each rule (the README's practice → construct → rule table). */
const CARRIERS: { [id: string]: string } = {
  'SML-ACCEPT': 'Objective, SustainableTuningJob, TrainingWorkflow / TrainingPipeline gate',
  'SML-BASELINE': 'TrainingWorkflow, TrainingPipeline (`baseline`)',
  'SML-REUSE': 'SustainableTrainingJob (`initialModel`), SustainableTuningJob (warm start)',
  'SML-START-SMALL': 'SustainableTrainingJob, TrainingInstance',
  'SML-SILICON': 'TrainingInstance, TrainingImage (Neuron images by name), SustainableTrainingJob',
  'SML-COMPILE': 'SustainableTrainingJob (`trainingCompiler`)',
  'SML-SPOT': 'SustainableTrainingJob',
  'SML-CKPT': 'SustainableTrainingJob, MlArtifactsBucket',
  'SML-MAXRUN': 'SustainableTrainingJob, TrainingWorkflow',
  'SML-GUARD': 'TrainingJobGuard, DebuggerRule, SustainableTrainingJob (guard tag)',
  'SML-HPO-STRATEGY': 'SustainableTuningJob',
  'SML-HPO-PARALLEL': 'SustainableTuningJob',
  'SML-HPO-SPACE': 'SustainableTuningJob (ranges)',
  'SML-HPO-EARLYSTOP': 'SustainableTuningJob',
  'SML-HPO-WARMSTART': 'SustainableTuningJob (WarmStart)',
  'SML-IDLE-NOTEBOOK': 'NotebookIdleShutdown, SustainableNotebookInstance',
  'SML-IDLE-STUDIO': 'StudioIdleShutdown',
  'SML-MANAGED': 'TrainingWorkflow, TrainingPipeline; values checked against the SageMaker API (image URI, channels, initial model, hyperparameters, environment)',
  'SML-ARTIFACTS': 'MlArtifactsBucket, SustainableTrainingJob',
  'SML-LOGS': 'TrainingWorkflow, TrainingJobGuard, SageMakerLogRetention',
  'SML-REGION': 'RegionCarbon, TrainingWorkflow / TrainingPipeline (a warning per stack in a high-carbon region)',
  'SML-MEASURE': 'Footprint, FootprintReport; TrainingEfficiencyDashboard',
  'SML-BUDGET': 'TrainingWorkflow / TrainingPipeline (`carbonBudget`), context `cdk-sustainable-ml:carbonBudget`, FootprintReport (`carbonBudget`)',
  'SML-CACHE': 'TrainingPipeline',
  'SML-TIMESHIFT': 'TrainingWorkflow (`carbonAwareStart`), CarbonAwareSchedule (TrainingPipeline), CarbonIntensitySource',
};

/** The rule table of the README, rendered from the registry. */
export function renderRulesTable(): string {
  const rows = allRules().map((r) => `| \`${r.id}\` | ${r.title} | ${CARRIERS[r.id] ?? ''} | ${r.wellArchitected.join(', ')} |`);
  return ['| rule id | sustainable default or refusal | where | Well-Architected |', '|---|---|---|---|', ...rows].join('\n');
}
