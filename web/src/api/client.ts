// SPDX-License-Identifier: Apache-2.0
/**
 * The console's one door to the server: the public REST API (docs/api.md), with the login token
 * as a bearer. Errors keep the API's code, message and field errors so screens can show each one
 * beside the field it concerns.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The message for `field` (or one of its sub-fields, e.g. `location.latitude` for `location`). */
  forField(field: string): string | undefined {
    const hits = this.fields.filter((f) => f.field === field || f.field.startsWith(field + '.'));
    return hits.length
      ? hits.map((f) => (f.field === field ? f.message : `${f.field}: ${f.message}`)).join('; ')
      : undefined;
  }
}

let token: string | null = localStorage.getItem('satnet.token');

export function currentToken(): string | null {
  return token;
}

export function setToken(next: string | null): void {
  token = next;
  if (next) localStorage.setItem('satnet.token', next);
  else localStorage.removeItem('satnet.token');
}

export interface ApiResponse<T> {
  body: T;
  headers: Headers;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw toApiError(response.status, parsed);
  return { body: parsed as T, headers: response.headers };
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await request<T>(method, path, body)).body;
}

/** The API's error from a failed response's parsed JSON body (or a plain one for a body without it). */
export function toApiError(status: number, body: unknown): ApiError {
  const error = (
    body as {
      error?: { code?: string; message?: string; fields?: FieldError[]; details?: Record<string, unknown> };
    }
  )?.error;
  return new ApiError(
    status,
    error?.code ?? 'HTTP_' + status,
    error?.message ?? `the server answered ${status}`,
    error?.fields ?? [],
    error?.details ?? {},
  );
}

/** Path segment for an identifier (identifiers may hold spaces). */
export const seg = encodeURIComponent;
