/**
 * The guard's pure parts: settings from env and tags, the idle / stall / overfit checks, the savings estimate.
 */
import { GUARD_DEFAULTS } from '../../lib/guard/guard-env';
import { GuardTags } from '../../lib/guard/guard-tags';
import { estimateSavings } from '../../lambda/training-job-guard/actions';
import { configFromEnv, ENV, jobSettings } from '../../lambda/training-job-guard/config';
import { evaluateIdle, evaluateOverfit, evaluateStall, Series } from '../../lambda/training-job-guard/evaluate';
import { instanceSpec } from '../../lambda/training-job-guard/instances';
import { watchedJob, WatchedJob } from '../../lambda/training-job-guard/jobs';
import { queriesPerCall } from '../../lambda/training-job-guard/metrics';

const NOW = new Date('2026-11-26T12:00:30Z');
const config = configFromEnv({});
const GUARDED = { [GuardTags.GUARD]: 'enabled' };

function job(instanceType: string, hosts = 1, trainingMinutes = 120, extra: Partial<WatchedJob> = {}): WatchedJob {
  const start = new Date(NOW.getTime() - trainingMinutes * 60_000);
  return {
    ...watchedJob({
      TrainingJobName: 'j', TrainingJobArn: 'arn:j', TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training',
      ResourceConfig: { InstanceType: instanceType as any, InstanceCount: hosts, VolumeSizeInGB: 30 },
      TrainingStartTime: start,
      StoppingCondition: { MaxRuntimeInSeconds: 6 * 3600 },
    }, GUARDED),
    ...extra,
  };
}

/** Per-minute series over the last `n` minutes. */
function perMinute(n: number, value: (i: number) => number): Series {
  const end = Math.floor(NOW.getTime() / 60_000) * 60_000;
  const t = Array.from({ length: n }, (_, i) => end - (n - i) * 60_000);
  return { t, v: t.map((_, i) => value(i)) };
}

describe('settings', () => {
  test('defaults: 5 % for 30 minutes, 10 stall points, every check, Search discovery, not dry run', () => {
    expect(config).toMatchObject({
      dryRun: false, idleThresholdPercent: 5, idleWindowMinutes: 30, stallPoints: 10, overfitPoints: 5,
      minImprovement: 0.001, overfitMinChange: 0.01, lookbackMinutes: 180, discovery: 'search',
      neuronMetricName: 'NeuronCoreUtilization', ignoredRules: ['ProfilerReport'],
      metricNamespace: 'cdk-sustainable-ml/TrainingJobGuard',
    });
    expect([...config.checks]).toEqual(['idle', 'stall', 'overfit', 'rules']);
    // read from the one home the construct reads too
    expect(config).toMatchObject({
      idleThresholdPercent: GUARD_DEFAULTS.idleThresholdPercent, lookbackMinutes: GUARD_DEFAULTS.lookbackMinutes,
      discovery: GUARD_DEFAULTS.discovery, ignoredRules: GUARD_DEFAULTS.ignoredRules, metricNamespace: GUARD_DEFAULTS.metricNamespace,
    });
  });

  test('environment overrides every default', () => {
    const c = configFromEnv({
      [ENV.DRY_RUN]: 'true', [ENV.CHECKS]: 'idle,rules', [ENV.IDLE_THRESHOLD_PERCENT]: '10', [ENV.IDLE_WINDOW_MINUTES]: '45',
      [ENV.STALL_POINTS]: '4', [ENV.OVERFIT_POINTS]: '6', [ENV.MIN_IMPROVEMENT_PERCENT]: '1', [ENV.LOOKBACK_MINUTES]: '20',
      [ENV.DISCOVERY]: 'list', [ENV.IGNORED_RULES]: '', [ENV.NEURON_METRIC]: 'NeuronCoreUtil',
    });
    expect(c).toMatchObject({
      dryRun: true, idleThresholdPercent: 10, idleWindowMinutes: 45, stallPoints: 4, overfitPoints: 6,
      minImprovement: 0.01, lookbackMinutes: 45, discovery: 'list', ignoredRules: [], neuronMetricName: 'NeuronCoreUtil',
    });
    expect([...c.checks]).toEqual(['idle', 'rules']);
  });

  test('fails when the environment holds a malformed value', () => {
    expect(() => configFromEnv({ [ENV.IDLE_THRESHOLD_PERCENT]: '150' })).toThrow(/GUARD_IDLE_THRESHOLD_PERCENT=150/);
    expect(() => configFromEnv({ [ENV.CHECKS]: 'idle,naps' })).toThrow(/unknown check 'naps'/);
    expect(() => configFromEnv({ [ENV.DISCOVERY]: 'scan' })).toThrow(/GUARD_DISCOVERY/);
  });

  test('per-job tags override threshold, window, stall points and checks; malformed tags are ignored and reported', () => {
    const s = jobSettings({
      ...GUARDED,
      [GuardTags.IDLE_THRESHOLD]: '2', [GuardTags.WINDOW_MINUTES]: '60', [GuardTags.STALL_POINTS]: '3',
      [GuardTags.CHECKS]: 'stall', [GuardTags.OBJECTIVE_METRIC]: 'validation:loss', [GuardTags.OBJECTIVE_DIRECTION]: 'Minimize',
      [GuardTags.TRAIN_METRIC]: 'train:loss',
    }, config);
    expect(s).toMatchObject({
      idleThresholdPercent: 2, idleWindowMinutes: 60, stallPoints: 3,
      objective: { name: 'validation:loss', direction: 'Minimize' }, train: { name: 'train:loss', direction: 'Minimize' }, problems: [],
    });
    expect([...s.checks]).toEqual(['stall']);
    const bad = jobSettings({ ...GUARDED, [GuardTags.IDLE_THRESHOLD]: 'low', [GuardTags.WINDOW_MINUTES]: '9999', [GuardTags.OBJECTIVE_METRIC]: 'acc' }, config);
    expect(bad).toMatchObject({ idleThresholdPercent: 5, idleWindowMinutes: 30 });
    expect(bad.objective).toBeUndefined();
    expect(bad.problems).toHaveLength(3);
    expect([...jobSettings({ ...GUARDED, [GuardTags.CHECKS]: 'none' }, config).checks]).toEqual([]);
  });
});

describe('instance specs', () => {
  test('GPU, Trainium and CPU types carry the counts used to normalise utilisation, their family and memory (right-sizing)', () => {
    expect(instanceSpec('ml.g5.12xlarge')).toEqual({ vcpus: 48, accelerator: 'gpu', acceleratorCount: 4, family: 'g5', memoryGiB: 192 });
    expect(instanceSpec('ml.p4d.24xlarge')).toEqual({ vcpus: 96, accelerator: 'gpu', acceleratorCount: 8, family: 'p4d', memoryGiB: 1152 });
    expect(instanceSpec('ml.trn1.32xlarge')).toEqual({ vcpus: 128, accelerator: 'neuron', acceleratorCount: 16, family: 'trn1', memoryGiB: 512 });
    expect(instanceSpec('ml.m5.xlarge')).toEqual({ vcpus: 4, accelerator: 'none', family: 'm5', memoryGiB: 16 });
    // Unknown (newer) types fall back on the family and stay un-normalised.
    expect(instanceSpec('ml.p9.48xlarge')).toEqual({ accelerator: 'gpu' });
    expect(instanceSpec('ml.trn9.48xlarge')).toEqual({ accelerator: 'neuron' });
  });
});

describe('idle check', () => {
  const s = jobSettings(GUARDED, config);

  test('stops a 4-GPU job whose GPUUtilization (sum over GPUs) stays under 4 x 5 %', () => {
    const v = evaluateIdle(job('ml.g5.12xlarge'), [perMinute(30, () => 19)], s, config, NOW);
    expect(v.outcome).toBe('stop');
    expect(v.figures).toMatchObject({ metric: 'GPUUtilization', peakPercent: 4.75, perDeviceDivisor: 4, hostsJudged: 1 });
  });

  test('one busy point or one busy host keeps the job', () => {
    expect(evaluateIdle(job('ml.g5.12xlarge'), [perMinute(30, (i) => (i === 17 ? 80 : 1))], s, config, NOW).outcome).toBe('ok');
    expect(evaluateIdle(job('ml.g5.xlarge', 2), [perMinute(30, () => 0), perMinute(30, () => 90)], s, config, NOW).outcome).toBe('ok');
  });

  test('CPU jobs are judged per vCPU', () => {
    expect(evaluateIdle(job('ml.m5.xlarge'), [perMinute(30, () => 12)], s, config, NOW)).toMatchObject({ outcome: 'stop', figures: { metric: 'CPUUtilization', peakPercent: 3 } });
    expect(evaluateIdle(job('ml.m5.xlarge'), [perMinute(30, () => 40)], s, config, NOW).outcome).toBe('ok');
  });

  test('missing or short data, a young job, or a job not in Training is never judged idle', () => {
    expect(evaluateIdle(job('ml.g5.xlarge'), [undefined], s, config, NOW).outcome).toBe('insufficient');
    expect(evaluateIdle(job('ml.g5.xlarge'), [perMinute(10, () => 0)], s, config, NOW).outcome).toBe('insufficient');
    expect(evaluateIdle(job('ml.g5.xlarge', 2), [perMinute(30, () => 0), undefined], s, config, NOW).outcome).toBe('insufficient');
    expect(evaluateIdle(job('ml.g5.xlarge', 1, 20), [perMinute(30, () => 0)], s, config, NOW).outcome).toBe('insufficient');
    expect(evaluateIdle(job('ml.g5.xlarge', 1, 120, { secondaryStatus: 'Downloading' }), [perMinute(30, () => 0)], s, config, NOW).outcome).toBe('insufficient');
  });

  test('a heterogeneous cluster is judged on the hosts that publish the accelerator metric', () => {
    const j = watchedJob({
      TrainingJobName: 'h', TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training', TrainingStartTime: new Date(NOW.getTime() - 7_200_000),
      ResourceConfig: { InstanceGroups: [
        { InstanceType: 'ml.c5.xlarge', InstanceCount: 1, InstanceGroupName: 'cpu' },
        { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, InstanceGroupName: 'gpu' },
      ] },
    }, GUARDED);
    expect(j).toMatchObject({ instanceType: 'ml.g5.xlarge', hosts: 2, heterogeneous: true });
    expect(evaluateIdle(j, [undefined, perMinute(30, () => 1)], s, config, NOW).outcome).toBe('stop');
  });
});

describe('stall check', () => {
  test('stalled when the last N points do not beat the best before them', () => {
    const improvingThenFlat = [5, 4, 3, 2.5, 2.2, 2.1, 2.1, 2.1, 2.11, 2.1, 2.1005, 2.12, 2.1, 2.1];
    const series = { t: improvingThenFlat.map((_, i) => i), v: improvingThenFlat };
    // Last 10 points (2.2 … 2.1) still beat the best before them (2.5): improving.
    expect(evaluateStall(series, 'validation:loss', 'Minimize', 10, 0.001)).toMatchObject({ outcome: 'ok', figures: { bestBefore: 2.5, bestRecent: 2.1 } });
    // Last 5 points never beat 2.1 (a 0.1 % improvement is needed): stalled.
    expect(evaluateStall(series, 'validation:loss', 'Minimize', 5, 0.001)).toMatchObject({ outcome: 'stop', figures: { bestBefore: 2.1, bestRecent: 2.1 } });
    const flatLate = [5, 4, 3, 2.5, 2.2, 2.1, 2.1, 2.1, 2.1];
    expect(evaluateStall({ t: flatLate.map((_, i) => i), v: flatLate }, 'loss', 'Minimize', 3, 0.001).outcome).toBe('stop');
    expect(evaluateStall({ t: flatLate.map((_, i) => i), v: flatLate }, 'loss', 'Minimize', 4, 0.001).outcome).toBe('ok');
  });

  test('maximised objectives and too few points', () => {
    const acc = [0.5, 0.6, 0.7, 0.71, 0.72, 0.73];
    expect(evaluateStall({ t: acc.map((_, i) => i), v: acc }, 'accuracy', 'Maximize', 3, 0.001).outcome).toBe('ok');
    expect(evaluateStall({ t: acc.map((_, i) => i), v: acc }, 'accuracy', 'Minimize', 3, 0.001).outcome).toBe('stop');
    expect(evaluateStall({ t: [1, 2], v: [1, 1] }, 'loss', 'Minimize', 3, 0.001).outcome).toBe('insufficient');
    expect(evaluateStall(undefined, 'loss', 'Minimize', 3, 0.001).outcome).toBe('insufficient');
  });
});

describe('overfitting check', () => {
  const obj = { name: 'validation:loss', direction: 'Minimize' as const };
  const tr = { name: 'train:loss', direction: 'Minimize' as const };
  const s = (vs: number[]): Series => ({ t: vs.map((_, i) => i * 60_000), v: vs });

  test('validation worsens while training improves', () => {
    const v = evaluateOverfit(s([1.0, 0.8, 0.7, 0.72, 0.75, 0.79, 0.84]), s([1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2]), obj, tr, 5, 0.001, 0.01);
    expect(v.outcome).toBe('stop');
    expect(v.figures).toMatchObject({ validationLatest: 0.84, validationBest: 0.7 });
  });

  test('both improving, or both worsening, is not overfitting; short series are insufficient', () => {
    expect(evaluateOverfit(s([1, 0.9, 0.8, 0.7, 0.6]), s([1, 0.8, 0.6, 0.5, 0.4]), obj, tr, 5, 0.001, 0.01).outcome).toBe('ok');
    expect(evaluateOverfit(s([0.7, 0.75, 0.8, 0.85, 0.9]), s([0.7, 0.75, 0.8, 0.85, 0.9]), obj, tr, 5, 0.001, 0.01).outcome).toBe('ok');
    expect(evaluateOverfit(s([0.7, 0.8]), s([0.7, 0.6]), obj, tr, 5, 0.001, 0.01).outcome).toBe('insufficient');
  });
});

describe('savings estimate', () => {
  test('upper bound: hours left until MaxRuntime x instances x accelerators', () => {
    // 2 h run of 6 h max → 4 h left, 2 instances of 4 GPUs.
    expect(estimateSavings(job('ml.g5.12xlarge', 2), NOW)).toEqual({ remainingHours: 4, instanceHours: 8, acceleratorHours: 32 });
    expect(estimateSavings(job('ml.m5.xlarge'), NOW)).toEqual({ remainingHours: 4, instanceHours: 4, acceleratorHours: 0 });
  });

  test('GetMetricData packing: 500 queries per call unless data points exceed 100,800', () => {
    expect(queriesPerCall(180)).toBe(500);
    expect(queriesPerCall(1440)).toBe(70);
  });
});
