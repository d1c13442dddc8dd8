// SPDX-License-Identifier: Apache-2.0
import { applyDecorators, type Type } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ERROR_CODES, type ErrorCode } from '../../common/error-codes';
import { HTTP_LAYER_CODES, HTTP_STATUS_BY_KIND, type HttpLayerCode } from './http-errors';

/**
 * One decorator per REST operation for its OpenAPI entry: a summary, the success response and its
 * schema, and the error responses grouped by HTTP status, each listing the codes a client may
 * meet (test/openapi.e2e-spec.ts fails when an operation lacks any of them). The codes come from
 * the same registry and table the error filter answers with, so a status cannot drift from them.
 */

type Code = ErrorCode | HttpLayerCode;

export interface OperationDoc {
  summary: string;
  description?: string;
  /** The success answer: a DTO class, a schema, or `null` for an empty 204. */
  ok: {
    status?: number;
    type?: Type<unknown>;
    isArray?: boolean;
    schema?: SchemaObject;
    /** Media types of a success answer that is not JSON (a download), each with `schema`. */
    mediaTypes?: string[];
  } | null;
  /** Codes this operation answers beyond those every operation may (see `always`). */
  errors?: Code[];
  /** No bearer token needed: no 401/403 account errors. */
  public?: boolean;
  /** Reads a JSON body: adds the body errors (400, 413, 415). */
  body?: boolean;
}

export const ERROR_BODY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable SCREAMING_SNAKE code: branch on it' },
        message: { type: 'string', description: 'human-readable, safe to show' },
        fields: {
          type: 'array',
          description: 'VALIDATION_FAILED: one entry per field',
          items: {
            type: 'object',
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
        details: { type: 'object', description: 'code-specific details (docs/api.md, "Errors")' },
      },
    },
  },
};

const AUTH_ERRORS: Code[] = [
  'AUTHENTICATION_REQUIRED',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'INVALID_API_KEY',
  'API_KEY_REVOKED',
  'ACCOUNT_PENDING',
  'ACCOUNT_DENIED',
  'ACCOUNT_SUSPENDED',
];
const BODY_ERRORS: Code[] = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];

export function statusOf(code: Code): number {
  return code in HTTP_LAYER_CODES
    ? HTTP_LAYER_CODES[code as HttpLayerCode]
    : HTTP_STATUS_BY_KIND[ERROR_CODES[code as ErrorCode].kind];
}

/** The codes of one operation, by HTTP status, in the order given. */
export function errorsByStatus(doc: OperationDoc): Map<number, Code[]> {
  const codes = [
    ...(doc.body ? BODY_ERRORS : []),
    ...(doc.public ? [] : AUTH_ERRORS),
    ...(doc.errors ?? []),
    'TOO_MANY_REQUESTS' as const, // the HTTP rate limit applies to every operation
    'INTERNAL_ERROR' as const,
  ];
  const byStatus = new Map<number, Code[]>();
  for (const code of new Set(codes)) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

export function ApiDoc(doc: OperationDoc): MethodDecorator {
  const decorators = [ApiOperation({ summary: doc.summary, description: doc.description })];
  if (doc.ok === null) decorators.push(ApiResponse({ status: 204, description: 'done; no body' }));
  else {
    const { status = 200, type, isArray, schema, mediaTypes } = doc.ok;
    const content = mediaTypes && {
      content: Object.fromEntries(mediaTypes.map((media) => [media, { schema }])),
    };
    decorators.push(
      ApiResponse({
        status,
        description: 'success',
        ...(content ?? (type ? { type, isArray } : { schema })),
      }),
    );
  }
  for (const [status, codes] of [...errorsByStatus(doc)].sort(([a], [b]) => a - b)) {
    decorators.push(
      ApiResponse({
        status,
        description: codes.map((code) => `\`${code}\``).join(', '),
        schema: ERROR_BODY_SCHEMA,
      }),
    );
  }
  return applyDecorators(...decorators);
}
