// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  describeCycles,
  fileCycles,
  importSpecifiers,
  moduleCycles,
  moduleOf,
  resolveImport,
  sourceImports,
} from './module-cycles';

describe('moduleOf', () => {
  it('maps a file to its top-level folder, transports/* to their own modules, src/*.ts to app', () => {
    expect(moduleOf('stations/dto/ground-station.dto.ts')).toBe('stations');
    expect(moduleOf('transports/rest/auth.ts')).toBe('transports/rest');
    expect(moduleOf('transports/gateway/testing/fake-relay.ts')).toBe('transports/gateway');
    expect(moduleOf('transports/http-auth.ts')).toBe('transports');
    expect(moduleOf('app.module.ts')).toBe('app');
  });
});

describe('importSpecifiers and resolveImport', () => {
  it('reads imports, type imports, re-exports, side-effect and dynamic imports; skips packages', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from '../b/b';",
      "export { c } from './c';",
      "import './events';",
      "const d = () => import('./d');",
      "import { Injectable } from '@nestjs/common';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['./a', '../b/b', './c', './events', './d']);
  });

  it('resolves x.ts, then x/index.ts, and ignores files outside the set', () => {
    const files = new Set(['a/x.ts', 'b/index.ts']);
    expect(resolveImport('a/y.ts', './x', files)).toBe('a/x.ts');
    expect(resolveImport('a/y.ts', '../b', files)).toBe('b/index.ts');
    expect(resolveImport('a/y.ts', '../../package.json', files)).toBeUndefined();
  });
});

describe('moduleCycles', () => {
  it('finds none in a layered graph, whatever the imports inside a module', () => {
    const imports = [
      { from: 'b/b.ts', to: 'a/a.ts' },
      { from: 'c/c.ts', to: 'b/b.ts' },
      { from: 'c/c.ts', to: 'a/a.ts' },
      { from: 'a/a.ts', to: 'a/a2.ts' },
    ];
    expect(moduleCycles(imports)).toEqual([]);
    expect(describeCycles(imports)).toEqual([]);
  });

  it('reports a cycle through three modules with the file-level import of each edge', () => {
    const imports = [
      { from: 'a/a.ts', to: 'b/b.ts' },
      { from: 'b/b.ts', to: 'c/c.ts' },
      { from: 'c/c2.ts', to: 'a/a.ts' },
      { from: 'd/d.ts', to: 'a/a.ts' },
    ];
    expect(moduleCycles(imports)).toEqual([
      {
        component: ['a', 'b', 'c'],
        modules: ['a', 'b', 'c'],
        imports: [
          { from: 'a/a.ts', to: 'b/b.ts' },
          { from: 'b/b.ts', to: 'c/c.ts' },
          { from: 'c/c2.ts', to: 'a/a.ts' },
        ],
      },
    ]);
  });

  it('treats transports/rest and transports/json-rpc as two modules', () => {
    const imports = [
      { from: 'transports/json-rpc/x.ts', to: 'transports/rest/y.ts' },
      { from: 'transports/rest/y.ts', to: 'transports/json-rpc/z.ts' },
    ];
    expect(moduleCycles(imports).map((c) => c.modules)).toEqual([['transports/json-rpc', 'transports/rest']]);
  });

  it('shows a shortest cycle of a larger tangle and names every module in it', () => {
    const imports = [
      { from: 'a/a.ts', to: 'b/b.ts' },
      { from: 'b/b.ts', to: 'a/a.ts' },
      { from: 'b/b.ts', to: 'c/c.ts' },
      { from: 'c/c.ts', to: 'a/a.ts' },
    ];
    const [cycle] = moduleCycles(imports);
    expect(cycle.component).toEqual(['a', 'b', 'c']);
    expect(cycle.modules).toEqual(['a', 'b']);
  });
});

describe('fileCycles', () => {
  it('finds two files of one module that import each other', () => {
    const imports = [
      { from: 'common/x.ts', to: 'common/y.ts' },
      { from: 'common/y.ts', to: 'common/x.ts' },
      { from: 'common/z.ts', to: 'common/x.ts' },
    ];
    expect(fileCycles(imports)).toEqual([['common/x.ts', 'common/y.ts']]);
    expect(moduleCycles(imports)).toEqual([]);
  });
});

describe('the check on a source tree', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'module-cycles-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function write(file: string, text: string): void {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }

  it('fails on a tree whose modules import each other, and passes once the cycle is cut', () => {
    write('orbit/passes.ts', "import type { Station } from '../stations/station';\nexport const p = 1;\n");
    write('stations/station.ts', "import { p } from '../orbit/passes';\nexport type Station = typeof p;\n");
    write('stations/index.ts', "export * from './station';\n");
    expect(describeCycles(sourceImports(root).imports)).toEqual([
      'module cycle: orbit -> stations -> orbit',
      '  src/orbit/passes.ts imports src/stations/station.ts',
      '  src/stations/station.ts imports src/orbit/passes.ts',
    ]);

    write('orbit/passes.ts', 'export const p = 1;\n');
    expect(sourceImports(root)).toEqual({
      files: ['orbit/passes.ts', 'stations/index.ts', 'stations/station.ts'],
      imports: [
        { from: 'stations/index.ts', to: 'stations/station.ts' },
        { from: 'stations/station.ts', to: 'orbit/passes.ts' },
      ],
    });
    expect(describeCycles(sourceImports(root).imports)).toEqual([]);
  });
});
