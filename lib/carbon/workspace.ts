/**
 * What the footprint report says beyond training runs: notebooks and their idle shutdown, Studio's idle settings,
 * the training-job guard and log retention, read from the synthesized-level resources of any app (raw L1s too).
 */
import { Aspects, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { GUARD_ENV } from '../guard/guard-env';
import { GuardTags } from '../guard/guard-tags';
import { NotebookIdleShutdown } from '../idle/notebook-idle-shutdown';
import { StudioIdleShutdown } from '../idle/studio-idle-shutdown';
import { TrainingJobGuard } from '../guard/training-job-guard';
import { SageMakerLogRetention } from '../storage/log-retention';
import { SustainableTrainingJob } from '../training/training-job';

/** One line of the report about notebooks, Studio, the guard or log retention. */
export interface WorkspaceFinding {
  /** The stack. */
  readonly stackName: string;
  /** The rule the line is about (`SML-IDLE-NOTEBOOK`, `SML-IDLE-STUDIO`, `SML-GUARD`, `SML-LOGS`). */
  readonly rule: string;
  /** What the line is about (construct path or resource name). */
  readonly subject: string;
  /** What the library found. */
  readonly finding: string;
  /** True when the sustainable default is in place. */
  readonly ok: boolean;
}

/** Every finding about notebooks, Studio, the guard and log retention under `scope`, stack by stack. */
export function workspaceFindings(scope: IConstruct): WorkspaceFinding[] {
  const all = scope.node.findAll();
  const out: WorkspaceFinding[] = [];
  const push = (c: IConstruct, rule: string, subject: string, finding: string, ok: boolean) => {
    const stack = Stack.of(c);
    // Subjects are shown after the stack name: keep them relative to it.
    const rel = subject.startsWith(`${stack.node.path}/`) ? subject.slice(stack.node.path.length + 1) : subject;
    out.push({ stackName: stack.stackName, rule, subject: rel, finding, ok });
  };
  const idles = all.filter((c): c is NotebookIdleShutdown => c instanceof NotebookIdleShutdown);

  // --- notebooks (SML-IDLE-NOTEBOOK) -----------------------------------------------------------------------------
  for (const nb of all.filter((c): c is sagemaker.CfnNotebookInstance => c instanceof sagemaker.CfnNotebookInstance)) {
    const stack = Stack.of(nb);
    const lc = nb.lifecycleConfigName === undefined ? undefined : JSON.stringify(stack.resolve(nb.lifecycleConfigName));
    const idle = lc === undefined ? undefined : idles.find((i) => Stack.of(i) === stack && JSON.stringify(stack.resolve(i.lifecycleConfigName)) === lc);
    const type = Token.isUnresolved(nb.instanceType) ? 'an instance type set at deploy time' : nb.instanceType;
    if (idle) {
      push(nb, 'SML-IDLE-NOTEBOOK', owner(nb), `${type}, stops after ${humanMinutes(idle.idleThreshold.toMinutes())} idle (checked every ${humanMinutes(idle.checkInterval.toMinutes())})`, true);
    } else {
      push(nb, 'SML-IDLE-NOTEBOOK', owner(nb), `${type}, no idle shutdown the library knows of${lc ? ' (a lifecycle configuration of its own)' : ''}: it runs until someone stops it`, false);
    }
  }

  // --- Studio (SML-IDLE-STUDIO) ---------------------------------------------------------------------------------------
  const studio = all.filter((c) => c instanceof sagemaker.CfnDomain || c instanceof sagemaker.CfnUserProfile || c instanceof sagemaker.CfnSpace);
  for (const r of studio) {
    const stack = Stack.of(r);
    const settings = r instanceof sagemaker.CfnDomain ? r.defaultUserSettings : r instanceof sagemaker.CfnUserProfile ? r.userSettings : (r as sagemaker.CfnSpace).spaceSettings;
    const resolved = settings === undefined ? {} : stack.resolve(settings) ?? {};
    const apps = [['JupyterLab', get(resolved, 'jupyterLabAppSettings')], ['Code Editor', get(resolved, 'codeEditorAppSettings')]] as const;
    const parts: string[] = [];
    let ok = true;
    // Before synth, a StudioIdleShutdown aspect on the resource or above it has not run yet: read what it will set.
    const aspect = r.node.scopes.flatMap((x) => Aspects.of(x).all).find((a): a is StudioIdleShutdown => a instanceof StudioIdleShutdown);
    for (const [name, app] of apps) {
      const idle = get(get(app, 'appLifecycleManagement'), 'idleSettings');
      const management = get(idle, 'lifecycleManagement');
      const timeout = get(idle, 'idleTimeoutInMinutes') ?? (aspect && management !== 'DISABLED' ? aspect.idleTimeoutMinutes : undefined);
      if ((management === 'ENABLED' || (aspect && management === undefined)) && timeout !== undefined) parts.push(`${name} shuts down after ${humanMinutes(timeout)} idle`);
      else if (r instanceof sagemaker.CfnSpace && name === 'Code Editor') continue; // a space carries one app's settings
      else { parts.push(`${name}: no idle shutdown`); ok = false; }
    }
    const kind = r instanceof sagemaker.CfnDomain ? 'domain' : r instanceof sagemaker.CfnUserProfile ? 'user profile' : 'space';
    push(r, 'SML-IDLE-STUDIO', r.node.path, `${kind}: ${parts.join('; ')}`, ok);
  }

  // --- the guard (SML-GUARD) ---------------------------------------------------------------------------------------------
  const guards = all.filter((c): c is TrainingJobGuard => c instanceof TrainingJobGuard);
  for (const g of guards) {
    const stack = Stack.of(g);
    const fn = g.function.node.defaultChild as lambda.CfnFunction;
    const env: { [k: string]: string } = get(stack.resolve(fn.environment), 'variables') ?? {};
    const rule = g.scheduleRule.node.defaultChild as events.CfnRule;
    const schedule = String(stack.resolve(rule.scheduleExpression) ?? 'unknown schedule').replace(/^rate\((.*)\)$/, 'every $1');
    const checks = env[GUARD_ENV.CHECKS] ?? 'unknown';
    const dry = env[GUARD_ENV.DRY_RUN] === 'true';
    const finding = `${schedule}; checks ${checks}; idle below ${env[GUARD_ENV.IDLE_THRESHOLD_PERCENT]} % for ${humanMinutes(Number(env[GUARD_ENV.IDLE_WINDOW_MINUTES]))}${dry ? '; DRY RUN: reports, stops nothing' : ''}`;
    push(g, 'SML-GUARD', g.node.path, finding, !dry && checks !== 'none');
  }
  const jobs = all.filter((c): c is SustainableTrainingJob => c instanceof SustainableTrainingJob);
  const unguarded = jobs.filter((j) => !j._spec.tags.some((t) => t.Key === GuardTags.GUARD));
  for (const j of unguarded) push(j, 'SML-GUARD', j.node.path, 'guard tag off: the guard never stops this job', false);
  if (jobs.length > 0 && guards.length === 0) {
    push(jobs[0], 'SML-GUARD', 'app', `${jobs.length} training definition(s) carry the guard tag, but no TrainingJobGuard is in this app (one per account and region is enough)`, false);
  }

  // --- log retention (SML-LOGS) ----------------------------------------------------------------------------------------------
  for (const stack of new Set(all.filter((c) => c instanceof logs.CfnLogGroup).map((c) => Stack.of(c)))) {
    const groups = all.filter((c): c is logs.CfnLogGroup => c instanceof logs.CfnLogGroup && Stack.of(c) === stack);
    const unbounded = groups.filter((g) => g.retentionInDays === undefined);
    const days = [...new Set(groups.filter((g) => g.retentionInDays !== undefined).map((g) => Token.isUnresolved(g.retentionInDays) ? 'set at deploy time' : `${g.retentionInDays} days`))];
    push(stack, 'SML-LOGS', 'app', unbounded.length === 0
      ? `its ${groups.length} log group(s) are bounded (${days.join(', ')})`
      : `${unbounded.length} of its ${groups.length} log group(s) never expire: ${unbounded.map((g) => g.node.path).join(', ')}`, unbounded.length === 0);
  }
  const retention = all.filter((c): c is SageMakerLogRetention => c instanceof SageMakerLogRetention);
  for (const r of retention) {
    push(r, 'SML-LOGS', r.node.path, `${r.logGroupNames.length} log groups SageMaker creates (${r.logGroupNames[0]}, …) kept ${Token.isUnresolved(r.retention) ? 'for a retention set at deploy time' : `${r.retention} days`}`, true);
  }
  if (jobs.length > 0 && retention.length === 0) {
    push(jobs[0], 'SML-LOGS', 'app', "SageMaker's own log groups (/aws/sagemaker/TrainingJobs, …) never expire: no SageMakerLogRetention in this app", false);
  }
  return out;
}

/** A property of a resolved L1 value, whether its keys are still camelCase (props) or PascalCase (rendered). */
function get(o: any, camel: string): any {
  if (o === undefined || o === null || typeof o !== 'object') return undefined;
  return o[camel] ?? o[camel.charAt(0).toUpperCase() + camel.slice(1)];
}

/** The construct a resource belongs to (a SustainableNotebookInstance for its `Resource`). */
function owner(c: IConstruct): string {
  return c.node.id === 'Resource' && c.node.scope ? c.node.scope.node.path : c.node.path;
}

function humanMinutes(m: number): string {
  if (!Number.isFinite(m)) return 'an unknown time';
  if (m % 1440 === 0) return `${m / 1440} d`;
  if (m % 60 === 0) return `${m / 60} h`;
  return `${m} min`;
}
