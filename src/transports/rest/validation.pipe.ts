// SPDX-License-Identifier: Apache-2.0
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors';
import { assertJsonShape, toFieldErrors, VALIDATION_OPTIONS } from '../../common/validation';

/**
 * The one global pipe: the same options and the same guard as validateDto (JSON-RPC), so a body
 * or query is refused with VALIDATION_FAILED before class-transformer or the pipe's own recursion
 * (it strips `__proto__` keys level by level) can throw on it.
 */
export class RestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATION_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') assertJsonShape(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
