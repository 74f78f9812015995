/**
 * The right-sizing recommendation (lambda/training-job-guard/right-sizing.ts), a pure function over measured usage
 * and the instance table (lib/data/training-instance-types.json). Every expected type is worked out by hand below.
 */
import { RIGHT_SIZING_DEFAULTS } from '../../lib/guard/right-sizing';
import { AcceleratorKind } from '../../lib/training/instance';
import { ACCELERATOR_KIND_VALUES } from '../../lib/guard/right-sizing';
import { formatHours, JobUsage, recommend, ResourceUsage } from '../../lambda/training-job-guard/right-sizing';

const OPTIONS = { headroom: RIGHT_SIZING_DEFAULTS.headroomPercent / 100, minPoints: RIGHT_SIZING_DEFAULTS.minDataPoints };
const use = (averagePercent: number, peakPercent: number, points = 180): ResourceUsage => ({ averagePercent, peakPercent, points });
const job = (instanceType: string, o: Partial<JobUsage> = {}): JobUsage => ({ instanceType, hosts: 1, hours: 3, ...o });

test('the default headroom is Compute Optimizer\'s default CPU and memory headroom (20 %)', () => {
  expect(RIGHT_SIZING_DEFAULTS.headroomPercent).toBe(20);
  expect(OPTIONS).toEqual({ headroom: 0.2, minPoints: 10 });
});

test('CPU over-provisioned: 12 % of 16 vCPUs on ml.m5.4xlarge, a ml.m5.xlarge would do', () => {
  // needs: 18 % x 16 vCPUs x 1.2 = 3.456 vCPUs; 15 % x 64 GiB x 1.2 = 11.52 GiB. m5.large (2 vCPUs, 8 GiB) covers
  // neither; m5.xlarge (4 vCPUs, 16 GiB) covers both.
  const r = recommend(job('ml.m5.4xlarge', { cpu: use(12, 18), memory: use(10, 15) }), OPTIONS);
  expect(r).toEqual({
    verdict: 'downsize', instanceType: 'ml.m5.4xlarge', recommendedType: 'ml.m5.xlarge',
    needs: { vcpus: 3.46, memoryGiB: 11.52 }, sizedBy: ['cpu', 'memory'], headroomPercent: 20,
    text: '12 % of 16 vCPUs on ml.m5.4xlarge over 3 h: ml.m5.xlarge would do '
      + '(peaks: CPU 18 % of 16 vCPUs, memory 15 % of 64 GiB; 20 % headroom)',
  });
});

test('GPU under-used: 4 GPUs of ml.g5.12xlarge at 15 %, one GPU would do: ml.g5.2xlarge', () => {
  // GPUs: max(GPU 20 %, GPU memory 20 %) x 4 x 1.2 = 0.96 -> 1 GPU;
  // vCPUs 10 % x 48 x 1.2 = 5.76; memory 10 % x 192 x 1.2 = 23.04 GiB. 1-GPU g5 sizes: xlarge (4 vCPUs, 16 GiB)
  // covers neither, 2xlarge (8 vCPUs, 32 GiB) both.
  const r = recommend(job('ml.g5.12xlarge', {
    hours: 2, cpu: use(6, 10), memory: use(8, 10), gpu: use(15, 20), gpuMemory: use(12, 20), disk: use(5, 5),
  }), OPTIONS);
  expect(r).toMatchObject({
    verdict: 'downsize', recommendedType: 'ml.g5.2xlarge', needs: { vcpus: 5.76, memoryGiB: 23.04, accelerators: 1 }, sizedBy: ['cpu', 'memory'],
  });
  expect(r.text).toBe('15 % of 4 GPUs on ml.g5.12xlarge over 2 h: ml.g5.2xlarge would do '
    + '(peaks: CPU 10 % of 48 vCPUs, memory 10 % of 192 GiB, GPU 20 %, GPU memory 20 %; 20 % headroom)');
});

test('GPU memory decides the GPU count when it is the larger need', () => {
  // GPU 20 % -> 0.96 GPUs; GPU memory 60 % -> 0.6 x 4 x 1.2 = 2.88 -> 3 GPUs: only 4-GPU sizes (g5.12xlarge) cover.
  const r = recommend(job('ml.g5.24xlarge', { cpu: use(5, 10), memory: use(5, 10), gpu: use(15, 20), gpuMemory: use(50, 60) }), OPTIONS);
  expect(r).toMatchObject({ verdict: 'downsize', recommendedType: 'ml.g5.12xlarge', needs: { accelerators: 3 } });
  expect(r.sizedBy).toContain('gpu-memory');
});

test('memory-bound: the CPUs idle but memory leaves less than the headroom, so the type stays', () => {
  // memory 90 % x 64 GiB x 1.2 = 69.12 GiB > 64 GiB: no m5 size at or below ml.m5.4xlarge covers it; never upsized.
  const r = recommend(job('ml.m5.4xlarge', { cpu: use(8, 15), memory: use(80, 90) }), OPTIONS);
  expect(r).toMatchObject({ verdict: 'keep', instanceType: 'ml.m5.4xlarge', sizedBy: ['memory'], needs: { memoryGiB: 69.12 } });
  expect(r.recommendedType).toBeUndefined();
  expect(r.text).toMatch(/^8 % of 16 vCPUs on ml\.m5\.4xlarge over 3 h: keep ml\.m5\.4xlarge, the peaks leave less than the headroom; memory decides the size/);
});

test('already right-sized: the next smaller size does not cover the CPU peak', () => {
  // 70 % x 4 vCPUs x 1.2 = 3.36 vCPUs > 2 vCPUs of ml.m5.large; memory 40 % x 16 GiB x 1.2 = 7.68 GiB would fit its 8 GiB.
  const r = recommend(job('ml.m5.xlarge', { hours: 0.75, cpu: use(55, 70), memory: use(30, 40) }), OPTIONS);
  expect(r).toMatchObject({ verdict: 'keep', sizedBy: ['cpu'], needs: { vcpus: 3.36, memoryGiB: 7.68 } });
  expect(r.text).toMatch(/^55 % of 4 vCPUs on ml\.m5\.xlarge over 45 min: ml\.m5\.xlarge is right-sized; cpu decides the size/);
});

test('the headroom is what keeps a type: without it the same peaks fit a smaller size', () => {
  // 45 % x 4 vCPUs = 1.8 vCPUs, 45 % x 16 GiB = 7.2 GiB: fit ml.m5.large (2, 8) with no headroom, not with 20 %.
  const usage = job('ml.m5.xlarge', { cpu: use(30, 45), memory: use(30, 45) });
  expect(recommend(usage, OPTIONS).verdict).toBe('keep');
  expect(recommend(usage, { ...OPTIONS, headroom: 0 })).toMatchObject({ verdict: 'downsize', recommendedType: 'ml.m5.large', headroomPercent: 0 });
});

test('the only size of its family is kept, saying how many GPUs the peaks need', () => {
  const r = recommend(job('ml.p4d.24xlarge', { cpu: use(3, 5), memory: use(5, 10), gpu: use(10, 15), gpuMemory: use(20, 25) }), OPTIONS);
  // GPUs: 25 % x 8 x 1.2 = 2.4 -> 3.
  expect(r).toMatchObject({ verdict: 'keep', needs: { accelerators: 3 }, sizedBy: [] });
  expect(r.text).toMatch(/: ml\.p4d\.24xlarge is the smallest ml\.p4d size; the peaks need 3 of 8 GPUs/);
});

describe('no recommendation (unknown)', () => {
  test.each<[string, JobUsage, RegExp]>([
    ['Trainium: SageMaker publishes no Neuron utilisation metric', job('ml.trn1.32xlarge', { cpu: use(5, 10), memory: use(5, 10) }), /no Neuron \(Trainium\) utilisation metric/],
    ['a CPU job without MemoryUtilization data', job('ml.m5.4xlarge', { cpu: use(12, 18) }), /no MemoryUtilization data/],
    ['a GPU job without GPU figures', job('ml.g5.12xlarge', { cpu: use(12, 18), memory: use(10, 15) }), /no GPUUtilization, GPUMemoryUtilization data/],
    ['no metric at all', job('ml.m5.4xlarge'), /no CPUUtilization, MemoryUtilization data/],
    ['too few data points', job('ml.m5.4xlarge', { cpu: use(12, 18, 9), memory: use(10, 15) }), /fewer than 10 data points of CPUUtilization/],
    ['a previous-generation family (SML-SILICON)', job('ml.p3.8xlarge', { cpu: use(5, 10), memory: use(5, 10), gpu: use(5, 10), gpuMemory: use(5, 10) }), /ml\.p3 is a previous-generation family \(SML-SILICON\)/],
    ['a type not in the table', job('ml.m99.xlarge', { cpu: use(5, 10), memory: use(5, 10) }), /ml\.m99\.xlarge is not in the instance table/],
    ['a heterogeneous cluster', job('ml.g5.xlarge', { heterogeneous: true, cpu: use(5, 10), memory: use(5, 10) }), /heterogeneous cluster/],
    ['no instance type', { hosts: 1, hours: 1 }, /names no instance type/],
  ])('%s', (_why, usage, reason) => {
    const r = recommend(usage, OPTIONS);
    expect(r.verdict).toBe('unknown');
    expect(r.recommendedType).toBeUndefined();
    expect(r.text).toMatch(reason);
  });
});

test('durations read as people say them', () => {
  expect([formatHours(3), formatHours(2.54), formatHours(0.75), formatHours(0.001)]).toEqual(['3 h', '2.5 h', '45 min', '1 min']);
});

test('the AcceleratorKind dimension values are the public AcceleratorKind enum values', () => {
  expect(Object.values(ACCELERATOR_KIND_VALUES).sort()).toEqual(Object.values(AcceleratorKind).sort());
  expect(ACCELERATOR_KIND_VALUES).toEqual({ none: AcceleratorKind.NONE, gpu: AcceleratorKind.NVIDIA_GPU, neuron: AcceleratorKind.TRAINIUM });
});
