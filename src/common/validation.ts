// SPDX-License-Identifier: Apache-2.0
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { type FieldError, ValidationFailedError } from './errors';

/** The options every transport validates with: unknown fields are errors, not silently dropped. */
export const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true } as const;

/**
 * How deeply a body or a params value may nest (docs/api.md, "Limits"). The deepest real input,
 * a configuration document, nests about six levels; class-transformer and Nest's ValidationPipe
 * recurse once per level, so an unbounded value overflows the stack instead of failing validation.
 */
export const MAX_JSON_DEPTH = 32;

/** Enough to show a client what is wrong without echoing a megabyte of it back. */
const MAX_SHAPE_ERRORS = 10;

/** Flattens class-validator errors into `{ field, message }` with dotted paths (`channels.0.frequency`). */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // A missing field fails every rule it has; listing them ("must be an integer", "must not be
    // less than 0", …) hides the one fact the client needs.
    if (error.value === undefined && error.constraints !== undefined)
      return [{ field, message: 'is required' }];
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

/**
 * What class-transformer and class-validator cannot be trusted with, found before they run:
 * nesting deeper than MAX_JSON_DEPTH, and keys named like members of Object.prototype
 * (`__proto__`, `constructor`, `toString`, …). JSON.parse makes those own properties, and
 * class-transformer then takes `value.constructor` for the class of a nested value or calls
 * `toString` to coerce one (`@Type(() => Number)`), and throws a TypeError instead of failing
 * validation. No DTO has such a field, so they are simply unknown fields. Iterative, so a value
 * nested a million levels deep costs a loop, not the stack.
 */
export function jsonShapeErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof value !== 'object' || value === null) return errors;
  // Breadth first, so errors come in document order and the shallowest too-deep value is named.
  const queue: { value: object; depth: number; path: string }[] = [{ value, depth: 1, path: '' }];
  for (let i = 0; i < queue.length && errors.length < MAX_SHAPE_ERRORS; i++) {
    const next = queue[i];
    if (next.depth > MAX_JSON_DEPTH) {
      // The top-level field holding it: the full path would be MAX_JSON_DEPTH segments long.
      errors.push({
        field: next.path.split('.')[0],
        message: `nests more than ${MAX_JSON_DEPTH} levels deep`,
      });
      break;
    }
    for (const [key, child] of Object.entries(next.value) as [string, unknown][]) {
      const path = next.path ? `${next.path}.${key}` : key;
      if (!Array.isArray(next.value) && key in Object.prototype)
        errors.push({ field: path, message: 'is not a known field' });
      else if (typeof child === 'object' && child !== null)
        queue.push({ value: child, depth: next.depth + 1, path });
    }
  }
  return errors;
}

/** Throws the validation error for a value jsonShapeErrors refuses. */
export function assertJsonShape(value: unknown): void {
  const errors = jsonShapeErrors(value);
  if (errors.length > 0) throw new ValidationFailedError(errors);
}

/** Validates a plain value against a DTO class (JSON-RPC params, gateway payloads). */
export async function validateDto<T extends object>(dto: new () => T, value: unknown): Promise<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationFailedError([{ field: '(root)', message: 'must be a JSON object' }]);
  assertJsonShape(value);
  const instance = plainToInstance(dto, value);
  const errors = await validate(instance, VALIDATION_OPTIONS);
  if (errors.length > 0) throw new ValidationFailedError(toFieldErrors(errors));
  return instance;
}
