/**
 * Rewrites the generated parts of README.md (`npm run docs`): the rule table from the registry (lib/rules/), and the sample
 * footprint report from the example app (bin/example.ts), exactly as `npm run synth` prints it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildExampleApp } from '../bin/example';
import { FootprintReport } from '../lib';
import { renderRulesTable } from '../lib/docs/rules-table';

const file = path.join(__dirname, '..', 'README.md');
const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;
const app = new App({ context });
buildExampleApp(app);
app.synth(); // aspects (BoundedLogRetention, StudioIdleShutdown) run at synth, as in `npm run synth`

const between = (text: string, name: string, body: string) =>
  text.replace(new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`), () => `<!-- ${name}:start -->\n${body}\n<!-- ${name}:end -->`);

let readme = fs.readFileSync(file, 'utf8');
readme = between(readme, 'rules', renderRulesTable());
readme = between(readme, 'report', '```\n' + FootprintReport.format(app) + '\n```');
fs.writeFileSync(file, readme);
