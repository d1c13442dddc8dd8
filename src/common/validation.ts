import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { type FieldError, ValidationFailedError } from './errors';

/** The options every transport validates with: unknown fields are errors, not silently dropped. */
export const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true } as const;

/** Flattens class-validator errors into `{ field, message }` with dotted paths (`channels.0.frequency`). */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: tidy(message, error.property),
    }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/** class-validator says "name must be …"; the field is already named, so drop the repetition. */
function tidy(message: string, property: string): string {
  if (/^property \S+ should not exist$/.test(message)) return 'is not a known field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Validates a plain value against a DTO class (JSON-RPC params, gateway payloads). */
export async function validateDto<T extends object>(dto: new () => T, value: unknown): Promise<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationFailedError([{ field: '(root)', message: 'must be a JSON object' }]);
  const instance = plainToInstance(dto, value);
  const errors = await validate(instance, VALIDATION_OPTIONS);
  if (errors.length > 0) throw new ValidationFailedError(toFieldErrors(errors));
  return instance;
}
