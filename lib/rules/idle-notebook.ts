import { API_TERMS, ApiShape, CheckContext, field, isKnown, RuleFinding, show, SustainabilityRule, Terms, unknown, warning } from './rule';

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

/**
 * `<field> is <value>` in the reader's words, or `<field> is not set (<default>)` when the shape leaves it unset
 * (a construct always sets the fields it is judged on, so only the pack reads the second form).
 */
function stated(t: Terms, f: string, apiValue: unknown, unset: string): string {
  const v = t.value(f, apiValue);
  return v === undefined ? `${t.name(f)} is not set (${unset})` : `${t.name(f)} is ${show(v)}`;
}

// --- AWS::SageMaker::NotebookInstance properties (context: the lifecycle scripts) ------------------------------------

/**
 * Compliant when a notebook instance (`AWS::SageMaker::NotebookInstance` properties) has a lifecycle configuration
 * whose scripts (`context.lifecycleScripts`) stop it when idle.
 */
export function notebookStopsWhenIdle(nb: ApiShape, t: Terms = API_TERMS, context: CheckContext = {}): RuleFinding[] {
  const name = nb?.LifecycleConfigName;
  if (name === undefined) {
    return [warning(IDLE_NOTEBOOK.id, `${stated(t, 'LifecycleConfigName', name, 'no lifecycle configuration')}: the notebook instance runs (and draws power) until someone stops it`)];
  }
  if (context.lifecycleScripts === undefined) {
    return [unknown(IDLE_NOTEBOOK.id, t.name('LifecycleConfigName'), isKnown(name)
      ? 'names a lifecycle configuration defined outside this app: whether it stops the instance when idle is not checked at synth'
      : 'whether its lifecycle configuration stops the instance when idle is not checked at synth')];
  }
  return context.lifecycleScripts.some(isIdleShutdownScript) ? [] : [
    warning(IDLE_NOTEBOOK.id, 'the notebook instance\'s lifecycle configuration installs no idle shutdown (neither NotebookIdleShutdown nor autostop.py)'),
  ];
}

/**
 * Compliant when a notebook instance stays in its VPC (`DirectInternetAccess` `Disabled`; SageMaker's default is
 * `Enabled`). Filed under SML-IDLE-NOTEBOOK with the instance's other settings; cdk-nag's AwsSolutions-SM3 is the
 * security check of the same field.
 */
export function notebookStaysInItsVpc(nb: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const f = field(nb, 'DirectInternetAccess');
  if (!f.known) return [unknown(IDLE_NOTEBOOK.id, t.name('DirectInternetAccess'), 'whether the instance reaches the internet outside the VPC is not checked at synth')];
  if (f.value === 'Disabled') return [];
  return [warning(IDLE_NOTEBOOK.id, `${stated(t, 'DirectInternetAccess', f.value, "SageMaker's default is Enabled")}: the instance reaches the internet outside the VPC (AwsSolutions-SM3)`)];
}

/** Compliant when notebook users have no root access (`RootAccess` `Disabled`; SageMaker's default is `Enabled`). */
export function notebookUsersCannotRemoveTheIdleCheck(nb: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const f = field(nb, 'RootAccess');
  if (!f.known) return [unknown(IDLE_NOTEBOOK.id, t.name('RootAccess'), 'whether notebook users can remove the idle checker is not checked at synth')];
  if (f.value === 'Disabled') return [];
  return [warning(IDLE_NOTEBOOK.id, `${stated(t, 'RootAccess', f.value, "SageMaker's default is Enabled")}: notebook users can remove the idle checker`)];
}

// --- AWS::SageMaker::NotebookInstanceLifecycleConfig properties, scripts decoded ---------------------------------------

/** The pseudo-field of the idle check's ignore-connections setting in the on-start script. */
export const IGNORE_CONNECTIONS = 'OnStart.Content:ignore-connections';

/** The decoded scripts of a lifecycle configuration whose `OnStart[].Content` / `OnCreate[].Content` are plain text. */
export function lifecycleScriptsOf(config: ApiShape): string[] {
  return [...(config?.OnStart ?? []), ...(config?.OnCreate ?? [])]
    .map((hook: any) => hook?.Content).filter((c: unknown): c is string => typeof c === 'string');
}

/**
 * Compliant when the idle shutdown a lifecycle configuration installs ignores open connections: NotebookIdleShutdown
 * with `ignoreConnections` on (`SML_IDLE_IGNORE_CONNECTIONS` defaults to true), or `autostop.py --ignore-connections`.
 * The shape is the configuration's properties with each `Content` decoded to the script's text. Not applicable to
 * a configuration that installs no idle shutdown (`notebookStopsWhenIdle` judges the instance that uses it).
 */
export function idleShutdownIgnoresConnections(config: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const off = lifecycleScriptsOf(config).some((s) => (/NotebookIdleShutdown \(SML-IDLE-NOTEBOOK\)/.test(s)
    ? /IGNORE_CONNECTIONS="\$\{SML_IDLE_IGNORE_CONNECTIONS:-false\}"/.test(s)
    : /autostop\.py/.test(s) && !/--ignore-connections/.test(s)));
  return off ? [warning(IDLE_NOTEBOOK.id, `${t.name(IGNORE_CONNECTIONS)} is off: a notebook left open in a browser tab keeps the instance running`)] : [];
}
