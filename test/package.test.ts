/**
 * The published package: the jsii build, the packed file list, the compiled JS run on its own, the typings, and the
 * Python bindings jsii-pacmak generates. Builds what is missing or older than its sources first (`npm run build:lib`,
 * then `jsii-pacmak --targets python`); CI builds them before `npm test`, so there the checks only read.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SYSTEM_PYTHON } from './support/jupyter';

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const ASSEMBLY = path.join(ROOT, '.jsii');
const PYTHON_PACKAGE = path.join(ROOT, 'pacmak', 'python', 'src', 'cdk_sustainable_ml');
const GUARD_BUNDLE = path.join(ROOT, 'assets', 'training-job-guard', 'index.js');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');
const mtime = (f: string) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0);

/** Run a command quietly; on failure, throw with its output. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** lib/ sources compiled into dist/: every .ts except typings. */
const libSources = walk(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
/** Files of lib/ the compiled code reads at run time; the build copies them to dist/. */
const libRuntimeFiles = walk(path.join(ROOT, 'lib')).filter((f) => /\.(json|py|sh)$/.test(f));

beforeAll(() => {
  if (!fs.existsSync(GUARD_BUNDLE)) run('npm', ['run', 'build:lambda']);
  const inputs = [...libSources, ...libRuntimeFiles, 'package.json', 'tsconfig.build.json', 'scripts/build-lib.js']
    .map((f) => mtime(path.resolve(ROOT, f)));
  if (mtime(ASSEMBLY) < Math.max(...inputs)) run('node', ['scripts/build-lib.js']);
  if (mtime(path.join(PYTHON_PACKAGE, '__init__.py')) < mtime(ASSEMBLY)) {
    run('npx', ['jsii-pacmak', '--code-only', '--no-npmignore', '--targets', 'python', '--force'], { npm_config_ignore_scripts: 'true' });
  }
}, 300_000);

describe('jsii', () => {
  const assembly = () => JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'));

  test('the assembly names the four language targets', () => {
    const { targets } = assembly();
    expect(targets.python).toEqual({ module: 'cdk_sustainable_ml', distName: 'cdk-sustainable-ml' });
    expect(targets.java.package).toBe('io.github.cdksustainableml');
    expect(targets.dotnet.namespace).toBe('CdkSustainableMl');
    expect(targets.go.moduleName).toBe('github.com/cdk-sustainable-ml/cdk-sustainable-ml-go');
  });

  test('every class and enum the package exports is in the assembly, so every language sees the same API', () => {
    const types = Object.keys(assembly().types).map((t) => t.replace(/^cdk-sustainable-ml\./, ''));
    const exported = Object.keys(require(DIST));
    expect(exported.filter((name) => !types.includes(name))).toEqual([]);
    for (const name of ['SustainableTrainingJob', 'SustainableTuningJob', 'TrainingWorkflow', 'TrainingPipeline', 'TrainingInstance',
      'TrainingImage', 'MlArtifactsBucket', 'SageMakerLogRetention', 'NotebookIdleShutdown', 'SustainableNotebookInstance',
      'StudioIdleShutdown', 'TrainingJobGuard', 'SustainabilityRules', 'SustainableMlPlatform']) {
      expect(types).toContain(name);
    }
  });

  test('refusals are raised by an internal Error subclass, not an exported class jsii cannot express', () => {
    expect(Object.keys(assembly().types)).not.toContain('cdk-sustainable-ml.SustainabilityError');
    const rules = assembly().types['cdk-sustainable-ml.SustainabilityRules'];
    expect(rules.methods.map((m: any) => m.name)).toEqual(expect.arrayContaining(['isSustainabilityError', 'ruleIdOf']));
  });


  test('fails when an exported API cannot be expressed: the build rejects an exported Error subclass', () => {
    const { JSII, JSII_ARGS } = require('../scripts/build-lib.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sml-jsii-probe-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
        name: 'probe', version: '0.0.0', license: 'Apache-2.0', author: { name: 'probe', organization: true },
        repository: { type: 'git', url: 'https://example.com/probe.git' }, main: 'index.js', types: 'index.d.ts',
        jsii: { outdir: 'out', targets: {} },
      }));
      fs.writeFileSync(path.join(dir, 'README.md'), '# probe\n');
      fs.writeFileSync(path.join(dir, 'index.ts'), [
        '/** A refusal as a class (what SustainabilityError used to be). */',
        'export class ProbeError extends Error {}',
      ].join('\n'));
      const r = spawnSync(JSII, JSII_ARGS, { cwd: dir, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/JSII3004: Illegal extends clause/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('build output', () => {
  test('goes to dist/ only: nothing compiled sits beside a source in lib/, bin/ or lambda/', () => {
    const beside = ['lib', 'bin', 'lambda'].flatMap((d) => walk(path.join(ROOT, d)))
      .filter((f) => /\.(js|d\.ts|js\.map)$/.test(f)).map(rel);
    expect(beside).toEqual([]);
    for (const src of libSources) {
      const out = path.join(DIST, path.relative(path.join(ROOT, 'lib'), src)).replace(/\.ts$/, '');
      expect(fs.existsSync(`${out}.js`) && fs.existsSync(`${out}.d.ts`)).toBe(true);
    }
  });

  test('tsx (npm run synth) resolves every lib module to its TypeScript source after a build', () => {
    const modules = libSources.map((f) => f.replace(/\.ts$/, ''));
    const script = `for (const m of ${JSON.stringify(modules)}) console.log(require.resolve(m));`;
    const resolved = run(process.execPath, ['--require', 'tsx/cjs', '-e', script]).trim().split('\n');
    expect(resolved).toEqual(libSources);
  });

  test('fails when compiled JS shadows a source (the guard that test, synth and bench run first)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sml-shadow-'));
    try {
      fs.mkdirSync(path.join(dir, 'lib'));
      fs.writeFileSync(path.join(dir, 'lib', 'summary.ts'), 'export const x = 1;\n');
      expect(spawnSync(process.execPath, ['scripts/no-shadow.js', dir], { cwd: ROOT }).status).toBe(0);
      fs.writeFileSync(path.join(dir, 'lib', 'summary.js'), 'exports.x = 0;\n');
      const r = spawnSync(process.execPath, ['scripts/no-shadow.js', dir], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('lib/summary.js');
      expect(r.stderr).toContain('npm run clean');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(spawnSync(process.execPath, ['scripts/no-shadow.js'], { cwd: ROOT }).status).toBe(0);
  });

  test('the published JS carries no source maps or embedded sources', () => {
    const js = walk(DIST).filter((f) => f.endsWith('.js'));
    expect(walk(DIST).filter((f) => f.endsWith('.map')).map(rel)).toEqual([]);
    expect(js.filter((f) => /sourceMappingURL|sourcesContent/.test(fs.readFileSync(f, 'utf8'))).map(rel)).toEqual([]);
    // 101 KB with the inline map and sources it used to carry
    expect(fs.statSync(path.join(DIST, 'training', 'training-job.js')).size).toBeLessThan(50_000);
  });

  test('@internal members and types stay out of the typings, and stay in the JS', () => {
    const internal: Array<{ file: string; name: string }> = [];
    for (const src of libSources) {
      const text = fs.readFileSync(src, 'utf8');
      const decl = /@internal\b[^/]*\*\/\s*(?:export\s+)?(?:(?:public|protected|static|readonly|abstract|get|interface|class|function|const)\s+)*([A-Za-z_$][\w$]*)/g;
      for (const m of text.matchAll(decl)) internal.push({ file: src, name: m[1] });
    }
    expect(internal.map((i) => i.name)).toEqual(expect.arrayContaining(['_renderWith', '_spec', '_bind']));
    for (const { file, name } of internal) {
      const out = path.join(DIST, path.relative(path.join(ROOT, 'lib'), file)).replace(/\.ts$/, '');
      expect({ name, inTypings: new RegExp(`\\b${name.replace('$', '\\$')}\\b`).test(fs.readFileSync(`${out}.d.ts`, 'utf8')) })
        .toEqual({ name, inTypings: false });
    }
    expect(fs.readFileSync(path.join(DIST, 'training', 'training-job.js'), 'utf8')).toContain('_renderWith');
  });

  test('the compiled package works on its own: the README example, the guard and idle shutdown synthesize from dist/', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sml-dist-'));
    const script = `
      const { App, Stack } = require('aws-cdk-lib');
      const sml = require(${JSON.stringify(path.join(ROOT, pkg.main))});
      const app = new App({ outdir: ${JSON.stringify(outdir)} });
      const stack = new Stack(app, 'Consumer');
      const job = new sml.SustainableTrainingJob(stack, 'Job', {
        image: sml.TrainingImage.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1'),
        instanceType: sml.TrainingInstance.of('ml.g5.xlarge'),
      });
      new sml.TrainingWorkflow(stack, 'Flow', { trainingJob: job });
      new sml.TrainingJobGuard(stack, 'Guard');
      new sml.NotebookIdleShutdown(stack, 'Idle');
      let refused;
      try { sml.TrainingInstance.of('ml.inf2.xlarge'); } catch (e) { refused = sml.SustainabilityRules.ruleIdOf(e); }
      const t = app.synth().getStackByName('Consumer').template;
      const types = Object.values(t.Resources).map((r) => r.Type);
      console.log(JSON.stringify({ refused, types: [...new Set(types)].sort() }));`;
    try {
      const out = JSON.parse(run(process.execPath, ['-e', script], { CDK_VALIDATION: 'false' }).trim().split('\n').pop()!);
      expect(out.refused).toBe('SML-SILICON');
      expect(out.types).toEqual(expect.arrayContaining([
        'AWS::S3::Bucket', 'AWS::StepFunctions::StateMachine', 'AWS::Lambda::Function', 'AWS::SageMaker::NotebookInstanceLifecycleConfig',
      ]));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('npm pack', () => {
  interface PackReport { files: Array<{ path: string; size: number }>; size: number; unpackedSize: number }
  let report: PackReport | undefined;
  const packed = (): PackReport => (report ??= JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']))[0]);

  test('ships the compiled JS, typings, .jsii, data tables, the guard bundle, idle assets, README and LICENSE, and nothing else', () => {
    const toDist = (f: string) => `dist/${path.relative(path.join(ROOT, 'lib'), f).split(path.sep).join('/')}`;
    const expected = [
      '.jsii', 'LICENSE', 'README.md', 'package.json', 'assets/training-job-guard/index.js',
      ...libSources.flatMap((f) => [toDist(f).replace(/\.ts$/, '.js'), toDist(f).replace(/\.ts$/, '.d.ts')]),
      ...libRuntimeFiles.map(toDist),
    ].sort();
    const { files } = packed();
    expect(files.map((f) => f.path).sort()).toEqual(expected);
    // the pinned essentials, by name
    expect(expected).toEqual(expect.arrayContaining([
      'dist/index.js', 'dist/index.d.ts', 'dist/data/training-instance-types.json', 'dist/idle/assets/idle_check.py',
      'dist/idle/assets/on-start.sh', 'dist/platform/sustainable-ml-platform.js', 'dist/platform/sustainable-ml-platform.d.ts',
    ]));
  });

  test('main and types point into the package; the LICENSE is the Apache-2.0 text the package declares', () => {
    const paths = packed().files.map((f) => f.path);
    expect(paths).toContain(pkg.main);
    expect(paths).toContain(pkg.types);
    expect(pkg.license).toBe('Apache-2.0');
    const license = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });
});

describe('Python bindings (jsii-pacmak)', () => {
  test('the generated Python compiles, and the README Python example uses only names the bindings define', () => {
    const out = JSON.parse(execFileSync(SYSTEM_PYTHON, [path.join(__dirname, 'support', 'python_api.py'), PYTHON_PACKAGE,
      path.join(ROOT, 'README.md')], { encoding: 'utf8' }));
    expect(out.problems).toEqual([]);
    expect(out.compiled).toBeGreaterThanOrEqual(2);
    expect(out.snippets).toBeGreaterThanOrEqual(2);
  });
});
