// SPDX-License-Identifier: Apache-2.0
import type { ErrorCode, ErrorCodeOf, ErrorKind } from './error-codes';

export type { ErrorCode, ErrorKind } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * One error family for the whole domain. Services throw these; each transport has exactly one
 * table mapping an error's `kind` to its own status (HTTP status, JSON-RPC code, gateway error).
 * `code` is stable, registered with its kind in error-codes.ts (a code of another kind, or an
 * unregistered one, fails typecheck) and documented (docs/api.md, docs/protocol.md); `message`
 * is safe to show to clients.
 */
export class DomainError<K extends ErrorKind = ErrorKind> extends Error {
  // K types the constructor only (the code must be one of the kind's), so that `instanceof` and
  // the subclasses see plain ErrorKind and ErrorCode.
  readonly kind: ErrorKind;
  readonly code: ErrorCode;

  constructor(
    kind: K,
    code: ErrorCodeOf<K>,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.name = 'DomainError';
  }
}

export class ValidationFailedError extends DomainError<'VALIDATION'> {
  constructor(
    readonly fields: FieldError[],
    message = fields.map((field) => `${field.field}: ${field.message}`).join('; '),
  ) {
    super('VALIDATION', 'VALIDATION_FAILED', message, { fields });
  }
}

export class NotFoundError extends DomainError<'NOT_FOUND'> {
  constructor(code: ErrorCodeOf<'NOT_FOUND'>, message: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', code, message, details);
  }
}

export class ConflictError extends DomainError<'CONFLICT'> {
  constructor(code: ErrorCodeOf<'CONFLICT'>, message: string, details?: Record<string, unknown>) {
    super('CONFLICT', code, message, details);
  }
}

export class UnauthenticatedError extends DomainError<'UNAUTHENTICATED'> {
  constructor(code: ErrorCodeOf<'UNAUTHENTICATED'>, message: string) {
    super('UNAUTHENTICATED', code, message);
  }
}

export class ForbiddenError extends DomainError<'FORBIDDEN'> {
  constructor(code: ErrorCodeOf<'FORBIDDEN'>, message: string, details?: Record<string, unknown>) {
    super('FORBIDDEN', code, message, details);
  }
}

export class RateLimitedError extends DomainError<'RATE_LIMITED'> {
  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', 'TOO_MANY_REQUESTS', message, { retryAfterSeconds });
  }
}
