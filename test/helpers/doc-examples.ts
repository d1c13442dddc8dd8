import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reading the example exchanges of docs/*.md so that tests can replay them: a `>>>` line (and its
 * continuation lines) is a JSON-RPC request, the `<<<` that follows is its answer. In an answer,
 * the string "…" stands for any value.
 */

export function docText(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'docs', name), 'utf8');
}

/** From a heading line (without its #s) to the next heading of the same or a higher level. */
export function docSection(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex(
    (line, i) => i > start && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level,
  );
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The contents of the fenced code blocks of a markdown text, whatever their language tag. */
export function codeBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('```')) current?.push(line);
    else if (current === undefined) current = [];
    else {
      blocks.push(current.join('\n'));
      current = undefined;
    }
  }
  return blocks;
}

export interface Exchange {
  request: unknown;
  answer: unknown;
}

export function exchanges(section: string): Exchange[] {
  const messages = codeBlocks(section).flatMap((block) =>
    block
      .split(/^(?=>>> |<<< )/m)
      .filter((part) => /^(>>>|<<<) /.test(part))
      .map((part) => ({ kind: part.slice(0, 3), json: JSON.parse(part.slice(4)) as unknown })),
  );
  const pairs: Exchange[] = [];
  for (let i = 0; i + 1 < messages.length; i += 2) {
    if (messages[i].kind !== '>>>' || messages[i + 1].kind !== '<<<')
      throw new Error(`example ${i / 2 + 1}: a >>> request must be followed by its <<< answer`);
    pairs.push({ request: messages[i].json, answer: messages[i + 1].json });
  }
  return pairs;
}

/** The documented answer as a Jest expectation: "…" matches any value. */
export function asExpected(documented: unknown): unknown {
  if (documented === '…') return expect.anything();
  if (Array.isArray(documented)) return documented.map(asExpected);
  if (typeof documented === 'object' && documented !== null)
    return Object.fromEntries(Object.entries(documented).map(([key, value]) => [key, asExpected(value)]));
  return documented;
}
