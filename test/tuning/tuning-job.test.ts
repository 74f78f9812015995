import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  DebuggerRule, GuardTags, HyperparameterRange, Objective, ScalingType, SustainableTrainingJob, SustainableTrainingJobProps,
  SustainableTuningJob, SustainableTuningJobProps, TrainingImage, TuningStrategy, WarmStart, WarmStartParent, WarmStartType,
} from '../../lib';
import { newTestStack } from '../support/app';
import { expectValidCreateTrainingJob } from '../support/requests';
import { expectValidTuningRequest } from '../support/tuning';

const IMAGE = TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1');
const OBJECTIVE = Objective.maximize('validation:auc', 'validation-auc=([0-9\\.]+)', { target: 0.85 });
const RANGES = [HyperparameterRange.continuous('eta', 0.01, 0.3), HyperparameterRange.integer('max_depth', 3, 10)];

function make(tuning: Partial<SustainableTuningJobProps> = {}, jobProps: Partial<SustainableTrainingJobProps> = {}, stack: Stack = newTestStack()) {
  const trainingJob = new SustainableTrainingJob(stack, 'Job', {
    image: IMAGE, jobNamePrefix: 'churn-xgb', objective: OBJECTIVE, hyperparameters: { num_round: '100' }, ...jobProps,
  });
  const tuningJob = new SustainableTuningJob(stack, 'Tune', { trainingJob, ranges: RANGES, ...tuning });
  const request = expectValidTuningRequest(tuningJob, tuningJob.renderRequest());
  return { stack, trainingJob, tuningJob, request, config: request.HyperParameterTuningJobConfig, definition: request.TrainingJobDefinition };
}

function warnings(stack: Stack, id: string) {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`^${id}:`)).map((w) => String(w.entry.data));
}

describe('SustainableTuningJob defaults (each asserted on the rendered CreateHyperParameterTuningJob request)', () => {
  const { stack, trainingJob, tuningJob, request, config, definition } = make();

  test('minimal use renders a request valid against the official SageMaker model, with a name ≤ 32 characters', () => {
    expect(request.HyperParameterTuningJobName).toBe('churn-xgb-example');
    expect(tuningJob.jobNamePrefix).toBe('churn-xgb');
  });

  test('SML-HPO-STRATEGY: Bayesian search', () => {
    expect(config.Strategy).toBe('Bayesian');
    expect(config.StrategyConfig).toBeUndefined();
  });

  test('SML-HPO-PARALLEL: one training job at a time; at most 10 jobs', () => {
    expect(config.ResourceLimits.MaxParallelTrainingJobs).toBe(1);
    expect(config.ResourceLimits.MaxNumberOfTrainingJobs).toBe(10);
    expect(tuningJob.maxTrainingJobs).toBe(10);
  });

  test('SML-MAXRUN: the run is bounded by 10 jobs × the job\'s MaxWait (16 h) = 160 h', () => {
    expect(config.ResourceLimits.MaxRuntimeInSeconds).toBe(10 * 16 * 3600);
    expect(tuningJob.maxRuntime.toHours()).toBe(160);
  });

  test('SML-HPO-EARLYSTOP: early stopping Auto', () => {
    expect(config.TrainingJobEarlyStoppingType).toBe('Auto');
  });

  test('SML-ACCEPT: the objective is the training job\'s; completion on the target, on 3 jobs without improvement and on convergence', () => {
    expect(config.HyperParameterTuningJobObjective).toEqual({ Type: 'Maximize', MetricName: 'validation:auc' });
    expect(config.TuningJobCompletionCriteria).toEqual({
      TargetObjectiveMetricValue: 0.85,
      BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 3 },
      ConvergenceDetected: { CompleteOnConvergence: 'Enabled' },
    });
  });

  test('SML-HPO-SPACE: ranges as strings, Auto scaling for narrow ranges', () => {
    expect(config.ParameterRanges).toEqual({
      IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '10', ScalingType: 'Auto' }],
      ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '0.3', ScalingType: 'Auto' }],
    });
  });

  test('no warm start, random seed or Hyperband config by default', () => {
    expect(request.WarmStartConfig).toBeUndefined();
    expect(config.RandomSeed).toBeUndefined();
  });

  test('spot, checkpoints, time limits, retries, network and static hyperparameters carry into the training job definition, from the one renderer', () => {
    const training = expectValidCreateTrainingJob(trainingJob, trainingJob.renderRequest());
    for (const key of ['AlgorithmSpecification', 'RoleArn', 'OutputDataConfig', 'ResourceConfig', 'StoppingCondition', 'EnableManagedSpotTraining', 'RetryStrategy', 'EnableNetworkIsolation', 'EnableInterContainerTrafficEncryption']) {
      expect(training).toHaveProperty([key]); // a key missing from both sides would compare equal
      expect(definition[key]).toEqual(training[key]);
    }
    expect(definition.EnableManagedSpotTraining).toBe(true);
    expect(definition.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 8 * 3600, MaxWaitTimeInSeconds: 16 * 3600 });
    expect(definition.StaticHyperParameters).toEqual({ num_round: '100' });
    expect(definition.HyperParameters).toBeUndefined();
  });

  test('SML-CKPT: checkpoints under checkpoints/<training prefix>/<tuning job name>/', () => {
    expect(JSON.stringify(definition.CheckpointConfig.S3Uri)).toContain('/checkpoints/churn-xgb/churn-xgb-example/');
    expect(definition.CheckpointConfig.LocalPath).toBe('/opt/ml/checkpoints/');
  });

  test('SML-GUARD: the training job\'s tags go on the tuning job, which adds them to every training job it launches', () => {
    expect(request.Tags).toEqual([
      { Key: GuardTags.GUARD, Value: 'enabled' },
      { Key: GuardTags.OBJECTIVE_METRIC, Value: 'validation:auc' },
      { Key: GuardTags.OBJECTIVE_DIRECTION, Value: 'Maximize' },
    ]);
    expect(definition.Tags).toBeUndefined();
  });

  test('nothing the tuning API cannot carry is rendered (no profiler, Debugger or TensorBoard fields)', () => {
    for (const key of ['ProfilerConfig', 'DebugHookConfig', 'DebugRuleConfigurations', 'TensorBoardOutputConfig', 'TrainingJobName']) {
      expect(definition[key]).toBeUndefined();
    }
  });

  test('no sustainability warning for the defaults', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^SML-'))).toEqual([]);
    expect(tuningJob.appliedRules).toEqual(expect.arrayContaining(['SML-HPO-STRATEGY', 'SML-HPO-PARALLEL', 'SML-HPO-SPACE', 'SML-HPO-EARLYSTOP', 'SML-ACCEPT', 'SML-MAXRUN']));
  });
});

describe('SustainableTuningJob options', () => {
  test('SML-HPO-SPACE: a positive range over two orders of magnitude defaults to logarithmic scaling', () => {
    const { config } = make({ ranges: [HyperparameterRange.continuous('eta', 0.001, 0.5), HyperparameterRange.integer('num_round', 10, 1000)] }, { hyperparameters: {} });
    expect(config.ParameterRanges.ContinuousParameterRanges[0].ScalingType).toBe('Logarithmic');
    expect(config.ParameterRanges.IntegerParameterRanges[0].ScalingType).toBe('Logarithmic');
  });

  test('SML-HPO-SPACE: linear scaling on a wide range is allowed and warns', () => {
    const { stack, config } = make({ ranges: [HyperparameterRange.continuous('eta', 0.001, 0.5, { scaling: ScalingType.LINEAR })] });
    expect(config.ParameterRanges.ContinuousParameterRanges[0].ScalingType).toBe('Linear');
    expect(warnings(stack, 'SML-HPO-SPACE')[0]).toMatch(/ranges\[eta\] spans 0.001..0.5 .*Linear scaling; ScalingType.LOGARITHMIC/);
  });

  test('SML-HPO-SPACE: more than a handful of ranges warns', () => {
    const ranges = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => HyperparameterRange.continuous(n, 0.1, 0.9));
    const { stack } = make({ ranges });
    expect(warnings(stack, 'SML-HPO-SPACE')[0]).toMatch(/^SML-HPO-SPACE: 6 ranges: every extra dimension multiplies/);
  });

  test('categorical ranges render their values', () => {
    const { config } = make({ ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart'])] });
    expect(config.ParameterRanges).toEqual({ CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }] });
  });

  test('SML-HPO-STRATEGY: Random is allowed and warns', () => {
    const { stack, config } = make({ strategy: TuningStrategy.RANDOM });
    expect(config.Strategy).toBe('Random');
    expect(warnings(stack, 'SML-HPO-STRATEGY')[0]).toMatch(/random search learns nothing from finished jobs/);
  });

  test('SML-HPO-STRATEGY: Grid with the explicit opt-in warns with the number of jobs it implies', () => {
    const { stack, config, tuningJob } = make({
      strategy: TuningStrategy.GRID,
      allowGridSearch: true,
      ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart']), HyperparameterRange.categorical('max_depth', ['3', '5', '7'])],
    });
    expect(config.Strategy).toBe('Grid');
    expect(config.ResourceLimits.MaxNumberOfTrainingJobs).toBe(6);
    expect(tuningJob.maxTrainingJobs).toBe(6);
    expect(warnings(stack, 'SML-HPO-STRATEGY')[0]).toMatch(/grid search launches 6 training jobs \(booster: 2 × max_depth: 3\)/);
  });

  test('SML-HPO-EARLYSTOP: Hyperband turns early stopping Off, as the API requires, and renders its resource bounds', () => {
    const { stack, config } = make({ strategy: TuningStrategy.hyperband({ minResource: 1, maxResource: 20 }) });
    expect(config.Strategy).toBe('Hyperband');
    expect(config.TrainingJobEarlyStoppingType).toBe('Off');
    expect(config.StrategyConfig).toEqual({ HyperbandStrategyConfig: { MinResource: 1, MaxResource: 20 } });
    expect(warnings(stack, 'SML-HPO-EARLYSTOP')).toEqual([]);
  });

  test('Hyperband may infer its MaxResource from a static epochs hyperparameter', () => {
    const { config } = make({ strategy: TuningStrategy.HYPERBAND }, { hyperparameters: { epochs: '30' } });
    expect(config.StrategyConfig).toBeUndefined();
  });

  test('SML-HPO-PARALLEL: more than one job at a time warns and says why', () => {
    const { stack, config } = make({ maxParallelTrainingJobs: 3 });
    expect(config.ResourceLimits.MaxParallelTrainingJobs).toBe(3);
    expect(config.ResourceLimits.MaxRuntimeInSeconds).toBe(Math.ceil(10 / 3) * 16 * 3600);
    expect(warnings(stack, 'SML-HPO-PARALLEL')[0]).toMatch(/maxParallelTrainingJobs 3: each Bayesian round learns from the jobs that finished before it/);
  });

  test('SML-HPO-EARLYSTOP: turning early stopping off warns', () => {
    const { stack, config } = make({ earlyStopping: false });
    expect(config.TrainingJobEarlyStoppingType).toBe('Off');
    expect(warnings(stack, 'SML-HPO-EARLYSTOP')[0]).toMatch(/earlyStopping is off/);
  });

  test('SML-ACCEPT: each completion criterion can be turned off, with a warning', () => {
    const { stack, config } = make({ completeOnTarget: false, completeWhenNotImproving: false, completeOnConvergence: false });
    expect(config.TuningJobCompletionCriteria).toEqual({ ConvergenceDetected: { CompleteOnConvergence: 'Disabled' } });
    expect(warnings(stack, 'SML-ACCEPT')).toHaveLength(3);
  });

  test('SML-ACCEPT: an objective without a target warns and renders no target value', () => {
    const { stack, config } = make({}, { objective: Objective.minimize('validation:rmse', 'rmse=([0-9\\.]+)') });
    expect(config.HyperParameterTuningJobObjective).toEqual({ Type: 'Minimize', MetricName: 'validation:rmse' });
    expect(config.TuningJobCompletionCriteria.TargetObjectiveMetricValue).toBeUndefined();
    expect(warnings(stack, 'SML-ACCEPT')[0]).toMatch(/has no target: the search cannot stop when the result is good enough/);
  });

  test('maxJobsNotImproving, maxTrainingJobs, maxRuntime and randomSeed are configurable', () => {
    const { config } = make({ maxJobsNotImproving: 5, maxTrainingJobs: 20, maxRuntime: Duration.days(2), randomSeed: 42 });
    expect(config.TuningJobCompletionCriteria.BestObjectiveNotImproving).toEqual({ MaxNumberOfTrainingJobsNotImproving: 5 });
    expect(config.ResourceLimits).toEqual({ MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 1, MaxRuntimeInSeconds: 2 * 86400 });
    expect(config.RandomSeed).toBe(42);
  });

  test('SML-MAXRUN: the derived bound of a long search stops at 30 days', () => {
    const { config } = make({ maxTrainingJobs: 100 });
    expect(config.ResourceLimits.MaxRuntimeInSeconds).toBe(30 * 86400);
  });

  test('without spot: no MaxWait, no checkpoints, and the bound derives from MaxRuntime', () => {
    const { definition, config } = make({}, { spot: false, maxRuntime: Duration.hours(2) });
    expect(definition.EnableManagedSpotTraining).toBe(false);
    expect(definition.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200 });
    expect(definition.CheckpointConfig).toBeUndefined();
    expect(config.ResourceLimits.MaxRuntimeInSeconds).toBe(10 * 7200);
  });

  test('environment, VPC and network isolation carry into the definition', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const { definition } = make({}, { environment: { LOG_LEVEL: 'info' }, vpc, networkIsolation: true }, stack);
    expect(definition.Environment).toEqual({ LOG_LEVEL: 'info' });
    expect(definition.EnableNetworkIsolation).toBe(true);
    expect(definition.VpcConfig.Subnets).toHaveLength(1);
  });

  test('a long training-job prefix is cut to 15 characters, so <prefix>-<16 characters> fits 32', () => {
    const { tuningJob } = make({}, { jobNamePrefix: 'churn-xgboost-nightly-eu' });
    expect(tuningJob.jobNamePrefix).toBe('churn-xgboost-n');
    expect(`${tuningJob.jobNamePrefix}-0123456789abcdef`.length).toBeLessThanOrEqual(32);
  });

  test('SML-HPO-WARMSTART: warm start from named parents', () => {
    const { tuningJob, request } = make({ warmStart: WarmStart.fromParentNames(['churn-hpo-2026-10', 'churn-hpo-2026-09'], WarmStartType.TRANSFER_LEARNING) });
    expect(request.WarmStartConfig).toEqual({
      ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-hpo-2026-10' }, { HyperParameterTuningJobName: 'churn-hpo-2026-09' }],
      WarmStartType: 'TransferLearning',
    });
    expect(tuningJob.appliedRules).toEqual(expect.arrayContaining(['SML-HPO-WARMSTART', 'SML-REUSE']));
  });

  test('SML-HPO-WARMSTART: the previous run of the same definition renders as <prefix>-example in renderRequest', () => {
    const { request } = make({ warmStart: WarmStart.fromPreviousRun() });
    expect(request.WarmStartConfig).toEqual({ ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-xgb-example' }], WarmStartType: 'IdenticalDataAndAlgorithm' });
  });

  test('SML-HPO-WARMSTART: the latest run of another definition with the same objective, image and hyperparameter count', () => {
    const stack = newTestStack();
    const { tuningJob: parent } = make({ jobNamePrefix: 'churn-hpo-a' }, {}, stack);
    const job2 = new SustainableTrainingJob(stack, 'Job2', { image: IMAGE, jobNamePrefix: 'churn-xgb2', objective: OBJECTIVE, hyperparameters: { num_round: '100' } });
    const child = new SustainableTuningJob(stack, 'Child', {
      trainingJob: job2, ranges: RANGES, warmStart: WarmStart.fromParents([WarmStartParent.latestRunOf(parent), WarmStartParent.fromName('churn-hpo-old')], WarmStartType.IDENTICAL_DATA_AND_ALGORITHM),
    });
    const req = expectValidTuningRequest(child, child.renderRequest());
    expect(req.WarmStartConfig.ParentHyperParameterTuningJobs).toEqual([{ HyperParameterTuningJobName: 'churn-hpo-a-example' }, { HyperParameterTuningJobName: 'churn-hpo-old' }]);
  });
});

describe('SustainableTuningJob refusals', () => {
  const fails = (tuning: Partial<SustainableTuningJobProps>, job: Partial<SustainableTrainingJobProps> = {}) => () => make(tuning, job);

  test('fails when the training job has no objective', () => {
    expect(fails({}, { objective: undefined })).toThrow(/^SML-ACCEPT: trainingJob.objective 'TestStack\/Job': a tuning job needs the objective metric/);
  });
  test('fails when there is no range', () => {
    expect(fails({ ranges: [] })).toThrow(/^SML-HPO-SPACE: ranges \[\]: a tuning job needs at least one range/);
  });
  test('fails when there are more ranges than the API limit of 30', () => {
    const ranges = Array.from({ length: 31 }, (_, i) => HyperparameterRange.continuous(`h${i}`, 0.1, 0.9));
    expect(fails({ ranges })).toThrow(/^SML-HPO-SPACE: ranges 31: the API tunes at most 30 hyperparameters/);
  });
  test('fails when two ranges name the same hyperparameter', () => {
    expect(fails({ ranges: [HyperparameterRange.continuous('eta', 0.1, 0.3), HyperparameterRange.continuous('eta', 0.2, 0.4)] })).toThrow(/^SML-HPO-SPACE: ranges 'eta': has two ranges for the same hyperparameter/);
  });
  test('fails when a range is also a static hyperparameter', () => {
    expect(fails({ ranges: [HyperparameterRange.integer('num_round', 10, 200)] })).toThrow(/^SML-HPO-SPACE: ranges\[num_round\] '100': is also a static hyperparameter of the training job.*Fix: remove 'num_round'/);
  });
  test('fails when the strategy is Grid without the explicit opt-in', () => {
    expect(fails({ strategy: TuningStrategy.GRID, ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart'])] })).toThrow(/^SML-HPO-STRATEGY: strategy 'Grid': grid search trains every combination.*allowGridSearch: true/);
  });
  test('fails when a grid search has a numeric range', () => {
    // The predicate reads the rendered request, whose ranges come by kind (integer, continuous, categorical).
    expect(fails({ strategy: TuningStrategy.GRID, allowGridSearch: true })).toThrow(/^SML-HPO-STRATEGY: ranges\[max_depth\] 'Integer': grid search takes categorical ranges only/);
    expect(fails({ strategy: TuningStrategy.GRID, allowGridSearch: true, ranges: [RANGES[0]] })).toThrow(/^SML-HPO-STRATEGY: ranges\[eta\] 'Continuous': grid search takes categorical ranges only/);
  });
  test('fails when a grid search is given a different maxTrainingJobs', () => {
    expect(fails({ strategy: TuningStrategy.GRID, allowGridSearch: true, maxTrainingJobs: 5, ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart'])] }))
      .toThrow(/^SML-HPO-STRATEGY: maxTrainingJobs 5: a grid search must launch exactly its 2 combinations/);
  });
  test('fails when a grid has more than 750 combinations', () => {
    const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
    const ranges = ['a', 'b'].map((n) => HyperparameterRange.categorical(n, values));
    expect(fails({ strategy: TuningStrategy.GRID, allowGridSearch: true, ranges })).toThrow(/^SML-HPO-STRATEGY: ranges 900: combinations exceed the 750/);
  });
  test('fails when allowGridSearch is set for another strategy', () => {
    expect(fails({ allowGridSearch: true })).toThrow(/^SML-HPO-STRATEGY: allowGridSearch true: only applies to the Grid strategy/);
  });
  test('fails when early stopping is forced on with Hyperband', () => {
    expect(fails({ strategy: TuningStrategy.hyperband({ maxResource: 20 }), earlyStopping: true })).toThrow(/^SML-HPO-EARLYSTOP: earlyStopping true: Hyperband stops jobs early by itself/);
  });
  test('fails when Hyperband cannot infer MaxResource', () => {
    expect(fails({ strategy: TuningStrategy.HYPERBAND })).toThrow(/^SML-HPO-STRATEGY: strategy 'Hyperband': needs MaxResource.*the API would reject the request/);
  });
  test('fails when Hyperband\'s bounds are out of order or range', () => {
    expect(fails({ strategy: TuningStrategy.hyperband({ minResource: 30, maxResource: 20 }) })).toThrow(/^SML-HPO-STRATEGY: strategy.minResource 30: is above maxResource \(20\)/);
    expect(fails({ strategy: TuningStrategy.hyperband({ maxResource: 30000 }) })).toThrow(/^SML-HPO-STRATEGY: strategy.maxResource 30000: must be a whole number of epochs from 1 to 20,000/);
  });
  test('fails when maxParallelTrainingJobs is outside 1–100', () => {
    expect(fails({ maxParallelTrainingJobs: 0 })).toThrow(/^SML-HPO-PARALLEL: maxParallelTrainingJobs 0: must be a whole number from 1 to 100/);
    expect(fails({ maxParallelTrainingJobs: 101, maxTrainingJobs: 200 })).toThrow(/^SML-HPO-PARALLEL: maxParallelTrainingJobs 101/);
  });
  test('fails when maxParallelTrainingJobs exceeds maxTrainingJobs', () => {
    expect(fails({ maxParallelTrainingJobs: 4, maxTrainingJobs: 3 })).toThrow(/^SML-HPO-PARALLEL: maxParallelTrainingJobs 4: is more than maxTrainingJobs \(3\)/);
  });
  test('fails when maxTrainingJobs is not a whole number within the strategy limit', () => {
    expect(fails({ maxTrainingJobs: 0 })).toThrow(/^SML-HPO-SPACE: maxTrainingJobs 0: must be a whole number from 1 to 750 \(the Bayesian limit\)/);
    expect(fails({ maxTrainingJobs: 751 })).toThrow(/^SML-HPO-SPACE: maxTrainingJobs 751/);
    expect(fails({ maxTrainingJobs: 2.5 })).toThrow(/^SML-HPO-SPACE: maxTrainingJobs 2.5/);
  });
  test('fails when the tuning maxRuntime is outside 120 s – 30 days', () => {
    expect(fails({ maxRuntime: Duration.seconds(60) })).toThrow(/^SML-MAXRUN: maxRuntime 1 minute: a tuning run must be bounded between 120 seconds and 30 days/);
    expect(fails({ maxRuntime: Duration.days(31) })).toThrow(/^SML-MAXRUN: maxRuntime 31 days/);
  });
  test('fails when the tuning maxRuntime is shorter than one training job', () => {
    expect(fails({ maxRuntime: Duration.hours(4) })).toThrow(/^SML-MAXRUN: maxRuntime 4 hours: is shorter than one training job's maxRuntime \(8 hours\)/);
  });
  test('fails when completeOnTarget is forced on without a target', () => {
    expect(fails({ completeOnTarget: true }, { objective: Objective.maximize('validation:auc', 'auc=([0-9.]+)') })).toThrow(/^SML-ACCEPT: completeOnTarget true: the objective has no target/);
  });
  test('fails when maxJobsNotImproving is below the API minimum of 3', () => {
    expect(fails({ maxJobsNotImproving: 2 })).toThrow(/^SML-ACCEPT: maxJobsNotImproving 2: must be a whole number of at least 3/);
  });
  test('fails when maxJobsNotImproving is given with completeWhenNotImproving off', () => {
    expect(fails({ maxJobsNotImproving: 4, completeWhenNotImproving: false })).toThrow(/^SML-ACCEPT: maxJobsNotImproving 4: only applies when completeWhenNotImproving is on/);
  });
  test('fails when the training job has Debugger rules, which the tuning API cannot carry', () => {
    expect(fails({}, { spot: false, debuggerRules: [DebuggerRule.builtIn('LossNotDecreasing')] })).toThrow(/^SML-GUARD: trainingJob.debuggerRules \["LossNotDecreasing"\]: Debugger rules cannot be attached to the training jobs of a tuning job/);
  });
  test('fails when the training job writes TensorBoard output, which the tuning API cannot carry', () => {
    expect(fails({}, { tensorBoard: true })).toThrow(/^SML-ARTIFACTS: trainingJob.tensorBoard true: the training jobs of a tuning job cannot write TensorBoard output/);
  });
  test('fails when the training job has more than the 48 environment variables a tuning definition takes', () => {
    const environment = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`V${i}`, 'x']));
    expect(fails({}, { environment })).toThrow(/^SML-MANAGED: trainingJob.environment 49: a tuning job's training job definition takes at most 48/);
  });
  test('fails when the tuning-job name prefix would not leave room for the run id within 32 characters', () => {
    expect(fails({ jobNamePrefix: 'churn-xgb-tuning' })).toThrow(/^SML-MANAGED: jobNamePrefix 'churn-xgb-tuning': must be 1–15 letters, digits and inner hyphens/);
    expect(fails({ jobNamePrefix: 'churn_hpo' })).toThrow(/^SML-MANAGED: jobNamePrefix 'churn_hpo'/);
  });
  test('fails when the tuning-job name prefix is a token (it is lowercased for ARNs and matched against run names)', () => {
    expect(fails({ jobNamePrefix: Lazy.string({ produce: () => 'churn-hpo' }) })).toThrow(/^SML-MANAGED: jobNamePrefix \(a deploy-time value\): must be known at synth time/);
  });
  test('fails when two tuning definitions in one app share a prefix', () => {
    const stack = newTestStack();
    const { trainingJob } = make({ jobNamePrefix: 'churn-hpo' }, {}, stack);
    const job2 = new SustainableTrainingJob(stack, 'Job2', { image: IMAGE, jobNamePrefix: 'churn-lgbm', objective: OBJECTIVE });
    expect(() => new SustainableTuningJob(stack, 'Tune2', { trainingJob: job2, jobNamePrefix: 'Churn-HPO', ranges: RANGES }))
      .toThrow(/^SML-MANAGED: jobNamePrefix 'Churn-HPO': is already the prefix of TestStack\/Tune in this app, so the two definitions' runs could not be told apart.*Fix: give each tuning definition its own jobNamePrefix/);
    // The refused definition does not take the prefix; a distinct one is accepted.
    expect(() => new SustainableTuningJob(stack, 'Tune3', { trainingJob, jobNamePrefix: 'churn-hpo-b', ranges: RANGES })).not.toThrow();
  });
  test('fails when two tuning definitions over one training job both derive their prefix from it', () => {
    const stack = newTestStack();
    const { trainingJob, tuningJob } = make({}, {}, stack);
    expect(tuningJob.jobNamePrefix).toBe('churn-xgb');
    expect(() => new SustainableTuningJob(stack, 'Tune2', { trainingJob, ranges: [HyperparameterRange.continuous('alpha', 0.01, 1)] }))
      .toThrow(/^SML-MANAGED: jobNamePrefix 'churn-xgb': \(derived from the training job's prefix\) is already the prefix of TestStack\/Tune in this app/);
  });
  test('the same prefix in two stacks of different environments is each environment\'s own', () => {
    const app = new App();
    const [a, b] = ['us-east-1', 'eu-west-1'].map((region) => make({ jobNamePrefix: 'churn-hpo' }, {}, new Stack(app, region, { env: { account: '123456789012', region } })).tuningJob);
    expect([a.jobNamePrefix, b.jobNamePrefix]).toEqual(['churn-hpo', 'churn-hpo']);
  });
  test('fails when two environment-agnostic stacks of one app share a tuning prefix (they may deploy to one account)', () => {
    const app = new App();
    make({ jobNamePrefix: 'churn-hpo' }, {}, new Stack(app, 'A'));
    expect(() => make({ jobNamePrefix: 'churn-hpo' }, { jobNamePrefix: 'churn-b' }, new Stack(app, 'B')))
      .toThrow(/^SML-MANAGED: jobNamePrefix 'churn-hpo': is already the prefix of A\/Tune in this app, so the two definitions' runs could not be told apart/);
  });
  test('fails when the random seed is negative', () => {
    expect(fails({ randomSeed: -1 })).toThrow(/^SML-HPO-STRATEGY: randomSeed -1: must be a whole number ≥ 0/);
  });

  test('fails when warm start is combined with a strategy that does not support it', () => {
    expect(fails({ strategy: TuningStrategy.hyperband({ maxResource: 20 }), warmStart: WarmStart.fromParentNames(['churn-hpo-1'], WarmStartType.TRANSFER_LEARNING) }))
      .toThrow(/^SML-HPO-WARMSTART: warmStart 'Hyperband': warm start works with the Bayesian and Random strategies only/);
  });

  describe('warm start from another definition', () => {
    function withParent(parentJob: Partial<SustainableTrainingJobProps>, parentRanges: HyperparameterRange[], type: WarmStartType) {
      const stack = newTestStack();
      const pj = new SustainableTrainingJob(stack, 'ParentJob', { image: IMAGE, jobNamePrefix: 'parent', objective: OBJECTIVE, hyperparameters: { num_round: '100' }, ...parentJob });
      const parent = new SustainableTuningJob(stack, 'Parent', { trainingJob: pj, ranges: parentRanges });
      return () => make({ warmStart: WarmStart.fromParents([WarmStartParent.latestRunOf(parent)], type) }, {}, stack);
    }
    test('fails when the parent optimizes another objective', () => {
      expect(withParent({ objective: Objective.minimize('validation:logloss', 'logloss=([0-9.]+)') }, RANGES, WarmStartType.TRANSFER_LEARNING))
        .toThrow(/^SML-HPO-WARMSTART: warmStart.parents 'TestStack\/Parent': optimizes 'validation:logloss' \(Minimize\), and a warm start needs the same objective/);
    });
    test('fails when IdenticalDataAndAlgorithm is asked of a parent with another image', () => {
      expect(withParent({ image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:2') }, RANGES, WarmStartType.IDENTICAL_DATA_AND_ALGORITHM))
        .toThrow(/^SML-HPO-WARMSTART: warmStart.type 'IdenticalDataAndAlgorithm': requires the parent's training image/);
    });
    test('fails when IdenticalDataAndAlgorithm is asked of a parent with another number of hyperparameters', () => {
      expect(withParent({}, [RANGES[0]], WarmStartType.IDENTICAL_DATA_AND_ALGORITHM))
        .toThrow(/^SML-HPO-WARMSTART: warmStart.type 'IdenticalDataAndAlgorithm': requires the same number of static plus tunable hyperparameters as the parent \(2\), and this search has 3/);
    });
    test('TransferLearning accepts another image and hyperparameter set', () => {
      expect(withParent({ image: TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:2') }, [RANGES[0]], WarmStartType.TRANSFER_LEARNING)).not.toThrow();
    });
  });
});
