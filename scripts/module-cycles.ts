// SPDX-License-Identifier: Apache-2.0
// The module-cycle check behind scripts/check-module-cycles.ts: from the relative imports of each
// source file, build the graph of top-level modules under src/ and of files, and find their
// cycles. Everything but `sourceImports` is pure, so the spec can feed it a synthetic graph.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** One import: `from` imports `to` (both paths relative to src/, with their .ts extension). */
export interface FileImport {
  from: string;
  to: string;
}

/** A module-level cycle, with the file-level imports that make up each of its edges. */
export interface ModuleCycle {
  /** Every module of the strongly connected component the cycle was drawn from. */
  component: string[];
  modules: string[];
  /** One import per edge of `modules` (the last one closes the cycle). */
  imports: FileImport[];
}

/** Folders whose sub-folders are modules of their own (transports/rest, transports/json-rpc …). */
const SPLIT_FOLDERS = new Set(['transports']);

/** The module of a file: its top-level folder under src/, or `app` for files directly in src/. */
export function moduleOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return 'app';
  if (SPLIT_FOLDERS.has(parts[0]) && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

/** The relative module specifiers a TypeScript source imports, re-exports or requires. */
export function importSpecifiers(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

/**
 * Resolves `spec`, imported from `from`, against the set of known files (x.ts or x/index.ts);
 * undefined for a specifier that leaves the set (e.g. ../package.json).
 */
export function resolveImport(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return [`${base}.ts`, `${base}/index.ts`, base].find((f) => files.has(f));
}

/** Strongly connected components with more than one node (or a self-loop), by Tarjan. */
export function cyclicComponents(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** A shortest cycle through `start` inside `members` (breadth-first), as a list of nodes. */
export function cycleThrough(
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  start: string,
  members: ReadonlySet<string>,
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const cycle = [v];
        while (cycle[0] !== start) cycle.unshift(parent.get(cycle[0])!);
        return cycle;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

function addEdge(graph: Map<string, Set<string>>, from: string, to: string): void {
  if (!graph.has(from)) graph.set(from, new Set());
  if (!graph.has(to)) graph.set(to, new Set());
  graph.get(from)!.add(to);
}

/** One cycle per cyclic component of the module graph, each edge shown by a file-level import. */
export function moduleCycles(imports: readonly FileImport[]): ModuleCycle[] {
  const graph = new Map<string, Set<string>>();
  const witness = new Map<string, FileImport>();
  for (const imp of [...imports].sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`))) {
    const [from, to] = [moduleOf(imp.from), moduleOf(imp.to)];
    if (from === to) continue;
    addEdge(graph, from, to);
    if (!witness.has(`${from} ${to}`)) witness.set(`${from} ${to}`, imp);
  }
  return cyclicComponents(graph).map((component) => {
    const modules = cycleThrough(graph, component[0], new Set(component));
    const edges = modules.map((m, i) => witness.get(`${m} ${modules[(i + 1) % modules.length]}`)!);
    return { component, modules, imports: edges };
  });
}

/**
 * One cycle per cyclic component of the file graph inside each module (e.g. two files of common/
 * that import each other). Imports between modules are left to `moduleCycles`, which already
 * reports any cycle they take part in.
 */
export function fileCycles(imports: readonly FileImport[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const imp of imports) if (moduleOf(imp.from) === moduleOf(imp.to)) addEdge(graph, imp.from, imp.to);
  return cyclicComponents(graph).map((component) => cycleThrough(graph, component[0], new Set(component)));
}

/** Every relative import between the .ts files under `root` (paths relative to it). */
export function sourceImports(root: string): { files: string[]; imports: FileImport[] } {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
    });
  const files = walk(root)
    .map((f) => path.relative(root, f).split(path.sep).join('/'))
    .sort();
  const known = new Set(files);
  const imports = files.flatMap((from) =>
    importSpecifiers(readFileSync(path.join(root, from), 'utf8'))
      .map((spec) => resolveImport(from, spec, known))
      .filter((to): to is string => to !== undefined)
      .map((to) => ({ from, to })),
  );
  return { files, imports };
}

/** The report's lines: each module cycle with the imports that close it, then each file cycle. */
export function describeCycles(imports: readonly FileImport[], prefix = 'src/'): string[] {
  const lines: string[] = [];
  for (const cycle of moduleCycles(imports)) {
    lines.push(`module cycle: ${[...cycle.modules, cycle.modules[0]].join(' -> ')}`);
    if (cycle.component.length > cycle.modules.length)
      lines.push(`  (one of the cycles among ${cycle.component.join(', ')})`);
    for (const imp of cycle.imports) lines.push(`  ${prefix}${imp.from} imports ${prefix}${imp.to}`);
  }
  for (const cycle of fileCycles(imports))
    lines.push(`file cycle: ${[...cycle, cycle[0]].map((f) => prefix + f).join(' -> ')}`);
  return lines;
}
