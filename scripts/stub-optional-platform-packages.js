#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// npm records optional platform packages (darwin/win32 builds of msgpackr-extract, unrs-resolver…)
// only when the registry serves them. This machine's registry mirror answers 404 for other
// platforms, so a freshly written lockfile lacks them and `npm ci` refuses it as out of sync.
// This adds each missing one as an optional entry; `npm ci` then skips it like any optional
// package it cannot fetch. Run after `npm install` rewrites package-lock.json.
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');

function missingPackages() {
  try {
    execFileSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], { stdio: 'pipe', encoding: 'utf8' });
    return [];
  } catch (error) {
    return [...String(error.stderr).matchAll(/Missing: (\S+?)@\S* from lock file/g)].map((match) => match[1]);
  }
}

const missing = missingPackages();
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const wanted = {};
for (const entry of Object.values(lock.packages))
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) wanted[name] = range;
for (const name of missing) {
  if (!wanted[name]) throw new Error(`${name} is missing but is not an optional dependency; run npm install`);
  lock.packages[`node_modules/${name}`] = { version: wanted[name], optional: true };
}
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  missing.length
    ? `stubbed ${missing.length} optional packages: ${missing.join(', ')}`
    : 'lockfile already in sync',
);
