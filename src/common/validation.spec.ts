// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { ValidationFailedError } from './errors';
import { jsonShapeErrors, MAX_JSON_DEPTH, validateDto } from './validation';

/** The number 1 inside `levels` arrays: nestedArrays(2) is `[[1]]`, which nests 2 levels deep. */
function nestedArrays(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

class Inner {
  @IsString()
  name!: string;
}

class Sample {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  cursor?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;

  @IsOptional()
  @IsString()
  id?: string;
}

async function fieldsOf(value: unknown) {
  try {
    await validateDto(Sample, value);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.fields;
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('jsonShapeErrors', () => {
  it('accepts plain values and nesting up to the limit', () => {
    expect(jsonShapeErrors(null)).toEqual([]);
    expect(jsonShapeErrors('constructor')).toEqual([]);
    expect(jsonShapeErrors({ a: [{ b: 'toString' }] })).toEqual([]);
    expect(jsonShapeErrors(nestedArrays(MAX_JSON_DEPTH))).toEqual([]);
    expect(jsonShapeErrors({ a: nestedArrays(MAX_JSON_DEPTH - 1) })).toEqual([]);
  });

  it('refuses one level more, naming the top-level field that holds it', () => {
    expect(jsonShapeErrors(nestedArrays(MAX_JSON_DEPTH + 1))).toEqual([
      { field: '0', message: `nests more than ${MAX_JSON_DEPTH} levels deep` },
    ]);
    expect(jsonShapeErrors({ ok: 1, deep: nestedArrays(MAX_JSON_DEPTH) })).toEqual([
      { field: 'deep', message: `nests more than ${MAX_JSON_DEPTH} levels deep` },
    ]);
  });

  it('walks a million levels without recursion', () => {
    expect(jsonShapeErrors(JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)))).toHaveLength(1);
  });

  it('refuses keys named like Object.prototype members, wherever they are, in document order', () => {
    const value = JSON.parse(
      '{"__proto__": {"x": 1}, "a": {"constructor": true, "b": [{"toString": 1, "valueOf": 2}]}, "hasOwnProperty": 0}',
    );
    expect(jsonShapeErrors(value)).toEqual([
      { field: '__proto__', message: 'is not a known field' },
      { field: 'hasOwnProperty', message: 'is not a known field' },
      { field: 'a.constructor', message: 'is not a known field' },
      { field: 'a.b.0.toString', message: 'is not a known field' },
      { field: 'a.b.0.valueOf', message: 'is not a known field' },
    ]);
  });

  it('reports at most ten problems', () => {
    const value = JSON.parse(`[${Array.from({ length: 50 }, () => '{"constructor": 1}').join(',')}]`);
    expect(jsonShapeErrors(value)).toHaveLength(10);
  });
});

describe('validateDto on shapes class-transformer used to throw on', () => {
  it.each([
    ['a nested object with a constructor key', '{"id": {"constructor": 1}}', 'id.constructor'],
    ['a number coerced from an object with a toString key', '{"cursor": {"toString": 1}}', 'cursor.toString'],
    ['a nested DTO with a __proto__ key', '{"inner": {"__proto__": {"name": "x"}}}', 'inner.__proto__'],
    ['params nested 1,500 levels', `{"inner": ${'['.repeat(1500)}${']'.repeat(1500)}}`, 'inner'],
  ])('%s is a field error', async (_, json, field) => {
    expect(await fieldsOf(JSON.parse(json))).toEqual([expect.objectContaining({ field })]);
  });

  it('still validates what is well-formed', async () => {
    await expect(validateDto(Sample, { cursor: '3', inner: { name: 'n' } })).resolves.toMatchObject({
      cursor: 3,
      inner: { name: 'n' },
    });
    expect(await fieldsOf({ cursor: -1, extra: 1 })).toEqual(
      expect.arrayContaining([
        { field: 'cursor', message: 'must not be less than 0' },
        { field: 'extra', message: 'is not a known field' },
      ]),
    );
  });

  it('says a missing field "is required", once, instead of listing every rule it fails', async () => {
    expect(await fieldsOf({ inner: {} })).toEqual([{ field: 'inner.name', message: 'is required' }]);
    // Present but wrong: the rule it breaks.
    expect(await fieldsOf({ inner: { name: 5 } })).toEqual([
      { field: 'inner.name', message: 'must be a string' },
    ]);
  });
});
