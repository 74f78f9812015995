#!/usr/bin/env node
/**
 * The package build: lib/**\/*.ts → dist/ (JS + typings) and the `.jsii` assembly, compiled by jsii.
 *
 * 1. removes the previous output (dist/, .jsii), so a deleted source never lives on in the package;
 * 2. runs jsii with tsconfig.build.json (rootDir lib, outDir dist, stripInternal, no source maps). jsii fails when an
 *    exported API cannot be expressed in Python, Java, .NET or Go, and --fail-on-warnings makes its warnings fail
 *    too, except the two silenced below;
 * 3. copies the files the compiled code reads at run time (lib/data/*.json, lib/idle/assets/*) beside it in dist/.
 *
 * Nothing is emitted next to the sources: dist/ is the only output, so `tsx` and jest always load lib/*.ts.
 * The guard Lambda is bundled separately (scripts/bundle-lambda.js → assets/).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'lib');
const OUT = path.join(ROOT, 'dist');
/** Run-time files of lib/ that are not TypeScript. */
const RUNTIME_FILE = /\.(json|py|sh)$/;
const JSII = path.join(ROOT, 'node_modules', '.bin', 'jsii');

/**
 * Silenced jsii warnings:
 * - reserved-word (JSII5018): parameter and property names such as `type` are keywords in Go; jsii-pacmak escapes
 *   them in every language, so they cost nothing and renaming them would change the TypeScript API.
 * - JSII6 (metadata/missing-dev-dependency): jsii asks for the devDependency on `constructs` to equal the lowest
 *   version the peer range allows (10.5.0); the project tests with aws-cdk-lib's current `constructs` instead.
 */
const JSII_ARGS = ['--fail-on-warnings', '--silence-warnings', 'reserved-word', '--silence-warnings', 'JSII6'];

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

function build() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.rmSync(path.join(ROOT, '.jsii'), { force: true });

  const started = Date.now();
  const jsii = spawnSync(JSII, JSII_ARGS, { cwd: ROOT, stdio: 'inherit' });
  if (jsii.status !== 0) {
    console.error(`jsii failed (exit ${jsii.status ?? jsii.signal}): the exported API must be expressible in every jsii language`);
    process.exit(1);
  }

  let copied = 0;
  for (const file of walk(SRC).filter((f) => RUNTIME_FILE.test(f))) {
    const target = path.join(OUT, path.relative(SRC, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
    copied++;
  }
  console.log(`jsii: lib/ → dist/ and .jsii in ${((Date.now() - started) / 1000).toFixed(1)} s; ${copied} run-time files copied`);
}

module.exports = { JSII, JSII_ARGS };
if (require.main === module) build();
