// SPDX-License-Identifier: Apache-2.0
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ValidationFailedError } from '../../common/errors';
import {
  type ErrorBody,
  HTTP_LAYER_CODES,
  HTTP_STATUS_BY_KIND,
  HTTP_STATUS_CODES,
  type HttpLayerCode,
} from './http-errors';

/** Every REST error leaves as `{ error: { code, message, fields? } }`; unknown errors say nothing inside. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.describe(exception);
    const retryAfter = exception instanceof DomainError ? exception.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    response.status(status).json(body);
  }

  private describe(exception: unknown): [number, ErrorBody] {
    if (exception instanceof ValidationFailedError)
      return [400, { error: { code: exception.code, message: exception.message, fields: exception.fields } }];
    if (exception instanceof DomainError) {
      const details =
        exception.details && Object.keys(exception.details).length ? exception.details : undefined;
      return [
        HTTP_STATUS_BY_KIND[exception.kind],
        { error: { code: exception.code, message: exception.message, details } },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return [
        status,
        { error: { code: HTTP_STATUS_CODES[status] ?? 'HTTP_ERROR', message: exception.message } },
      ];
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return [
      HTTP_LAYER_CODES.INTERNAL_ERROR,
      {
        error: {
          code: 'INTERNAL_ERROR' satisfies HttpLayerCode,
          message: 'internal server error; the incident was logged',
        },
      },
    ];
  }
}
