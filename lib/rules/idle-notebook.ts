import { isKnown, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

/** SML-IDLE-NOTEBOOK: Notebook instances stop when idle. */
export const IDLE_NOTEBOOK: SustainabilityRule = {
  id: 'SML-IDLE-NOTEBOOK',
  title: 'Notebook instances stop when idle',
  wellArchitected: ['MLSUS03-BP01', 'SUS02-BP03'],
  rationale: 'An idle notebook instance draws power around the clock.',
  fix: 'Attach NotebookIdleShutdown (SustainableNotebookInstance does it by default).',
};

/**
 * True when a lifecycle script installs an idle shutdown: this library's NotebookIdleShutdown (`idle_check.py`) or
 * the AWS sample's `autostop.py` (github.com/aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples).
 */
export function isIdleShutdownScript(script: string): boolean {
  return /NotebookIdleShutdown \(SML-IDLE-NOTEBOOK\)|idle_check\.py|autostop\.py/.test(script);
}

/** A notebook instance as the rule needs it: its lifecycle config name and, when found in the app, its scripts. */
export interface NotebookInstanceShape {
  /** `LifecycleConfigName` of the notebook instance (undefined: none). */
  readonly lifecycleConfigName?: unknown;
  /** The decoded `OnStart`/`OnCreate` scripts of that configuration; undefined when they cannot be read at synth. */
  readonly lifecycleScripts?: string[];
}

/** Compliant when a notebook instance has a lifecycle configuration whose scripts stop it when idle. */
export function notebookStopsWhenIdle(nb: NotebookInstanceShape): RuleFinding[] {
  if (nb.lifecycleConfigName === undefined) {
    return [warning(IDLE_NOTEBOOK.id, 'the notebook instance has no lifecycle configuration, so nothing stops it when idle')];
  }
  if (nb.lifecycleScripts === undefined) {
    return [unknown(IDLE_NOTEBOOK.id, 'LifecycleConfigName', isKnown(nb.lifecycleConfigName)
      ? 'names a lifecycle configuration defined outside this app: whether it stops the instance when idle is not checked at synth'
      : 'whether its lifecycle configuration stops the instance when idle is not checked at synth')];
  }
  return nb.lifecycleScripts.some(isIdleShutdownScript) ? [] : [
    warning(IDLE_NOTEBOOK.id, 'the notebook instance\'s lifecycle configuration installs no idle shutdown (neither NotebookIdleShutdown nor autostop.py)'),
  ];
}
