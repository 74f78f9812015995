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
