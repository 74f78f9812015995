import { API_TERMS, ApiShape, field, refusal, RuleFinding, SustainabilityRule, Terms, unknown, warning } from './rule';

/** SML-CACHE: Pipeline step caching on, so unchanged steps are not re-run. */
export const CACHE: SustainabilityRule = {
  id: 'SML-CACHE',
  title: 'Pipeline step caching on, so unchanged steps are not re-run',
  wellArchitected: ['MLSUS06-BP02'],
  rationale: 'Re-running an unchanged step repeats work whose result is already known.',
  fix: 'Leave `cacheSteps` on; set the expiry that matches how often the inputs change.',
};

// --- SageMaker pipeline definition -----------------------------------------------------------------------------------

/**
 * The step types SageMaker Pipelines can cache (the step types with cache-key attributes,
 * https://docs.aws.amazon.com/sagemaker/latest/dg/pipelines-default-keys.html).
 */
const CACHEABLE_STEPS = ['Processing', 'Training', 'Tuning', 'AutoML', 'Transform', 'ClarifyCheck', 'QualityCheck', 'EMR'];
const CONFIG = 'CacheConfig';
const EXPIRE_AFTER = 'CacheConfig.ExpireAfter';

/** The cacheable steps of a pipeline definition, condition branches included. */
function cacheableSteps(definition: ApiShape): ApiShape[] {
  const out: ApiShape[] = [];
  const visit = (steps: any) => {
    for (const step of Array.isArray(steps) ? steps : []) {
      if (CACHEABLE_STEPS.includes(step?.Type)) out.push(step);
      if (step?.Type === 'Condition') { visit(step.Arguments?.IfSteps); visit(step.Arguments?.ElseSteps); }
    }
  };
  visit(definition?.Steps);
  return out;
}

/** Seconds of an ISO 8601 duration (`P30D`, `PT1H`, `P1DT5H`), as `CacheConfig.ExpireAfter` takes it; undefined when not one. */
export function isoDurationSeconds(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (!m || text === 'P' || /T$/i.test(text)) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  return (((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s;
}

/**
 * Compliant when every cacheable step of a pipeline definition caches (`CacheConfig.Enabled` true) and keeps its
 * results for at least one minute (`CacheConfig.ExpireAfter`; ISO 8601 minutes are the finest unit SageMaker
 * accepts). One finding for the pipeline, naming the steps that re-run when only some do.
 */
export function pipelineCachesSteps(definition: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const steps = cacheableSteps(definition);
  const findings: RuleFinding[] = [];
  const off: string[] = [];
  for (const step of steps) {
    const config = field(step, CONFIG);
    const enabled = field(config.value, 'Enabled');
    if (!config.known || !enabled.known) {
      findings.push(unknown(CACHE.id, t.name(CONFIG), `whether step ${step.Name} is cached is not checked at synth`));
      continue;
    }
    if (enabled.value !== true) { off.push(String(step.Name)); continue; }
    const expire = field(config.value, 'ExpireAfter');
    if (!expire.known) {
      findings.push(unknown(CACHE.id, t.name(EXPIRE_AFTER), 'SageMaker checks the ISO 8601 duration (at least one minute) when the pipeline runs'));
      continue;
    }
    const seconds = typeof expire.value === 'string' ? isoDurationSeconds(expire.value) : undefined;
    if (seconds !== undefined && seconds < 60) {
      findings.push(refusal(CACHE.id, t, EXPIRE_AFTER, expire.value, 'must be at least one minute (ISO 8601 minutes are the finest unit SageMaker accepts)', 'use e.g. Duration.days(30)'));
    }
  }
  // The same deploy-time value in every step is one note, and one refusal is enough.
  const unique = findings.filter((f, i) => findings.findIndex((g) => g.level === f.level && g.message === f.message && g.field === f.field) === i);
  if (off.length > 0) {
    unique.push(warning(CACHE.id, off.length === steps.length
      ? `${t.name(CONFIG)} is off: every execution re-runs every step, even when nothing changed`
      : `${t.name(CONFIG)} is off for step${off.length > 1 ? 's' : ''} ${off.join(', ')}: every execution re-runs ${off.length > 1 ? 'them' : 'it'}, even when nothing changed`));
  }
  return unique;
}
