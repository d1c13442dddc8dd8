// SPDX-License-Identifier: Apache-2.0
import { ERROR_CODES, type ErrorCode } from '../../common/error-codes';
import { codesIn, firstTable, readDoc, section } from '../../common/testing/markdown-tables';
import { HTTP_LAYER_CODES, HTTP_STATUS_BY_KIND } from '../rest/http-errors';
import { RPC, RPC_CODE_BY_KIND } from './json-rpc-errors';

// docs/api.md is what an integrator writes a client from: its error table must list every code the
// REST and JSON-RPC APIs can answer with, each with the status the transports really give it.
const errors = section(readDoc('api.md'), 'Errors');

/** code → the HTTP status and JSON-RPC code of the row that lists it. */
function documented(): Map<string, { http: number; rpc: number }> {
  const byCode = new Map<string, { http: number; rpc: number }>();
  for (const [, http, rpc, codes] of firstTable(errors)) {
    for (const code of codesIn(codes)) {
      expect(byCode.has(code) ? `${code} listed twice` : code).toBe(code);
      byCode.set(code, { http: Number.parseInt(http, 10), rpc: Number.parseInt(rpc, 10) });
    }
  }
  return byCode;
}

const apiCodes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) =>
  (ERROR_CODES[code].docs as readonly string[]).includes('api'),
);

describe('docs/api.md error codes', () => {
  it('every code is SCREAMING_SNAKE with an underscore, so the docs tables can be read for them', () => {
    const codes = [...Object.keys(ERROR_CODES), ...Object.keys(HTTP_LAYER_CODES)];
    expect(codes.filter((code) => codesIn(`\`${code}\``).length !== 1)).toEqual([]);
  });

  it('lists every API code of the registry with the HTTP status and JSON-RPC code of its kind', () => {
    const table = documented();
    const rows = apiCodes.map((code) => [code, table.get(code)]);
    const expected = apiCodes.map((code) => {
      const { kind } = ERROR_CODES[code];
      return [code, { http: HTTP_STATUS_BY_KIND[kind], rpc: RPC_CODE_BY_KIND[kind] }];
    });
    expect(rows).toEqual(expected);
  });

  it('lists every code the HTTP transports answer themselves with, with its status', () => {
    const table = documented();
    const codes = Object.keys(HTTP_LAYER_CODES) as (keyof typeof HTTP_LAYER_CODES)[];
    expect(codes.map((code) => [code, table.get(code)?.http])).toEqual(
      codes.map((code) => [code, HTTP_LAYER_CODES[code]]),
    );
  });

  it("lists JSON-RPC's own INVALID_REQUEST with -32600", () => {
    expect(documented().get('INVALID_REQUEST')?.rpc).toBe(RPC.INVALID_REQUEST);
  });

  it('documents no code the server does not have', () => {
    const known = new Set<string>([...apiCodes, ...Object.keys(HTTP_LAYER_CODES), 'INVALID_REQUEST']);
    expect([...documented().keys()].filter((code) => !known.has(code))).toEqual([]);
  });

  it('explains only API codes in the table of meanings', () => {
    const meanings = firstTable(errors.slice(errors.indexOf('| Code ')));
    const explained = meanings.flatMap(([code]) => codesIn(code));
    expect(explained.length).toBeGreaterThan(10);
    expect(explained.filter((code) => !apiCodes.includes(code as ErrorCode))).toEqual([]);
  });
});
