// SPDX-License-Identifier: Apache-2.0
// Jest globalSetup of the browser project: the suite drives the built console, so it builds it
// first when dist/console is missing or older than a source it is made of (a fresh clone after
// `npm ci` has no build; an edited screen must not be tested in its old form).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BUILT = join(ROOT, 'dist', 'console', 'index.html');
const SOURCES = [
  join(ROOT, 'web'),
  join(ROOT, 'src', 'orbit'),
  join(ROOT, 'src', 'radio'),
  join(ROOT, 'package-lock.json'),
];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestChange(join(path, entry))),
    stat.mtimeMs,
  );
}

export default function buildConsole(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(...SOURCES.map(newestChange))) return;
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.mts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`building the web console failed:\n${result.stdout}\n${result.stderr}`);
}
