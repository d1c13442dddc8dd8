// SPDX-License-Identifier: Apache-2.0
import { RPC, RPC_CODE_BY_KIND } from './json-rpc-errors';

// The rule of docs/api.md: validation is "invalid params"; every other kind has its own code in the
// server range, so a client that only reads `error.code` can still tell the kinds apart.
describe('JSON-RPC error codes', () => {
  it('maps validation to invalid params and every other kind to its own server-range code', () => {
    const { VALIDATION, ...others } = RPC_CODE_BY_KIND;
    expect(VALIDATION).toBe(RPC.INVALID_PARAMS);
    const codes = Object.values(others);
    expect(codes.filter((code) => code > -32000 || code < -32099)).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
