#!/usr/bin/env node
/**
 * Bundles the Lambda handlers the library ships (TOOLCHAIN P9): lambda/<name>/index.ts → assets/<name>/index.js.
 * The constructs use `lambda.Function` + `Code.fromAsset(assets/<name>)`, so a consumer's synth needs neither
 * esbuild nor Docker. `@aws-sdk/*` stays external: the Node.js 24 runtime provides the AWS SDK for JavaScript v3.
 * `assets/` is build output (git-ignored); `npm run build:lambda` runs before test, synth, bench and pack.
 */
const path = require('path');
const fs = require('fs');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const HANDLERS = ['training-job-guard'];

/**
 * The handlers read only a few fields of the training-instance table (family, vCPUs, memory, accelerator kind and
 * count; lambda/training-job-guard/instances.ts): bundle those, not its sources, notes and other columns. The
 * repo's lib/data/training-instance-types.json stays the one copy of the data and says where it comes from.
 */
const instanceTableFields = {
  name: 'instance-table-fields',
  setup(build) {
    build.onLoad({ filter: /lib[\\/]data[\\/]training-instance-types\.json$/ }, (args) => {
      const table = JSON.parse(fs.readFileSync(args.path, 'utf8'));
      const instanceTypes = Object.fromEntries(Object.entries(table.instanceTypes).map(([name, r]) => [name, {
        family: r.family,
        vcpu: r.vcpu,
        memoryGiB: r.memoryGiB,
        accelerator: r.accelerator ? { kind: r.accelerator.kind, count: r.accelerator.count } : null,
      }]));
      return { contents: JSON.stringify({ instanceTypes }), loader: 'json' };
    });
  },
};

async function bundle(name) {
  const outfile = path.join(ROOT, 'assets', name, 'index.js');
  fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'lambda', name, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    external: ['@aws-sdk/*'],
    legalComments: 'none',
    metafile: true,
    plugins: [instanceTableFields],
    logLevel: 'warning',
  });
  const bytes = fs.statSync(outfile).size;
  const inputs = Object.keys(result.metafile.inputs).length;
  console.log(`bundled lambda/${name} → ${path.relative(ROOT, outfile)}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes, ${inputs} source files)`);
  return bytes;
}

(async () => {
  for (const name of HANDLERS) await bundle(name);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
