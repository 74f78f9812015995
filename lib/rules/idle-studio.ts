import { API_TERMS, ApiShape, field, RuleFinding, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-IDLE-STUDIO: Studio apps shut down when idle. */
export const IDLE_STUDIO: SustainabilityRule = {
  id: 'SML-IDLE-STUDIO',
  title: 'Studio apps shut down when idle',
  wellArchitected: ['MLSUS03-BP01', 'SUS02-BP05'],
  rationale: 'JupyterLab and Code Editor spaces left running keep their instances up.',
  fix: 'Apply StudioIdleShutdown to the domain, user profiles and spaces.',
};

/** The Studio apps whose idle shutdown the rule checks (the ones StudioIdleShutdown configures). */
export const STUDIO_IDLE_APPS = ['JupyterLabAppSettings', 'CodeEditorAppSettings'];

/** `LifecycleManagement` of one app's idle settings ('ENABLED', 'DISABLED', undefined, or `unknown` for a deploy-time value). */
function lifecycleManagement(settings: ApiShape | undefined, app: string): string | undefined | typeof UNKNOWN {
  let v: any = settings;
  for (const key of [app, 'AppLifecycleManagement', 'IdleSettings', 'LifecycleManagement']) {
    const f = field(v, key);
    if (!f.known) return UNKNOWN;
    v = f.value;
    if (v === undefined) return undefined;
  }
  return v;
}
const UNKNOWN = Symbol('unknown');

/** A warning for each app of `settings` (at `where`) whose idle shutdown is `DISABLED`; a note for each deploy-time one. */
function disabledApps(settings: ApiShape | undefined, where: string, apps: string[], t: Terms): RuleFinding[] {
  return apps.flatMap((app) => {
    const state = lifecycleManagement(settings, app);
    const f = `${where}.${app}`;
    if (state === UNKNOWN) return [unknown(IDLE_STUDIO.id, t.name(f), 'whether idle apps shut down is not checked at synth')];
    return state === 'DISABLED' ? [warning(IDLE_STUDIO.id, `${t.name(f)} sets idle shutdown DISABLED: apps run until stopped by hand`)] : [];
  });
}

/** Settings block `key` of `shape`: undefined when absent, `UNKNOWN` when a deploy-time value. */
function block(shape: ApiShape, key: string): ApiShape | undefined | typeof UNKNOWN {
  const f = field(shape, key);
  return f.known ? f.value : UNKNOWN;
}

/**
 * Compliant when a Studio domain's `DefaultUserSettings` turn idle shutdown on (`LifecycleManagement: ENABLED`) for
 * JupyterLab and Code Editor, and neither they nor `DefaultSpaceSettings` (JupyterLab) turn it off (`DISABLED`).
 */
export function domainShutsDownIdleApps(domain: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const user = block(domain, 'DefaultUserSettings');
  const space = block(domain, 'DefaultSpaceSettings');
  if (user === UNKNOWN) return [unknown(IDLE_STUDIO.id, t.name('DefaultUserSettings'), 'whether idle apps shut down is not checked at synth')];
  const findings = [
    ...disabledApps(user, 'DefaultUserSettings', STUDIO_IDLE_APPS, t),
    ...(space === UNKNOWN ? [unknown(IDLE_STUDIO.id, t.name('DefaultSpaceSettings'), 'whether idle apps shut down is not checked at synth')]
      : disabledApps(space, 'DefaultSpaceSettings', ['JupyterLabAppSettings'], t)),
  ];
  const unset = STUDIO_IDLE_APPS.filter((app) => ![UNKNOWN, 'ENABLED', 'DISABLED'].includes(lifecycleManagement(user, app) as any)).map((app) => app.replace('AppSettings', ''));
  return unset.length === 0 ? findings : [
    ...findings,
    warning(IDLE_STUDIO.id, `the Studio domain does not shut down idle ${unset.join(' and ')} apps (no IdleSettings with LifecycleManagement ENABLED): they run until stopped by hand`),
  ];
}

/** Compliant unless a Studio user profile's `UserSettings` turn idle shutdown off (`LifecycleManagement: DISABLED`); otherwise the domain's settings apply. */
export function userProfileKeepsIdleShutdown(profile: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const user = block(profile, 'UserSettings');
  if (user === UNKNOWN) return [unknown(IDLE_STUDIO.id, t.name('UserSettings'), 'whether idle apps shut down is not checked at synth')];
  return disabledApps(user, 'UserSettings', STUDIO_IDLE_APPS, t);
}

/**
 * Compliant when a Studio space's apps shut down when idle: either the space sets `IdleSettings.IdleTimeoutInMinutes`
 * or its domain (`domainShutsDown`) does; `undefined` when the domain is not in the app.
 */
export function spaceShutsDownIdleApps(space: ApiShape, domainShutsDown: boolean | undefined): RuleFinding[] {
  const own = STUDIO_IDLE_APPS.some((app) => space?.SpaceSettings?.[app]?.AppLifecycleManagement?.IdleSettings?.IdleTimeoutInMinutes !== undefined);
  if (own || domainShutsDown === true) return [];
  if (domainShutsDown === undefined) return [unknown(IDLE_STUDIO.id, 'DomainId', 'names a domain defined outside this app: whether its idle settings cover the space is not checked at synth')];
  return [warning(IDLE_STUDIO.id, 'the Studio space sets no idle timeout and its domain does not shut down idle apps: they run until stopped by hand')];
}
