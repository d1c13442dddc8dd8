// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** A file under docs/, read for specs that check the documents against the code. */
export function readDoc(name: string): string {
  return readFileSync(path.join(__dirname, '../../../docs', name), 'utf8');
}

/** The text of a markdown section: from its heading line to the next heading of any level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.replace(/^#+\s*/, '') === heading && line.startsWith('#'));
  if (start < 0) throw new Error(`no section "${heading}"`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('#'));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The first table of a markdown text, as rows of cells (header and separator row left out). */
export function firstTable(markdown: string): string[][] {
  const rows: string[][] = [];
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(2);
}

/** The SCREAMING_SNAKE codes quoted (`CODE`) in a table cell. */
export function codesIn(cell: string): string[] {
  return [...cell.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((match) => match[1]);
}
