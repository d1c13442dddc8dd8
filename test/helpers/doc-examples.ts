// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reading the example exchanges of docs/*.md so that tests can replay them. In a code block, a
 * `>>>` line (and its continuation lines) is a request, the `<<<` that follows is its answer. A
 * JSON-RPC request is JSON; `(as alice)` at the end of its first line names the caller. In the
 * documents' JSON an ellipsis stands for what was trimmed: `…` for any value, `{…}` and `, …}` for
 * more members, `[…]`, `, …]` and `/* … 2 more *\/` for more items; "…" as a string is any value,
 * and in a longer string … stands for any text ("sns_…" is that beginning of a string).
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
  /** The JSON-RPC request, or the REST line (`GET /api/…`) as text. */
  request: unknown;
  /** The JSON-RPC answer, or the REST answer as text. */
  answer: unknown;
  /** From `(as …)`; undefined when the example names nobody. */
  caller?: string;
  /**
   * What the example says happened first: the asides on lines of their own before the request,
   * `(after alice selected …)`, then those at the end of its lines, `(the clock moved past its end)`.
   */
  asides: string[];
}

/** An aside at the end of a line of a request: `(as alice)`, `(the clock moved past its end)`. */
const ASIDE = /\s{2,}\(([^)]*)\)\s*$/;
/** An aside on a line of its own. */
const LINE_ASIDE = /^\s*\((.*)\)\s*$/;

export function exchanges(section: string): Exchange[] {
  const messages = codeBlocks(section).flatMap((block) => {
    // Asides on a line of their own are not part of a message: they belong to the next request.
    let pending: string[] = [];
    return block
      .split(/^(?=>>> |<<< )/m)
      .map((part) => {
        const lines = part.split('\n');
        const own = lines.map((line) => LINE_ASIDE.exec(line)?.[1]);
        const before = pending;
        pending = own.filter((aside): aside is string => aside !== undefined);
        if (!/^(>>>|<<<) /.test(part)) return undefined;
        const content = lines.map((line, i) => (i === 0 ? line.slice(4) : line)).filter((_, i) => !own[i]);
        const asides = content.map((line) => ASIDE.exec(line)?.[1]).filter((aside) => aside !== undefined);
        const caller = asides.map((aside) => /^as ([\w-]+)/.exec(aside)?.[1]).find(Boolean);
        const text = content
          .map((line) => line.replace(ASIDE, ''))
          .join('\n')
          .trim();
        return {
          kind: part.slice(0, 3),
          caller,
          asides: [...before, ...asides],
          body: text.startsWith('{') ? parseDocJson(text) : text,
        };
      })
      .filter((message) => message !== undefined);
  });
  const pairs: Exchange[] = [];
  for (let i = 0; i + 1 < messages.length; i += 2) {
    if (messages[i].kind !== '>>>' || messages[i + 1].kind !== '<<<')
      throw new Error(`example ${i / 2 + 1}: a >>> request must be followed by its <<< answer`);
    pairs.push({
      request: messages[i].body,
      answer: messages[i + 1].body,
      caller: messages[i].caller,
      asides: messages[i].asides,
    });
  }
  if (messages.length % 2) throw new Error('the last >>> request has no <<< answer');
  return pairs;
}

/**
 * A section's exchanges in the order of the session they were taken from: JSON-RPC ones by id,
 * each REST one right after the JSON-RPC exchange it follows in the document. Each is made as the
 * user it names, or else the one named last before it in the document (`firstCaller` at first).
 */
export function session(section: string, firstCaller: string): (Exchange & { caller: string })[] {
  let caller = firstCaller;
  let key = 0;
  return exchanges(section)
    .map((exchange, index) => {
      caller = exchange.caller ?? caller;
      if (typeof exchange.request === 'object') key = (exchange.request as { id: number }).id;
      return { ...exchange, caller, order: [key, index] };
    })
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])
    .map(({ order: _order, ...exchange }) => exchange);
}

/** JSON with the documents' ellipses (see the top): each becomes a "…" member or item. */
export function parseDocJson(text: string): unknown {
  let out = '';
  const stack: string[] = [];
  let inString = false;
  const placeholder = (from: number): string => {
    const member = stack.at(-1) === '{' && !/:\s*$/.test(out);
    // A trimmed run may stand between two items without the commas JSON wants around it.
    const before = /[[{,:]\s*$/.test(out) ? '' : ',';
    const after = /^\s*[,\]}]/.test(text.slice(from)) ? '' : ',';
    return `${before}${member ? '"…": "…"' : '"…"'}${after}`;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i];
      else if (char === '"') inString = false;
    } else if (text.startsWith('/*', i)) {
      i = text.indexOf('*/', i) + 1;
      out += placeholder(i + 1);
    } else if (char === '…') out += placeholder(i + 1);
    else {
      if (char === '"') inString = true;
      if (char === '{' || char === '[') stack.push(char);
      if (char === '}' || char === ']') stack.pop();
      out += char;
    }
  }
  return JSON.parse(out);
}

/** The documented answer as a Jest expectation, ellipses matching what was trimmed. */
export function asExpected(documented: unknown): unknown {
  if (documented === '…') return expect.anything();
  // "sns_…", "invalid params: to: …", "expired at …; the slot is FREE again": the string as
  // documented, any text where it shows an ellipsis.
  if (typeof documented === 'string' && documented.includes('…'))
    return expect.stringMatching(
      new RegExp(
        `^${documented
          .split('…')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[\\s\\S]*')}$`,
      ),
    );
  if (Array.isArray(documented)) {
    const items = documented.filter((item) => item !== '…').map(asExpected);
    return items.length < documented.length ? expect.arrayContaining(items) : items;
  }
  if (typeof documented === 'object' && documented !== null) {
    const entries = Object.entries(documented).filter(([key]) => key !== '…');
    const members = Object.fromEntries(entries.map(([key, value]) => [key, asExpected(value)]));
    return '…' in documented ? expect.objectContaining(members) : members;
  }
  return documented;
}
