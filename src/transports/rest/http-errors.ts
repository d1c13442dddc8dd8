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
