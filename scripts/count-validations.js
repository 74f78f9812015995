// Runs the test suite and sums the requests validated against the official AWS API models, per operation.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const file = path.join(os.tmpdir(), `sml-validations-${process.pid}.jsonl`);
const run = spawnSync('npx', ['jest', '--silent'], { stdio: 'inherit', env: { ...process.env, SML_VALIDATION_COUNT_FILE: file } });
const totals = {};
for (const line of fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []) {
  for (const [op, n] of Object.entries(JSON.parse(line))) totals[op] = (totals[op] ?? 0) + n;
}
fs.rmSync(file, { force: true });
const rows = Object.entries(totals).sort();
for (const [op, n] of rows) console.log(`${String(n).padStart(6)}  ${op}`);
console.log(`${String(rows.reduce((a, [, n]) => a + n, 0)).padStart(6)}  requests validated in total`);
process.exit(run.status ?? 1);
