/**
 * Builds the carbon tables in lib/data/ from their sources (run by hand when a source moves; the output is committed):
 *
 *   npx tsx scripts/build-power-data.ts --ccf <git dir> --coefficients <git dir> --shared <dir>
 *
 * --ccf           a clone of cloud-carbon-footprint/cloud-carbon-footprint (read at CCF_COMMIT)
 * --coefficients  a clone of cloud-carbon-footprint/ccf-coefficients (read at COEFFICIENTS_COMMIT)
 * --shared        the project's researched data folder (aws-region-carbon.json, instance-power.json,
 *                 energy-coefficients.json, training-instance-types.json)
 *
 * Facts carry over, code does not: the CCF tables are read as data (instance → processor microarchitectures, GPUs,
 * family sizes); the power formula lives in lib/carbon/instance-power.ts. Output:
 * - instance-processors.json: for every SageMaker training type, the processor microarchitectures and the coefficient
 *   set to use, its GPUs, and its family's largest size (CCF's memory rule), each with the source it came from;
 * - instance-power.json: the CCF figures of the training types CCF itself covers (the "known" rows);
 * - energy-coefficients.json: CCF's constants and coefficient tables (copied);
 * - region-carbon.json: CCF's AWS grid factors with source, data year, partition and geography per region.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { transformSync } from 'esbuild';

const CCF_COMMIT = 'b7a049c7d25c0022919ab9010199dd9e77aa4577';
const COEFFICIENTS_COMMIT = 'b0032d928c787cf76cecd7d1d611c5b46f366e29';
const OUT = path.join(__dirname, '..', 'lib', 'data');

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
}

function gitShow(gitDir: string, commit: string, file: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Evaluate CCF's AWSInstanceTypes.ts as data (its only import is the processor-type enum). */
function ccfInstanceTables(ccfGit: string): any {
  const types = transformSync(gitShow(ccfGit, CCF_COMMIT, 'packages/core/src/compute/ComputeProcessorTypes.ts'), { loader: 'ts', format: 'cjs' }).code;
  const typesModule: any = { exports: {} };
  new Function('module', 'exports', types)(typesModule, typesModule.exports);
  const src = gitShow(ccfGit, CCF_COMMIT, 'packages/aws/src/lib/AWSInstanceTypes.ts').replace(/from '@cloud-carbon-footprint\/core'/, "from 'core'");
  const code = transformSync(src, { loader: 'ts', format: 'cjs' }).code;
  const mod: any = { exports: {} };
  new Function('module', 'exports', 'require', code)(mod, mod.exports, (id: string) => {
    if (id !== 'core') throw new Error(`unexpected import ${id}`);
    return typesModule.exports;
  });
  return mod.exports;
}

function csv(text: string): string[][] {
  return text.trim().split(/\r?\n/).map((l) => l.split(','));
}

function main(): void {
  const ccfGit = arg('ccf');
  const coefGit = arg('coefficients');
  const shared = arg('shared');
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(shared, f), 'utf8'));
  const training = read('training-instance-types.json');
  const power = read('instance-power.json');
  const coefficients = read('energy-coefficients.json');
  const regions = read('aws-region-carbon.json');
  const ccf = ccfInstanceTables(ccfGit);

  // ccf-coefficients: the 2026 platform-CPU list and the microarchitecture membership files.
  const latestFile = 'data/aws-instances-latest-2026.csv';
  const latest = csv(gitShow(coefGit, COEFFICIENTS_COMMIT, latestFile));
  const header = latest[0];
  const col = (n: string) => header.indexOf(n);
  const latestRows = latest.slice(1).map((r) => ({ type: r[col('Instance Type')], vcpu: Number(r[col('vCPUs')]), memoryGiB: Number(r[col('Memory (GiB)')]), cpu: r[col('Platform CPU Name')] }));
  const byType = new Map(latestRows.map((r) => [r.type, r]));
  const membership: { [arch: string]: { file: string; models: string[] } } = {};
  for (const [arch, file] of Object.entries({
    'Ice Lake': 'data/intel-icelake.csv', 'Sapphire Rapids': 'data/intel-sapphirerapids.csv', 'Granite Rapids': 'data/intel-graniterapids.csv',
    'Emerald Rapids': 'data/intel-emeraldrapids.csv', 'EPYC 2nd Gen': 'data/amd-epyc-gen2.csv', 'EPYC 3rd Gen': 'data/amd-epyc-gen3.csv',
    'Skylake': 'data/intel-skylake.csv', 'Cascade Lake': 'data/intel-cascadelake.csv', 'Haswell': 'data/intel-haswell.csv', 'Broadwell': 'data/intel-broadwell.csv',
  })) {
    membership[arch] = { file, models: gitShow(coefGit, COEFFICIENTS_COMMIT, file).split(/\r?\n/).map((l) => l.trim()).filter(Boolean) };
  }
  const coef2026 = coefficients.cpuWattsPerVcpu_ccfCoefficients2026;
  const coefApp = coefficients.cpuWattsPerVcpu;

  /** The 2026 coefficient architecture of a platform CPU name: by codename in the name, else by model number. */
  function archOf(cpu: string): { arch?: string; how: string } {
    for (const arch of Object.keys(membership)) {
      if (cpu.toLowerCase().includes(arch.toLowerCase())) return { arch, how: `codename in the CPU name '${cpu}'` };
    }
    const model = cpu.split(/\s+/).pop()!;
    for (const [arch, m] of Object.entries(membership)) {
      if (m.models.some((x) => x.split(/\s+/).pop()!.toLowerCase() === model.toLowerCase())) return { arch, how: `model ${model} listed in ccf-coefficients ${m.file}` };
    }
    return { how: `no microarchitecture with a coefficient is known for '${cpu}'` };
  }

  // GPU names in the training table (karpenter labels) → CCF GPU coefficient keys.
  const GPU_KEYS: { [name: string]: string } = {
    a10g: 'Nvidia A10G', t4: 'Nvidia T4', v100: 'Nvidia Tesla V100', k80: 'Nvidia Tesla K80', a100: 'Nvidia Tesla A100', h100: 'Nvidia H100 SXM',
  };
  const GPU_NAMES: { [name: string]: string } = {
    l4: 'NVIDIA L4', l40s: 'NVIDIA L40S', h200: 'NVIDIA H200', b200: 'NVIDIA B200', b300: 'NVIDIA B300',
    'rtx-pro-server-6000': 'NVIDIA RTX PRO 6000 Blackwell Server Edition', 'rtx-pro-4500': 'NVIDIA RTX PRO 4500 Blackwell',
  };

  const processors: { [type: string]: any } = {};
  for (const [mlName, row] of Object.entries<any>(training.instanceTypes)) {
    const t = mlName.replace(/^ml\./, '');
    const family = t.split('.')[0];
    const out: any = {};
    // --- processor -------------------------------------------------------------------------------------------
    const mapped: string[] | undefined = ccf.INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING[t];
    if (mapped && mapped.every((a) => coefApp[a])) {
      out.cpu = { microarchitectures: mapped, coefficients: 'ccf-app', source: 'ccf-mapping' };
    } else {
      const l = byType.get(t);
      if (l) {
        const a = archOf(l.cpu);
        if (a.arch && coef2026[a.arch]) {
          out.cpu = {
            microarchitectures: [a.arch], coefficients: 'ccf-coefficients-2026', platformCpu: l.cpu,
            source: 'ccf-2026-list', how: `${a.how}${mapped ? `; CCF's own mapping (${mapped.join(', ')}) has no coefficient in the CCF app` : ''}`,
          };
        } else {
          out.cpu = { microarchitectures: [], platformCpu: l.cpu, source: 'ccf-2026-list' };
          out.unknownBecause = `no watts-per-vCPU coefficient is published for the ${l.cpu} processor`;
        }
      } else {
        out.cpu = { microarchitectures: [], source: 'none' };
        out.unknownBecause = `the processor of ${t} is in neither CCF's instance mapping nor ccf-coefficients ${latestFile}`;
      }
    }
    // --- family size for CCF's memory rule -----------------------------------------------------------------------
    const ccfFamily = ccf.EC2_INSTANCE_TYPES[family];
    if (ccfFamily) {
      const sizes = Object.entries<number[]>(ccfFamily);
      const [size, v] = sizes[sizes.length - 1];
      out.familyLargest = { type: `${family}.${size}`, vcpu: v[0], memoryGiB: v[1], source: 'ccf-family-table' };
    } else {
      const members = latestRows.filter((r) => r.type.split('.')[0] === family).sort((a, b) => b.vcpu - a.vcpu || b.memoryGiB - a.memoryGiB);
      if (members.length > 0) {
        out.familyLargest = { type: members[0].type, vcpu: members[0].vcpu, memoryGiB: members[0].memoryGiB, source: 'ccf-2026-list' };
      } else {
        out.familyLargest = { type: t, vcpu: row.vcpu, memoryGiB: row.memoryGiB, source: 'none' };
      }
    }
    const burst = ccf.BURSTABLE_INSTANCE_BASELINE_UTILIZATION[t];
    if (burst !== undefined) out.burstableBaselinePct = burst;
    // --- accelerators ----------------------------------------------------------------------------------------------------
    const acc = row.accelerator;
    if (acc && acc.kind === 'gpu') {
      const ccfGpu: string[] | undefined = ccf.INSTANCE_TYPE_GPU_PROCESSOR_MAPPING[t];
      if (ccfGpu) {
        out.gpu = { model: ccfGpu[0], count: ccf.GPU_INSTANCES_TYPES[t], source: 'ccf-gpu-mapping' };
      } else {
        const key = acc.name ? GPU_KEYS[acc.name] : undefined;
        const model = key ?? (acc.name ? GPU_NAMES[acc.name] ?? acc.name : 'NVIDIA GB200 (name not in the EC2 label)');
        out.gpu = { model, count: acc.count, source: 'training-table' };
      }
      const known = coefficients.gpuWatts[out.gpu.model] ?? coefficients.gpuWattsDerived[out.gpu.model];
      if (!known) out.unknownBecause = out.unknownBecause ?? `no power figure for the ${out.gpu.model} GPU in CCF's GPU table (Teads measurements)`;
    } else if (acc && acc.kind === 'neuron') {
      out.accelerator = { model: acc.name === 'trainium2' ? 'AWS Trainium2' : 'AWS Trainium', count: acc.count, source: 'training-table' };
      out.unknownBecause = `no public power figure for the ${out.accelerator.model} chip (AWS publishes only relative claims; instance-power.json accelerator.wattsKnown=false)`;
    }
    processors[t] = out;
  }

  const ccfSource = { repo: 'cloud-carbon-footprint/cloud-carbon-footprint', path: 'packages/aws/src/lib/AWSInstanceTypes.ts', commit: CCF_COMMIT, date: '2024-03-25', license: 'Apache-2.0' };
  const coefSource = { repo: 'cloud-carbon-footprint/ccf-coefficients', path: `${latestFile}; data/intel-*.csv, data/amd-epyc-gen*.csv (microarchitecture membership)`, commit: COEFFICIENTS_COMMIT, date: '2026-04-24', license: 'Apache-2.0' };
  const write = (file: string, data: any) => {
    // One row per line: readable diffs without a pretty-printed megabyte.
    const { instances, regions: rows, ...meta } = data;
    const body = instances ?? rows;
    const key = instances ? 'instances' : rows ? 'regions' : undefined;
    let text = JSON.stringify(key ? meta : data, null, 1);
    if (key) {
      const lines = Object.entries(body).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
      text = `${text.slice(0, -2)},\n "${key}": {\n${lines.join(',\n')}\n }\n}`;
    }
    fs.writeFileSync(path.join(OUT, file), text + '\n');
  };

  write('instance-processors.json', {
    _source: [
      ccfSource,
      coefSource,
      { what: 'GPU model and count of types CCF does not map', file: 'training-instance-types.json', source: training._source.specs_primary },
    ],
    _license: 'Apache-2.0 (facts from the Apache-2.0 repositories above)',
    _generatedBy: 'scripts/build-power-data.ts',
    _sourceCodes: {
      'ccf-mapping': `CCF ${ccfSource.path} INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING (cloud-carbon-footprint@${CCF_COMMIT.slice(0, 8)})`,
      'ccf-family-table': `CCF ${ccfSource.path} EC2_INSTANCE_TYPES: the last size listed for the family, as CCF's memory rule uses it`,
      'ccf-gpu-mapping': `CCF ${ccfSource.path} INSTANCE_TYPE_GPU_PROCESSOR_MAPPING and GPU_INSTANCES_TYPES`,
      'ccf-2026-list': `ccf-coefficients ${latestFile} (ccf-coefficients@${COEFFICIENTS_COMMIT.slice(0, 8)}): platform CPU name, or the largest size of the family; microarchitecture from the codename in the name or ccf-coefficients' membership files`,
      'training-table': 'training-instance-types.json: GPU/accelerator model and count from EC2 DescribeInstanceTypes (karpenter labels) and the AWS Neuron docs',
      'none': 'no source',
    },
    _method: "Processor: CCF's own mapping when every microarchitecture it names has a coefficient in the CCF app (coefficients 'ccf-app'); otherwise the platform CPU of ccf-coefficients' 2026 instance list, placed in a microarchitecture by its codename or by ccf-coefficients' membership files, with that repository's 2026 coefficients ('ccf-coefficients-2026'). Never CCF's provider-average fallback. Family largest size: CCF's family table (last size listed, as CCF's memory rule uses it), else the largest size in the 2026 list.",
    instances: processors,
  });

  const known: { [type: string]: any } = {};
  for (const mlName of Object.keys(training.instanceTypes)) {
    const t = mlName.replace(/^ml\./, '');
    const p = power.instances[t];
    if (!p?.ccf) continue;
    known[t] = {
      vcpu: p.vcpu, memoryGiB: p.memoryGiB, gpuCount: p.gpuCount, gpuModel: p.gpuModel,
      cpuMicroarchitectures: p.ccf.cpuMicroarchitectures, cpuMinWattsPerVcpu: p.ccf.cpuMinWattsPerVcpu, cpuMaxWattsPerVcpu: p.ccf.cpuMaxWattsPerVcpu,
      effectiveVcpuForCompute: p.ccf.effectiveVcpuForCompute, gpuMinWattsPerGpu: p.ccf.gpuMinWattsPerGpu, gpuMaxWattsPerGpu: p.ccf.gpuMaxWattsPerGpu,
      extraMemoryGB: p.ccf.extraMemoryGB, instanceWattsExclPue: p.ccf.instanceWattsExclPue,
    };
  }
  write('instance-power.json', {
    _source: power._source.filter((s: any) => /CCF/.test(s.what ?? '')),
    _license: 'Apache-2.0',
    _units: { instanceWattsExclPue: power._units.instanceWattsExclPue, extraMemoryGB: power._units.extraMemoryGB },
    _notes: [
      'Keys are EC2 instance types; a SageMaker type ml.<type> is looked up as <type> (CCF does not strip ml., and its SageMaker figures are about 11x too low).',
      'Only the SageMaker training types that CCF covers; the figures were computed with CCF formulas from CCF tables and match the published @cloud-carbon-footprint/aws@0.15.0 (shared notes, carbon-and-idle.md section 3).',
      'Burstable t3 rows use CCF\'s effective vCPU (vCPU x baseline / 50) and no memory term.',
    ],
    instances: known,
  });

  write('energy-coefficients.json', coefficients);

  const country: { [r: string]: string } = {};
  const methodology = gitShow(ccfGit, CCF_COMMIT, 'microsite/docs/HowItWorks/Methodology.md');
  for (const m of methodology.matchAll(/^\|\s*([a-z]{2}(?:-gov)?-[a-z]+-\d)\s*\|\s*([^|]+?)\s*\|/gm)) country[m[1]] = m[2];
  const table: { [r: string]: any } = {};
  for (const [region, factor] of Object.entries<number>(regions)) {
    if (region.startsWith('_')) continue;
    const meta = regions._perRegion[region];
    const src: string = meta.source;
    const dataYear = /eGRID2020/.test(src) ? 2020 : /carbonfootprint\.com/.test(src) ? 2021 : null;
    const sourceUrl = /eGRID/.test(src) ? 'https://www.epa.gov/egrid/download-data'
      : /carbonfootprint\.com/.test(src) ? 'https://www.carbonfootprint.com/docs/2022_03_emissions_factors_sources_for_2021_electricity_v11.pdf'
        : /^EEA/.test(src) ? 'https://www.eea.europa.eu/data-and-maps/daviz/co2-emission-intensity-9/#tab-chart_2' : null;
    table[region] = {
      kgCo2ePerKwh: factor,
      country: country[region] ?? null,
      source: src,
      sourceUrl,
      dataYear,
      partition: region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
      geography: region.startsWith('us-gov-') ? 'us-gov' : region.split('-')[0],
    };
  }
  write('region-carbon.json', {
    _source: regions._source,
    _license: 'Apache-2.0',
    _units: regions._units,
    _vintage: regions._vintage,
    _tableDate: '2022-06-20',
    _notes: [
      'dataYear: the year of electricity the factor describes (eGRID2020: 2020; carbonfootprint.com 2022_03: 2021); null where CCF does not say (EEA chart; the two regions added 2022-11-02 without a documented source).',
      'A region missing from this table is unknown: the library never substitutes CCF\'s average (_unknownRegionDefault).',
      'Location-based annual averages; AWS\'s market-based "100 % renewable" claims are not mixed in.',
    ],
    _pue: regions._pue,
    regions: table,
  });
  console.log(`wrote ${Object.keys(processors).length} processor rows, ${Object.keys(known).length} known power rows, ${Object.keys(table).length} regions`);
}

main();
