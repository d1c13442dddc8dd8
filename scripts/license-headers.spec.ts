// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const SOURCE = /\.(ts|py|js|mjs|cjs)$/;
const HEADER = 'SPDX-License-Identifier: Apache-2.0';

describe('license headers', () => {
  it('every tracked source file names its license (SPDX) in its first two lines', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => SOURCE.test(file));
    expect(files.length).toBeGreaterThan(200);
    const missing = files.filter(
      (file) =>
        !readFileSync(join(ROOT, file), 'utf8')
          .split('\n', 2)
          .some((line) => line.includes(HEADER)),
    );
    expect(missing).toEqual([]);
  });
});
