// SPDX-License-Identifier: Apache-2.0
import type { NextFunction, Request, Response } from 'express';
import { HTTP_LAYER_CODES, HTTP_STATUS_CODES, type HttpLayerCode } from './http-errors';

/** The largest request body either API reads (docs/api.md, "Limits"). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface BodyError {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What body-parser attaches to its errors (they are http-errors: `expose` and a 4xx `status`). */
interface ParserError extends Error {
  status?: unknown;
  expose?: unknown;
  type?: unknown;
  encoding?: unknown;
}

/**
 * A body the server could not read, described for the client; null for any other error. Every
 * client-side body-parser failure is one of these, typed or not: some (a failed inflate, an
 * aborted or truncated read) carry only a 4xx status, and used to fall through to the generic 500.
 */
export function describeBodyError(error: unknown): BodyError | null {
  if (!(error instanceof Error)) return null;
  const { status, expose, type, encoding } = error as ParserError;
  if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return null;
  switch (type) {
    case 'entity.parse.failed':
      return bodyError('MALFORMED_JSON', `the request body is not valid JSON: ${error.message}`);
    case 'entity.too.large':
      return bodyError('PAYLOAD_TOO_LARGE', `the request body is larger than ${BODY_LIMIT_BYTES} bytes`, {
        limitBytes: BODY_LIMIT_BYTES,
      });
    case 'encoding.unsupported':
      return bodyError(
        'UNSUPPORTED_MEDIA_TYPE',
        `content encoding "${String(encoding)}" is not supported; send the body uncompressed`,
      );
    case 'charset.unsupported':
      return bodyError('UNSUPPORTED_MEDIA_TYPE', `${error.message}; send UTF-8`);
    default:
      return { status, code: HTTP_STATUS_CODES[status] ?? 'BAD_REQUEST', message: error.message };
  }
}

function bodyError(code: HttpLayerCode, message: string, details?: Record<string, unknown>): BodyError {
  const status = HTTP_LAYER_CODES[code];
  return details === undefined ? { status, code, message } : { status, code, message, details };
}

/**
 * An Express error handler for body failures (the parsers run before Nest): answers a described
 * failure with its status and the body `shape` gives it; passes any other error on.
 */
export function bodyErrorHandler(shape: (error: BodyError) => unknown) {
  return (error: unknown, _: Request, response: Response, next: NextFunction): void => {
    const described = describeBodyError(error);
    if (!described) return next(error);
    response.status(described.status).json(shape(described));
  };
}

/**
 * A REST body that is not declared as JSON is refused with 415 rather than read as no body at all,
 * which used to end as a list of field errors for fields the client did send. `curl -d` without
 * `-H 'content-type: application/json'` sends `application/x-www-form-urlencoded`, the commonest case.
 */
export function requireJsonBody(request: Request, response: Response, next: NextFunction): void {
  if (!hasBody(request) || request.is('application/json') || request.is('+json')) return next();
  const declared = request.headers['content-type'] ?? 'none';
  const { status, code, message } = bodyError(
    'UNSUPPORTED_MEDIA_TYPE',
    `send the body as JSON with Content-Type: application/json (it was declared as ${declared})`,
  );
  response.status(status).json({ error: { code, message } });
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Body failures on the REST routes, in the REST error shape (`{ error: { code, message } }`). */
export const restBodyErrorHandler = bodyErrorHandler(({ code, message, details }) => ({
  error: { code, message, details },
}));
