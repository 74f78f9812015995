#!/usr/bin/env node
/**
 * Fails when compiled output sits beside a TypeScript source in lib/, bin/ or lambda/.
 *
 * The package build emits only into dist/ (scripts/build-lib.js), but a tree that once ran an in-place `tsc` keeps
 * `lib/**\/*.js` files that Node's resolution prefers over the `.ts` sources: `npm run synth` (tsx) would then run the
 * stale JavaScript and ignore every edit. test, synth and bench run this check first.
 *
 * Usage: node scripts/no-shadow.js [root]   (root defaults to the repository)
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const DIRS = ['lib', 'bin', 'lambda'];
const OUTPUT = /\.(js|d\.ts|js\.map)$/;

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const shadows = DIRS.flatMap((d) => walk(path.join(root, d)))
  .filter((f) => OUTPUT.test(f) && fs.existsSync(f.replace(OUTPUT, '.ts')))
  .map((f) => path.relative(root, f));

if (shadows.length > 0) {
  console.error(
    `${shadows.length} compiled file(s) shadow their TypeScript sources and would run instead of them:\n` +
      shadows.map((f) => `  ${f}`).join('\n') +
      '\nThey are left over from an in-place build. Run `npm run clean` (the package build now writes to dist/).',
  );
  process.exit(1);
}
