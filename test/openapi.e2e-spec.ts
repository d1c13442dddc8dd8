// SPDX-License-Identifier: Apache-2.0
import { TestApp } from './helpers/test-app';

/**
 * The OpenAPI document at /api/docs.json is what integrators generate clients from: every
 * operation must say what it does, what it takes, what it answers and how it fails.
 */
describe('OpenAPI document', () => {
  let t: TestApp;
  let document: any;

  beforeAll(async () => {
    t = await TestApp.start();
    document = (await t.http('GET', '/api/docs.json')).body;
  });
  afterAll(() => t.stop());

  const operations = (): { id: string; method: string; operation: any }[] =>
    Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        id: `${method.toUpperCase()} ${path}`,
        method,
        operation,
      })),
    );

  it('lists every operation', () => {
    expect(operations().length).toBeGreaterThanOrEqual(50);
  });

  it('gives every operation a summary', () => {
    const missing = operations().filter(({ operation }) => !operation.summary?.trim());
    expect(missing.map(({ id }) => id)).toEqual([]);
  });

  it('gives every operation a success response with its schema (or an explicit empty 204)', () => {
    const missing = operations().filter(({ operation }) => {
      const success = Object.entries(operation.responses ?? {}).filter(([status]) => /^2/.test(status));
      return (
        success.length === 0 ||
        success.some(([status, response]: [string, any]) =>
          // A download (packet export) names its own media types, each with a schema.
          status === '204'
            ? false
            : !Object.values(response.content ?? {}).some((media: any) => media.schema),
        )
      );
    });
    expect(missing.map(({ id }) => id)).toEqual([]);
  });

  it('gives every operation its error responses, each with the error body and the codes it may carry', () => {
    const missing = operations().filter(({ operation }) => {
      const errors = Object.entries(operation.responses ?? {}).filter(([status]) => /^[45]/.test(status));
      return (
        errors.length === 0 ||
        errors.some(
          ([, response]: [string, any]) =>
            !response.content?.['application/json']?.schema ||
            !/`[A-Za-z_.]+`/.test(response.description ?? ''),
        )
      );
    });
    expect(missing.map(({ id }) => id)).toEqual([]);
  });

  it('documents the body of every operation that reads one', () => {
    const missing = operations().filter(
      ({ method, operation }) =>
        ['post', 'put'].includes(method) &&
        operation.requestBody !== undefined &&
        !operation.requestBody.content?.['application/json']?.schema,
    );
    expect(missing.map(({ id }) => id)).toEqual([]);
  });

  it('describes bearer tokens as opaque, not as JWTs', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.bearer.bearerFormat).not.toBe('JWT');
  });
});
