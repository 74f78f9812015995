import { searchRanges, RANGES } from './hpo-space';
import { API_TERMS, ApiShape, CheckContext, field, refusal, RuleFinding, SustainabilityRule, Terms, unknown, warning } from './rule';
import { tuningDefinitions } from './spot';

/** SML-HPO-STRATEGY: Bayesian search; Random warns; Grid refused unless explicitly allowed. */
export const HPO_STRATEGY: SustainabilityRule = {
  id: 'SML-HPO-STRATEGY',
  title: 'Bayesian search; Random warns; Grid refused unless explicitly allowed',
  wellArchitected: ['MLSUS04-BP04'],
  rationale: 'Bayesian search learns from every finished job; grid search tries every combination.',
  fix: 'Use the Bayesian (default) or Hyperband strategy.',
};

// --- CreateHyperParameterTuningJob -------------------------------------------------------------------------------

/** The words of the Random-strategy warning (the constructs publish the same). */
export const RANDOM_SEARCH_WARNING = 'random search learns nothing from finished jobs; Bayesian search reaches the same objective with fewer jobs';

/** The most training jobs a grid search may launch (the API limit). */
export const MAX_GRID_COMBINATIONS = 750;
/** Static hyperparameters from which Hyperband infers its MaxResource (epochs). */
export const EPOCH_HYPERPARAMETERS = ['epochs', 'numepochs', 'n-epochs', 'n_epochs', 'num_epochs'];

const STRATEGY = 'HyperParameterTuningJobConfig.Strategy';
const JOBS = 'HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs';
const HYPERBAND = 'HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig';
const SEED = 'HyperParameterTuningJobConfig.RandomSeed';

/**
 * Compliant when a CreateHyperParameterTuningJob request searches with Bayesian or Hyperband; Random is a warning,
 * Grid an error unless the user opted in (`context.gridSearchAllowed`, SustainableTuningJob's `allowGridSearch`).
 * A grid search is also judged on its ranges (categorical only, at most 750 combinations; where it is allowed, a
 * warning gives its job count) and `MaxNumberOfTrainingJobs` (absent or exactly the number of combinations).
 */
export function tuningJobStrategy(request: ApiShape, t: Terms = API_TERMS, context: CheckContext = {}): RuleFinding[] {
  const s = field(request?.HyperParameterTuningJobConfig, 'Strategy');
  if (!s.known) return [unknown(HPO_STRATEGY.id, t.name(STRATEGY), 'the search strategy is not checked at synth')];
  if (s.value === 'Grid') return gridSearchFindings(request, t, context);
  if (s.value === 'Random') return [warning(HPO_STRATEGY.id, RANDOM_SEARCH_WARNING)];
  return [];
}

function gridSearchFindings(request: ApiShape, t: Terms, context: CheckContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  if (!context.gridSearchAllowed) {
    out.push(refusal(HPO_STRATEGY.id, t, STRATEGY, 'Grid', 'grid search trains every combination, however little each one teaches',
      'use TuningStrategy.BAYESIAN (the default) or HYPERBAND, or opt in explicitly with allowGridSearch: true'));
  }
  const ranges = searchRanges(request);
  if (ranges === undefined || ranges.length === 0) return out;
  const numeric = ranges.find((r) => r.kind !== 'Categorical');
  if (numeric) {
    return [...out, refusal(HPO_STRATEGY.id, t, `${RANGES}[${numeric.range?.Name}]`, numeric.kind, 'grid search takes categorical ranges only',
      'list the values to try with HyperparameterRange.categorical, or use TuningStrategy.BAYESIAN')];
  }
  const values = ranges.map((r) => field(r.range, 'Values'));
  if (values.some((v) => !v.known || !Array.isArray(v.value))) return out;
  const sizes = values.map((v) => (v.value as unknown[]).length);
  const combinations = sizes.reduce((n, size) => n * size, 1);
  if (combinations > MAX_GRID_COMBINATIONS) {
    return [...out, refusal(HPO_STRATEGY.id, t, RANGES, combinations, `combinations exceed the ${MAX_GRID_COMBINATIONS} training jobs a grid search may launch`, 'try fewer values, or use TuningStrategy.BAYESIAN')];
  }
  // The job count is news only where grid search is allowed; elsewhere the refusal of Grid already says it all.
  if (context.gridSearchAllowed) out.push(warning(HPO_STRATEGY.id, `grid search launches ${combinations} training jobs (${ranges.map((r, i) => `${r.range.Name}: ${sizes[i]}`).join(' × ')}), one per combination, whatever the earlier ones showed`));
  const jobs = field(request?.HyperParameterTuningJobConfig?.ResourceLimits, 'MaxNumberOfTrainingJobs');
  if (jobs.known && jobs.value !== undefined && jobs.value !== combinations) {
    out.push(refusal(HPO_STRATEGY.id, t, JOBS, jobs.value, `a grid search must launch exactly its ${combinations} combinations`,
      'remove maxTrainingJobs (it is derived from the ranges), or use fewer values'));
  }
  return out;
}

/**
 * Compliant when a Hyperband search of a CreateHyperParameterTuningJob request has valid resource bounds
 * (`StrategyConfig.HyperbandStrategyConfig`: whole numbers of epochs from 1 to 20,000, MinResource ≤ MaxResource)
 * and a MaxResource, given or inferable from a static `epochs`-style hyperparameter of every training definition.
 * Not applicable to other strategies.
 */
export function tuningJobHyperband(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const config = request?.HyperParameterTuningJobConfig;
  const strategy = field(config, 'Strategy');
  if (!strategy.known || strategy.value !== 'Hyperband') return [];
  const hb = field(config?.StrategyConfig, 'HyperbandStrategyConfig');
  if (!hb.known) return [unknown(HPO_STRATEGY.id, t.name(HYPERBAND), 'SageMaker checks the 1–20,000 range and the order of the bounds when the tuning job is created')];
  const out: RuleFinding[] = [];
  const bounds = (['MinResource', 'MaxResource'] as const).map((key) => ({ key, ...field(hb.value, key) }));
  for (const b of bounds) {
    const f = `${HYPERBAND}.${b.key}`;
    if (!b.known) {
      out.push(unknown(HPO_STRATEGY.id, t.name(f), 'SageMaker checks the 1–20,000 range and the order of the bounds when the tuning job is created'));
    } else if (b.value !== undefined && (!Number.isInteger(b.value) || b.value < 1 || b.value > 20000)) {
      return [...out, refusal(HPO_STRATEGY.id, t, f, b.value, 'must be a whole number of epochs from 1 to 20,000', 'give the epochs one configuration may train')];
    }
  }
  const [min, max] = bounds;
  if (min.known && max.known && typeof min.value === 'number' && typeof max.value === 'number' && min.value > max.value) {
    return [...out, refusal(HPO_STRATEGY.id, t, `${HYPERBAND}.MinResource`, min.value, `is above maxResource (${max.value})`, 'swap the bounds')];
  }
  const inferable = (d: ApiShape) => {
    const statics = field(d, 'StaticHyperParameters');
    return !statics.known || (statics.value && typeof statics.value === 'object' && EPOCH_HYPERPARAMETERS.some((h) => h in statics.value));
  };
  if (max.known && max.value === undefined && !tuningDefinitions(request).every(inferable)) {
    return [...out, refusal(HPO_STRATEGY.id, t, STRATEGY, 'Hyperband',
      `needs MaxResource, and SageMaker can only infer it from a static hyperparameter named ${EPOCH_HYPERPARAMETERS.join(', ')}; the training job has none, so the API would reject the request`,
      'use TuningStrategy.hyperband({ maxResource: <epochs> }) or add a static epochs hyperparameter')];
  }
  return out;
}

/** Compliant when the `RandomSeed` of a CreateHyperParameterTuningJob request, if any, is a whole number ≥ 0. */
export function tuningJobRandomSeed(request: ApiShape, t: Terms = API_TERMS): RuleFinding[] {
  const seed = field(request?.HyperParameterTuningJobConfig, 'RandomSeed');
  if (!seed.known) return [unknown(HPO_STRATEGY.id, t.name(SEED), 'SageMaker checks that it is a whole number ≥ 0 when the tuning job is created')];
  if (seed.value === undefined || (Number.isInteger(seed.value) && seed.value >= 0)) return [];
  return [refusal(HPO_STRATEGY.id, t, SEED, seed.value, 'must be a whole number ≥ 0', 'use e.g. 42')];
}
