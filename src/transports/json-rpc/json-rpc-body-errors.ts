// SPDX-License-Identifier: Apache-2.0
import { bodyErrorHandler } from '../rest/body-errors';
import { type JsonRpcResponse, RPC } from './json-rpc-errors';

/**
 * Body failures on /jsonrpc (too large, compressed, an unknown charset) keep their HTTP status
 * (413, 415, 400) but answer in JSON-RPC's shape, so a JSON-RPC client can read them: an invalid
 * request with id null, since the id was never read (docs/api.md, "Limits").
 */
export const jsonRpcBodyErrorHandler = bodyErrorHandler(({ code, message, details }): JsonRpcResponse => ({
  jsonrpc: '2.0',
  id: null,
  error: { code: RPC.INVALID_REQUEST, message: `invalid request: ${message}`, data: { code, ...details } },
}));
