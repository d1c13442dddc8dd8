// SPDX-License-Identifier: Apache-2.0
// Builds dist/ only when a source is newer than the last successful build, so that `npm run cli`
// and `npm run client` start in about a second instead of recompiling the project on every call.
// tsconfig.build.json sets noEmitOnError: a failed build writes nothing, so dist/src/main.js is
// always the output of the last build that succeeded, and its time is that build's time.
// Run: ts-node --transpile-only scripts/build-if-stale.ts (the precli and preclient scripts)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = ['src', 'migrations', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
export const BUILD_MARKER = path.join('dist', 'src', 'main.js');

/** Newest modification time (ms) of the files under `root` named by INPUTS; 0 when none exist. */
export function newestInput(root: string): number {
  let newest = 0;
  const visit = (file: string): void => {
    const stats = statSync(file);
    if (stats.isDirectory()) for (const entry of readdirSync(file)) visit(path.join(file, entry));
    else newest = Math.max(newest, stats.mtimeMs);
  };
  for (const input of INPUTS) if (existsSync(path.join(root, input))) visit(path.join(root, input));
  return newest;
}

/** True when dist/ is missing or older than a build input. */
export function isBuildStale(root: string): boolean {
  const marker = path.join(root, BUILD_MARKER);
  return !existsSync(marker) || statSync(marker).mtimeMs < newestInput(root);
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  if (isBuildStale(root)) {
    console.error('building dist/ (sources changed since the last build)…');
    const tsc = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    process.exit(tsc.status ?? 1);
  }
}
