import { ApiShape, field, RuleFinding, SustainabilityRule, unknown, warning } from './rule';

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

/** Compliant when a Studio domain's `DefaultUserSettings` turn idle shutdown on (`LifecycleManagement: ENABLED`) for JupyterLab and Code Editor. */
export function domainShutsDownIdleApps(domain: ApiShape): RuleFinding[] {
  const settings = domain?.DefaultUserSettings;
  const states = STUDIO_IDLE_APPS.map((app) => [app, lifecycleManagement(settings, app)] as const);
  const unknownApp = states.find(([, s]) => s === UNKNOWN);
  if (unknownApp) return [unknown(IDLE_STUDIO.id, `DefaultUserSettings.${unknownApp[0]}`, 'whether idle apps shut down is not checked at synth')];
  const off = states.filter(([, s]) => s !== 'ENABLED').map(([app]) => app.replace('AppSettings', ''));
  return off.length === 0 ? [] : [warning(IDLE_STUDIO.id, `the Studio domain does not shut down idle ${off.join(' and ')} apps (no IdleSettings with LifecycleManagement ENABLED): they run until stopped by hand`)];
}

/** Compliant unless a Studio user profile's `UserSettings` turn idle shutdown off (`LifecycleManagement: DISABLED`); otherwise the domain's settings apply. */
export function userProfileKeepsIdleShutdown(profile: ApiShape): RuleFinding[] {
  const off = STUDIO_IDLE_APPS.filter((app) => lifecycleManagement(profile?.UserSettings, app) === 'DISABLED');
  return off.length === 0 ? [] : [warning(IDLE_STUDIO.id, `the user profile sets idle shutdown DISABLED for ${off.map((a) => a.replace('AppSettings', '')).join(' and ')}: apps run until stopped by hand`)];
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
