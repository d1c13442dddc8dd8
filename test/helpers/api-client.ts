// SPDX-License-Identifier: Apache-2.0
export const ADMIN = { username: 'admin', email: 'admin@satnet.test', password: 'admin-password-1' };

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The HTTP side of a test or a bench: REST and JSON-RPC calls, logins and operators, against the
 * server at `baseUrl` (in this process, or another one: bench/booking.ts's clients).
 */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async http<T = any>(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: unknown;
      raw?: string | Uint8Array;
      headers?: Record<string, string>;
    } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    // JSON answers parsed; others (metrics, exports, the console's pages) as text.
    const json = /\bjson\b/.test(response.headers.get('content-type') ?? 'application/json');
    return {
      status: response.status,
      body: text ? ((json ? JSON.parse(text) : text) as T) : (undefined as T),
      headers: response.headers,
    };
  }

  /** One JSON-RPC call; returns the whole response object. */
  async rpc(method: string, params?: unknown, token?: string): Promise<any> {
    const result = await this.http('POST', '/jsonrpc', {
      token,
      body: { jsonrpc: '2.0', id: 1, method, params },
    });
    return result.body;
  }

  async login(username: string, password: string): Promise<string> {
    const result = await this.http('POST', '/api/auth/login', { body: { username, password } });
    if (result.status !== 200) throw new Error(`login of ${username} failed: ${JSON.stringify(result.body)}`);
    return (result.body as { token: string }).token;
  }

  adminToken(): Promise<string> {
    return this.login(ADMIN.username, ADMIN.password);
  }

  /** Registers, approves and logs in an operator; returns its token. */
  async operator(username: string): Promise<{ token: string; password: string; email: string }> {
    const password = `${username}-password`;
    const email = `${username}@example.org`;
    const registered = await this.http('POST', '/api/auth/register', {
      body: { username, email, password, organisation: `${username} org` },
    });
    if (registered.status !== 201)
      throw new Error(`register ${username}: ${JSON.stringify(registered.body)}`);
    const approved = await this.http('POST', `/api/admin/users/${username}/approve`, {
      token: await this.adminToken(),
    });
    if (approved.status !== 200) throw new Error(`approve ${username}: ${JSON.stringify(approved.body)}`);
    return { token: await this.login(username, password), password, email };
  }
}
