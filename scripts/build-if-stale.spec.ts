// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUILD_MARKER, isBuildStale } from './build-if-stale';

describe('isBuildStale (npm run cli / npm run client build only when needed)', () => {
  let root: string;
  const touch = (file: string, seconds: number) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '');
    utimesSync(path.join(root, file), seconds, seconds);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'build-stale-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds on a fresh clone (no dist/)', () => {
    touch('src/main.ts', 1000);
    expect(isBuildStale(root)).toBe(true);
  });

  it('skips the build when dist/ is newer than every source, and builds again after an edit', () => {
    touch('src/accounts/accounts.service.ts', 1000);
    touch('migrations/1-Init.ts', 1000);
    touch(BUILD_MARKER, 2000);
    expect(isBuildStale(root)).toBe(false);

    touch('src/accounts/accounts.service.ts', 3000);
    expect(isBuildStale(root)).toBe(true);
  });

  it('counts migrations and the compiler settings as sources too', () => {
    touch('src/main.ts', 1000);
    touch(BUILD_MARKER, 2000);
    touch('tsconfig.build.json', 3000);
    expect(isBuildStale(root)).toBe(true);
  });
});
