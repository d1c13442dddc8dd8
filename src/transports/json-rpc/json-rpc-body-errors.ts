import type { NextFunction, Request, Response } from 'express';
import { describeBodyError } from '../rest/body-errors';
import { type JsonRpcResponse, RPC } from './json-rpc-errors';

/**
 * Body failures on /jsonrpc (too large, compressed, an unknown charset) keep their HTTP status
 * (413, 415, 400) but answer in JSON-RPC's shape, so a JSON-RPC client can read them: an invalid
 * request with id null, since the id was never read (docs/api.md, "Limits").
 */
export function jsonRpcBodyErrorHandler(
  error: unknown,
  _: Request,
  response: Response,
  next: NextFunction,
): void {
  const described = describeBodyError(error);
  if (!described) return next(error);
  const { status, code, message, details } = described;
  const body: JsonRpcResponse = {
    jsonrpc: '2.0',
    id: null,
    error: { code: RPC.INVALID_REQUEST, message: `invalid request: ${message}`, data: { code, ...details } },
  };
  response.status(status).json(body);
}
