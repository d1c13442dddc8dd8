// SPDX-License-Identifier: Apache-2.0
import type { ErrorKind } from '../../common/errors';

/** The REST transport's one mapping table: error kind → HTTP status. */
export const HTTP_STATUS_BY_KIND: Record<ErrorKind, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STATE: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/**
 * The codes the HTTP transports answer with themselves, outside DomainError and its registry
 * (common/error-codes.ts), each with its HTTP status; docs/api.md lists them with the others.
 */
export const HTTP_LAYER_CODES = {
  /** REST only: JSON-RPC answers an unparsable body with -32700. */
  MALFORMED_JSON: 400,
  /** A body the server could not read for another reason (e.g. shorter than its Content-Length). */
  BAD_REQUEST: 400,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A bug: the details are logged, never returned. */
  INTERNAL_ERROR: 500,
} as const;

export type HttpLayerCode = keyof typeof HTTP_LAYER_CODES;

/** Codes for errors raised by the HTTP layer itself (routing, body parsing). */
export const HTTP_STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

export interface ErrorBody {
  error: { code: string; message: string; fields?: unknown; details?: Record<string, unknown> };
}
