// SPDX-License-Identifier: Apache-2.0
// Rewrites the configuration table in README.md (between the config-table markers) from
// src/config/config-schema.ts, so the documented options never drift from the real ones.
// Run: npm run docs:config
import { readFileSync, writeFileSync } from 'node:fs';
import { OPTIONS } from '../src/config/config-schema';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

const rows = OPTIONS.map((o) => {
  const fallback = o.default === null ? '(unset)' : `\`${String(o.default)}\``;
  return `| \`${o.env}\` | \`${o.key}\` | ${fallback} | ${o.description.replace(/\|/g, '\\|')} |`;
});
const table = [
  '| Variable | Config file key | Default | Meaning |',
  '| --- | --- | --- | --- |',
  ...rows,
  '| `SATNET_CONFIG` | — | (unset) | Path of the JSON config file (same as `--config`). |',
].join('\n');

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
writeFileSync('README.md', `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`);
console.log(`README.md: ${OPTIONS.length} options`);
