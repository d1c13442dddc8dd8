// SPDX-License-Identifier: Apache-2.0
import { type ArgumentsHost, Logger, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  RateLimitedError,
  ValidationFailedError,
} from '../../common/errors';
import { HttpErrorFilter } from './http-error.filter';

/** What a REST client receives for an error: status, Retry-After and the JSON body. */
function answer(exception: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const response = {
    setHeader: (name: string, value: string) => void (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json: (body: unknown) => void (sent.body = body),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(exception, host);
  return sent;
}

describe('HttpErrorFilter', () => {
  it('answers a validation failure 400 with the fields at fault', () => {
    const fields = [{ field: 'password', message: 'too short' }];
    expect(answer(new ValidationFailedError(fields))).toEqual({
      status: 400,
      headers: {},
      body: { error: { code: 'VALIDATION_FAILED', message: expect.any(String), fields } },
    });
  });

  it('answers domain errors with the status of their kind and their stable code', () => {
    expect(answer(new NotFoundError('USER_NOT_FOUND', 'no user named "x"'))).toMatchObject({
      status: 404,
      body: { error: { code: 'USER_NOT_FOUND', message: 'no user named "x"' } },
    });
    expect(answer(new ConflictError('USERNAME_TAKEN', 'taken')).status).toBe(409);
    expect(answer(new DomainError('STATE', 'LAST_ADMIN', 'keep one')).status).toBe(409);
  });

  it('sends details only when there are some, and Retry-After when rate limited', () => {
    expect(answer(new NotFoundError('USER_NOT_FOUND', 'gone', {})).body).toEqual({
      error: { code: 'USER_NOT_FOUND', message: 'gone', details: undefined },
    });
    expect(answer(new RateLimitedError('slow down', 30))).toEqual({
      status: 429,
      headers: { 'Retry-After': '30' },
      body: {
        error: { code: 'TOO_MANY_REQUESTS', message: 'slow down', details: { retryAfterSeconds: 30 } },
      },
    });
  });

  it("names the HTTP layer's own errors by their status", () => {
    expect(answer(new NotFoundException()).body).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    expect(answer(new PayloadTooLargeException())).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE' } },
    });
  });

  it('answers a bug 500 without its message, and logs it', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const sent = answer(new Error('secret connection string in here'));
      expect(sent.status).toBe(500);
      expect(JSON.stringify(sent.body)).not.toContain('secret');
      expect(sent.body).toMatchObject({ error: { code: 'INTERNAL_ERROR' } });
      expect(logged).toHaveBeenCalledTimes(1);
    } finally {
      logged.mockRestore();
    }
  });
});
