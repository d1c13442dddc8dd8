// SPDX-License-Identifier: Apache-2.0
// Fails (exit 1) when the modules under src/ import each other in a cycle, or when files do.
// A module is a top-level folder of src/ (transports/rest, transports/json-rpc and
// transports/gateway count as separate modules; files directly in src/ form `app`).
// Every relative import counts, `import type` and specs included: they couple modules too.
// Run: npm run check:cycles
import * as path from 'node:path';
import { describeCycles, sourceImports } from './module-cycles';

const { files, imports } = sourceImports(path.resolve(__dirname, '..', 'src'));
const problems = describeCycles(imports);
if (problems.length > 0) {
  for (const line of problems) console.error(line);
  process.exit(1);
}
console.log(
  `no import cycles among the modules under src/ (${files.length} files, ${imports.length} imports)`,
);
