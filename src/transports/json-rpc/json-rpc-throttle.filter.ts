// SPDX-License-Identifier: Apache-2.0
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { RateLimitedError } from '../../common/errors';
import { type JsonRpcResponse, RPC_CODE_BY_KIND } from './json-rpc-errors';

/**
 * The HTTP rate limit refuses a /jsonrpc request before the dispatcher reads it: 429 with
 * Retry-After like REST, but the body in JSON-RPC's shape (id null: no request was read), so a
 * JSON-RPC client can read it (docs/api.md, "Limits").
 */
@Catch(RateLimitedError)
export class JsonRpcThrottleFilter implements ExceptionFilter<RateLimitedError> {
  catch(error: RateLimitedError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const retryAfterSeconds = Number(error.details?.retryAfterSeconds);
    const body: JsonRpcResponse = {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: RPC_CODE_BY_KIND.RATE_LIMITED,
        message: error.message,
        data: { code: error.code, retryAfterSeconds },
      },
    };
    response.setHeader('Retry-After', String(retryAfterSeconds));
    response.status(429).json(body);
  }
}
