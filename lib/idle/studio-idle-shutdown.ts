import { Annotations, Duration, IAspect, IResolvable, Token, Validations } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { refuse, warn } from '../private/messages';
import { renderedProperties } from '../private/rendered';
import { publishFindings } from '../rules/apply';
import { domainShutsDownIdleApps, STUDIO_IDLE_APPS, userProfileKeepsIdleShutdown } from '../rules/idle-studio';
import { propTerms, RuleFinding, Terms } from '../rules/rule';
import { allKnown, checkDuration, deferred, durationIn, isKnownNumber } from '../private/synth-value';

const RULE = 'SML-IDLE-STUDIO';
const MIN_MINUTES = 60;
const MAX_MINUTES = 525600;

/** Properties of StudioIdleShutdown. */
export interface StudioIdleShutdownProps {
  /**
   * How long a JupyterLab or Code Editor app may be idle before SageMaker shuts it down (`IdleTimeoutInMinutes`).
   * 60 minutes is the shortest the API allows: an app restarts in a few minutes with its files intact, while one
   * left idle overnight runs for hours (the console's own default, when none is entered, is 7 days).
   * Whole minutes, 60 to 525,600 (SML-IDLE-STUDIO); a deploy-time value (token) must be in minutes.
   *
   * @default Duration.minutes(60)
   */
  readonly idleTimeout?: Duration;

  /**
   * Shortest idle timeout users may choose for their spaces (`MinIdleTimeoutInMinutes`, domain and user
   * profiles only). Whole minutes, 60 to 525,600, at most `idleTimeout`; a token must be in minutes.
   *
   * @default Duration.minutes(60)
   */
  readonly minIdleTimeout?: Duration;

  /**
   * Longest idle timeout users may choose for their spaces (`MaxIdleTimeoutInMinutes`, domain and user profiles
   * only): a working day, so no app is kept overnight by a user setting. Whole minutes, 60 to 525,600, at least
   * `idleTimeout`; a token must be in minutes.
   *
   * @default Duration.hours(8)
   */
  readonly maxIdleTimeout?: Duration;

  /**
   * Replace idle settings a resource already sets. When false, values the resource already sets win (a bound
   * widens to include an idle timeout the resource already sets) and a resource that sets lifecycle management
   * `DISABLED` is left alone with a warning (SML-IDLE-STUDIO).
   *
   * @default false
   */
  readonly overrideExisting?: boolean;
}

/**
 * Applies SageMaker Studio's native idle shutdown (SML-IDLE-STUDIO) to JupyterLab and Code Editor apps: lifecycle
 * management `ENABLED`, the idle timeout and, where the resource has them, the min/max bounds users can choose.
 *
 * - `CfnDomain`: `DefaultUserSettings` (JupyterLab and Code Editor) and, when present, `DefaultSpaceSettings`
 *   (JupyterLab only: the API has no Code Editor block there; a missing block is not created because it needs
 *   an `ExecutionRole`);
 * - `CfnUserProfile`: `UserSettings` (JupyterLab and Code Editor); a profile's settings override the domain's;
 * - `CfnSpace`: `SpaceSettings` (idle timeout only; JupyterLab and/or Code Editor following the space's `AppType`).
 *
 * Other settings of the resource are kept (the idle settings are merged in). Use it as an aspect on any scope,
 * `Aspects.of(app).add(new StudioIdleShutdown())`, or on one resource, `new StudioIdleShutdown().applyTo(domain)`.
 * Native idle shutdown does not fire while a kernel or terminal session is active, and needs SageMaker
 * Distribution 2.0 or newer (custom images need `jupyter-activity-monitor-extension`).
 *
 * aws-cdk-lib's built-in template validation has a stale schema for user profiles and spaces and reports their
 * `AppLifecycleManagement` as finding `CloudFormation-Validate::F3002`; the class acknowledges that finding on
 * the user profiles and spaces it changes.
 */
export class StudioIdleShutdown implements IAspect {
  /** Idle timeout in minutes. */
  public readonly idleTimeoutMinutes: number;
  /** Lower bound in minutes. */
  public readonly minIdleTimeoutMinutes: number;
  /** Upper bound in minutes. */
  public readonly maxIdleTimeoutMinutes: number;
  private readonly overrideExisting: boolean;

  constructor(props: StudioIdleShutdownProps = {}) {
    this.idleTimeoutMinutes = minutes('idleTimeout', props.idleTimeout, Duration.minutes(60));
    this.minIdleTimeoutMinutes = minutes('minIdleTimeout', props.minIdleTimeout, Duration.minutes(60));
    this.maxIdleTimeoutMinutes = minutes('maxIdleTimeout', props.maxIdleTimeout, Duration.hours(8));
    // Deploy-time values: the order is checked by SageMaker when the resource is created (an aspect has no scope of
    // its own to note that on; the resources it changes get the note in `applyTo`).
    if (allKnown(this.minIdleTimeoutMinutes, this.idleTimeoutMinutes, this.maxIdleTimeoutMinutes)
      && (this.minIdleTimeoutMinutes > this.idleTimeoutMinutes || this.idleTimeoutMinutes > this.maxIdleTimeoutMinutes)) {
      refuse(RULE, {
        prop: 'idleTimeout',
        value: props.idleTimeout ?? Duration.minutes(this.idleTimeoutMinutes),
        problem: `must lie between minIdleTimeout (${this.minIdleTimeoutMinutes} min) and maxIdleTimeout (${this.maxIdleTimeoutMinutes} min)`,
        fix: 'choose minIdleTimeout <= idleTimeout <= maxIdleTimeout',
      });
    }
    this.overrideExisting = props.overrideExisting ?? false;
  }

  /** Aspect entry point: applies the settings to every CfnDomain, CfnUserProfile and CfnSpace; ignores others. */
  public visit(node: IConstruct): void {
    if (node instanceof sagemaker.CfnDomain || node instanceof sagemaker.CfnUserProfile || node instanceof sagemaker.CfnSpace) {
      this.applyTo(node);
    }
  }

  /** Apply the settings to one `CfnDomain`, `CfnUserProfile` or `CfnSpace`; other constructs are refused. */
  public applyTo(resource: IConstruct): void {
    const settings = { idleTimeout: this.idleTimeoutMinutes, minIdleTimeout: this.minIdleTimeoutMinutes, maxIdleTimeout: this.maxIdleTimeoutMinutes };
    for (const [prop, m] of Object.entries(settings)) {
      if (!isKnownNumber(m)) deferred(resource, RULE, prop, 'SageMaker checks the 60–525,600 minute range and min ≤ idle timeout ≤ max when the resource is created');
    }
    if (resource instanceof sagemaker.CfnDomain) {
      this.applyToDomain(resource);
    } else if (resource instanceof sagemaker.CfnUserProfile) {
      this.applyToUserProfile(resource);
    } else if (resource instanceof sagemaker.CfnSpace) {
      this.applyToSpace(resource);
    } else {
      refuse(RULE, {
        prop: 'resource',
        value: resource.node.path,
        problem: 'is not a CfnDomain, CfnUserProfile or CfnSpace',
        fix: 'pass a Studio domain, user profile or space (or use the class as an aspect, which skips other constructs)',
      });
    }
  }

  private applyToDomain(domain: sagemaker.CfnDomain): void {
    const user = domain.defaultUserSettings;
    if (this.mergeable(domain, 'DefaultUserSettings', user)) {
      domain.defaultUserSettings = {
        ...(user as sagemaker.CfnDomain.UserSettingsProperty),
        ...this.appSettings(domain, 'DefaultUserSettings', user, ['jupyterLabAppSettings', 'codeEditorAppSettings'], true),
      };
    }
    const space = domain.defaultSpaceSettings;
    if (space !== undefined && this.mergeable(domain, 'DefaultSpaceSettings', space)) {
      domain.defaultSpaceSettings = {
        ...(space as sagemaker.CfnDomain.DefaultSpaceSettingsProperty),
        ...this.appSettings(domain, 'DefaultSpaceSettings', space, ['jupyterLabAppSettings'], true),
      };
    }
    publishIdleFindings(domain, domainShutsDownIdleApps(renderedProperties(domain), appTerms(['DefaultUserSettings', 'DefaultSpaceSettings'])));
  }

  private applyToUserProfile(profile: sagemaker.CfnUserProfile): void {
    const user = profile.userSettings ?? {};
    if (this.mergeable(profile, 'UserSettings', user)) {
      profile.userSettings = {
        ...(user as sagemaker.CfnUserProfile.UserSettingsProperty),
        ...this.appSettings(profile, 'UserSettings', user, ['jupyterLabAppSettings', 'codeEditorAppSettings'], true),
      };
      acknowledgeStaleSchema(profile, 'AWS::SageMaker::UserProfile', 'userprofile-applifecyclemanagement');
    }
    publishIdleFindings(profile, userProfileKeepsIdleShutdown(renderedProperties(profile), appTerms(['UserSettings'])));
  }

  private applyToSpace(space: sagemaker.CfnSpace): void {
    const settings = space.spaceSettings ?? {};
    if (!this.mergeable(space, 'SpaceSettings', settings)) return;
    const appType = (settings as sagemaker.CfnSpace.SpaceSettingsProperty).appType;
    const apps: string[] = [];
    if (appType === undefined || Token.isUnresolved(appType)) {
      apps.push('jupyterLabAppSettings', 'codeEditorAppSettings');
    } else if (appType === 'JupyterLab') {
      apps.push('jupyterLabAppSettings');
    } else if (appType === 'CodeEditor') {
      apps.push('codeEditorAppSettings');
    } else {
      Annotations.of(space).addInfo(`${RULE}: space app type '${appType}' has no native idle shutdown; not changed`);
      return;
    }
    space.spaceSettings = {
      ...(settings as sagemaker.CfnSpace.SpaceSettingsProperty),
      ...this.appSettings(space, 'SpaceSettings', settings, apps, false),
    };
    acknowledgeStaleSchema(space, 'AWS::SageMaker::Space', 'space-spaceapplifecyclemanagement');
  }

  /**
   * The app-settings blocks (`jupyterLabAppSettings`, `codeEditorAppSettings`) of `parent` with idle settings
   * merged in; blocks that cannot be merged (tokens, or DISABLED and not overriding) are returned unchanged.
   */
  private appSettings(scope: IConstruct, where: string, parent: any, apps: string[], withBounds: boolean): Record<string, any> {
    const out: Record<string, any> = {};
    for (const app of apps) {
      const appPath = `${where}.${app}`;
      const block = parent[app] ?? {};
      if (!this.mergeable(scope, appPath, block)) continue;
      const alm = block.appLifecycleManagement ?? {};
      if (!this.mergeable(scope, `${appPath}.appLifecycleManagement`, alm)) continue;
      const idle = alm.idleSettings ?? {};
      if (!this.mergeable(scope, `${appPath}.appLifecycleManagement.idleSettings`, idle)) continue;
      const merged = withBounds ? this.mergeIdle(scope, appPath, idle) : this.mergeSpaceIdle(idle);
      if (merged === undefined) continue;
      out[app] = { ...block, appLifecycleManagement: { ...alm, idleSettings: merged } };
    }
    return out;
  }

  private mergeIdle(scope: IConstruct, appPath: string, idle: sagemaker.CfnDomain.IdleSettingsProperty): sagemaker.CfnDomain.IdleSettingsProperty | undefined {
    const ours = {
      lifecycleManagement: 'ENABLED',
      idleTimeoutInMinutes: this.idleTimeoutMinutes,
      minIdleTimeoutInMinutes: this.minIdleTimeoutMinutes,
      maxIdleTimeoutInMinutes: this.maxIdleTimeoutMinutes,
    };
    if (this.overrideExisting) return ours;
    // left as it is: the SML-IDLE-STUDIO predicate warns about it on the merged settings (`publishIdleFindings`)
    if (idle.lifecycleManagement === 'DISABLED') return undefined;
    const known = isKnownNumber;
    const timeout = idle.idleTimeoutInMinutes ?? clampKnown(ours.idleTimeoutInMinutes,
      known(idle.minIdleTimeoutInMinutes) ? idle.minIdleTimeoutInMinutes : undefined,
      known(idle.maxIdleTimeoutInMinutes) ? idle.maxIdleTimeoutInMinutes : undefined);
    const t = known(timeout) ? timeout : undefined;
    return {
      lifecycleManagement: idle.lifecycleManagement ?? ours.lifecycleManagement,
      idleTimeoutInMinutes: timeout,
      minIdleTimeoutInMinutes: idle.minIdleTimeoutInMinutes ?? (t !== undefined && known(ours.minIdleTimeoutInMinutes) ? Math.min(ours.minIdleTimeoutInMinutes, t) : ours.minIdleTimeoutInMinutes),
      maxIdleTimeoutInMinutes: idle.maxIdleTimeoutInMinutes ?? (t !== undefined && known(ours.maxIdleTimeoutInMinutes) ? Math.max(ours.maxIdleTimeoutInMinutes, t) : ours.maxIdleTimeoutInMinutes),
    };
  }

  private mergeSpaceIdle(idle: sagemaker.CfnSpace.SpaceIdleSettingsProperty): sagemaker.CfnSpace.SpaceIdleSettingsProperty {
    return {
      idleTimeoutInMinutes: this.overrideExisting ? this.idleTimeoutMinutes : idle.idleTimeoutInMinutes ?? this.idleTimeoutMinutes,
    };
  }

  /** False (with a warning) when `value` is a token the aspect cannot merge into. */
  private mergeable(scope: IConstruct, where: string, value: unknown): boolean {
    if (Token.isUnresolved(value as IResolvable | string)) {
      warn(scope, RULE, `${where} is a token: idle shutdown settings could not be merged into it; set them there yourself`);
      return false;
    }
    return true;
  }
}

/**
 * Publish what the SML-IDLE-STUDIO predicates (the ones the SustainableMlChecks pack runs on any domain and user
 * profile) find on the settings as merged: a warning is an app whose idle shutdown stays DISABLED, which the aspect
 * leaves as it is unless `overrideExisting`. (Spaces take no LifecycleManagement: nothing to judge after the merge.)
 */
function publishIdleFindings(resource: IConstruct, findings: RuleFinding[]): void {
  publishFindings(resource, findings.map((f) => (f.level === 'warning' ? { ...f, message: `${f.message}; left unchanged (overrideExisting: false)` } : f)));
}

/** The aspect's words for the app blocks of `blocks`: the L1 prop path (`DefaultUserSettings.jupyterLabAppSettings`). */
function appTerms(blocks: string[]): Terms {
  const fields: { [field: string]: string } = {};
  for (const b of blocks) {
    for (const app of STUDIO_IDLE_APPS) fields[`${b}.${app}`] = `${b}.${app[0].toLowerCase()}${app.slice(1)}`;
  }
  return propTerms(fields);
}

/**
 * aws-cdk-lib 2.276's built-in template validation (@aws/cloudformation-validate 1.14.0) ships a schema for
 * AWS::SageMaker::UserProfile and AWS::SageMaker::Space without `AppLifecycleManagement` and reports it as
 * F3002 (additional property), an error with `@aws-cdk/core:validateAgainstDefaultRules`. CloudFormation, its
 * registry schema and aws-cdk-lib's own L1 types have the property, so the finding is acknowledged on the
 * resources this class sets it on. (The acknowledgement covers every F3002 finding of that resource.)
 */
function acknowledgeStaleSchema(resource: IConstruct, type: string, docPage: string): void {
  Validations.of(resource).acknowledge({
    id: 'CloudFormation-Validate::F3002',
    reason: `${type} has AppLifecycleManagement (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-${docPage}.html); the validator's bundled schema predates it (SML-IDLE-STUDIO)`,
  });
}

/** `v` within [lo, hi]; a deploy-time `v` is kept as it is (SageMaker checks it against the bounds). */
function clampKnown(v: number, lo: number | undefined, hi: number | undefined): number {
  if (!isKnownNumber(v)) return v;
  return Math.min(Math.max(v, lo ?? v), hi ?? v);
}

/** Whole minutes of a setting; a deploy-time value must be given in minutes (IdleSettings take minutes). */
function minutes(prop: string, value: unknown, byDefault: Duration): number {
  const d = checkDuration(RULE, prop, value) ?? byDefault;
  const m = durationIn(d, 'minutes', RULE, prop);
  if (!isKnownNumber(m)) return m;
  if (!Number.isInteger(m) || m < MIN_MINUTES || m > MAX_MINUTES) {
    refuse(RULE, {
      prop,
      value: d,
      problem: `must be whole minutes between ${MIN_MINUTES} and ${MAX_MINUTES} (SageMaker IdleSettings range)`,
      fix: 'use e.g. Duration.minutes(60)',
    });
  }
  return m;
}
