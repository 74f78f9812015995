/** Rewrites the rule table in README.md from the registry (lib/rules/) (`npm run docs`). */
import * as fs from 'fs';
import * as path from 'path';
import { renderRulesTable } from '../lib/docs/rules-table';

const file = path.join(__dirname, '..', 'README.md');
const readme = fs.readFileSync(file, 'utf8');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';
const next = readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${renderRulesTable()}\n${end}`);
fs.writeFileSync(file, next);
