/**
 * One error family for the whole domain. Services throw these; each transport has exactly one
 * table mapping an error's `kind` to its own status (HTTP status, JSON-RPC code, gateway error).
 * `code` is stable and documented (docs/api.md); `message` is safe to show to clients.
 */
export type ErrorKind =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STATE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationFailedError extends DomainError {
  constructor(
    readonly fields: FieldError[],
    message = fields.map((field) => `${field.field}: ${field.message}`).join('; '),
  ) {
    super('VALIDATION', 'VALIDATION_FAILED', message, { fields });
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', code, message, details);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('CONFLICT', code, message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(code: string, message: string) {
    super('UNAUTHENTICATED', code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('FORBIDDEN', code, message, details);
  }
}

export class RateLimitedError extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', 'TOO_MANY_REQUESTS', message, { retryAfterSeconds });
  }
}
