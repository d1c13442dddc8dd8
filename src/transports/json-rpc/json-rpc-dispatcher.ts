// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import { AccountsService } from '../../accounts/accounts.service';
import { DomainError, ValidationFailedError } from '../../common/errors';
import type { Actor, RequestContext } from '../../common/request-context';
import { validateDto } from '../../common/validation';
import { Metrics } from '../../metrics/metrics.service';
import {
  type JsonRpcError,
  type JsonRpcId,
  type JsonRpcResponse,
  RPC,
  RPC_CODE_BY_KIND,
} from './json-rpc-errors';
import { type JsonRpcMethod, JsonRpcMethods } from './json-rpc-methods';

export interface JsonRpcCaller {
  bearerToken: string | null;
  clientAddress: string;
}

interface ValidRequest {
  id: JsonRpcId;
  isNotification: boolean;
  method: string;
  params: unknown;
}

const MAX_BATCH = 100;

/** The method label of a call to a method that does not exist. */
export const UNKNOWN_METHOD = '(unknown)';

/** JSON-RPC 2.0 over HTTP: single and batch requests, notifications, the standard error codes. */
@Injectable()
export class JsonRpcDispatcher {
  private readonly logger = new Logger(JsonRpcDispatcher.name);

  constructor(
    private readonly methods: JsonRpcMethods,
    private readonly accounts: AccountsService,
    private readonly metrics: Metrics,
  ) {}

  /** Returns the response body, or null when there is nothing to answer (only notifications). */
  async handle(body: string, caller: JsonRpcCaller): Promise<JsonRpcResponse | JsonRpcResponse[] | null> {
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return failure(null, { code: RPC.PARSE_ERROR, message: 'parse error: the body is not valid JSON' });
    }
    const authenticate = once(() => this.authenticate(caller));
    if (!Array.isArray(payload)) return this.handleOne(payload, caller, authenticate);
    if (payload.length === 0)
      return failure(null, { code: RPC.INVALID_REQUEST, message: 'invalid request: empty batch' });
    if (payload.length > MAX_BATCH)
      return failure(null, {
        code: RPC.INVALID_REQUEST,
        message: `invalid request: a batch holds at most ${MAX_BATCH} calls`,
      });
    const responses: JsonRpcResponse[] = [];
    // In order, one at a time: calls in a batch may depend on each other's effects.
    for (const entry of payload) {
      const response = await this.handleOne(entry, caller, authenticate);
      if (response) responses.push(response);
    }
    return responses.length > 0 ? responses : null;
  }

  private async handleOne(
    entry: unknown,
    caller: JsonRpcCaller,
    authenticate: () => Promise<Actor>,
  ): Promise<JsonRpcResponse | null> {
    const request = parseRequest(entry);
    if ('error' in request) return failure(request.id, request.error);
    const started = performance.now();
    let error: JsonRpcError | undefined;
    try {
      const result = await this.call(request, caller, authenticate);
      return request.isNotification ? null : { jsonrpc: '2.0', id: request.id, result: result ?? null };
    } catch (thrown) {
      error = this.toRpcError(thrown, request.method);
      return request.isNotification ? null : failure(request.id, error);
    } finally {
      this.observe(request.method, error, started);
    }
  }

  /** The call's latency, under its method's name if it has one: a client's names are unbounded. */
  private observe(method: string, error: JsonRpcError | undefined, started: number): void {
    const name = this.methods.get(method) ? method : UNKNOWN_METHOD;
    const outcome = error ? (error.data?.code ?? 'INTERNAL_ERROR') : 'ok';
    this.metrics.jsonRpcCall(name, outcome, (performance.now() - started) / 1000);
  }

  private async call(request: ValidRequest, caller: JsonRpcCaller, authenticate: () => Promise<Actor>) {
    const method = this.methods.get(request.method);
    if (!method) throw new MethodNotFound(request.method);
    const actor = method.public ? null : await authenticate();
    const ctx: RequestContext = { actor, clientAddress: caller.clientAddress };
    return method.handler(ctx, await bindParams(method, request.params));
  }

  private async authenticate(caller: JsonRpcCaller): Promise<Actor> {
    if (!caller.bearerToken)
      throw new DomainError(
        'UNAUTHENTICATED',
        'AUTHENTICATION_REQUIRED',
        'send "Authorization: Bearer <token>"',
      );
    return this.accounts.authenticate(caller.bearerToken);
  }

  private toRpcError(error: unknown, method: string): JsonRpcError {
    if (error instanceof MethodNotFound)
      return { code: RPC.METHOD_NOT_FOUND, message: error.message, data: { code: 'METHOD_NOT_FOUND' } };
    if (error instanceof ValidationFailedError)
      return {
        code: RPC.INVALID_PARAMS,
        message: `invalid params: ${error.message}`,
        data: { code: error.code, fields: error.fields },
      };
    if (error instanceof DomainError)
      return {
        code: RPC_CODE_BY_KIND[error.kind],
        message: error.message,
        // Every -32602 has data.fields (docs/api.md); WRONG_SIDE or INVALID_TLE name no one field.
        data: { code: error.code, ...(error.kind === 'VALIDATION' && { fields: [] }), ...error.details },
      };
    this.logger.error({ err: error, method }, 'unhandled error in JSON-RPC method');
    return {
      code: RPC.INTERNAL_ERROR,
      message: 'internal error; the incident was logged',
      data: { code: 'INTERNAL_ERROR' },
    };
  }
}

class MethodNotFound extends Error {
  constructor(method: string) {
    super(`method not found: ${method} (system.listMethods lists them)`);
  }
}

function failure(id: JsonRpcId, error: JsonRpcError): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error };
}

function invalid(id: JsonRpcId, message: string) {
  return {
    id,
    error: {
      code: RPC.INVALID_REQUEST,
      message: `invalid request: ${message}`,
      data: { code: 'INVALID_REQUEST' },
    },
  };
}

function parseRequest(entry: unknown): ValidRequest | { id: JsonRpcId; error: JsonRpcError } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return invalid(null, 'expected an object');
  const request = entry as Record<string, unknown>;
  const hasId = 'id' in request;
  const id = request.id;
  if (hasId && id !== null && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
    return invalid(null, '"id" must be a string, a number or null');
  const knownId = (hasId ? id : null) as JsonRpcId;
  if (request.jsonrpc !== '2.0') return invalid(knownId, '"jsonrpc" must be exactly "2.0"');
  if (typeof request.method !== 'string' || request.method === '')
    return invalid(knownId, '"method" must be a non-empty string');
  const params = request.params;
  if (params !== undefined && (typeof params !== 'object' || params === null))
    return invalid(knownId, '"params" must be an object or an array');
  for (const key of Object.keys(request))
    if (!['jsonrpc', 'method', 'params', 'id'].includes(key))
      return invalid(knownId, `unknown member "${key}"`);
  return { id: knownId, isNotification: !hasId, method: request.method, params };
}

async function bindParams(method: JsonRpcMethod, params: unknown): Promise<object> {
  const named = Array.isArray(params)
    ? byPosition(method, params)
    : (method.adapt?.((params ?? {}) as Record<string, unknown>) ?? params ?? {});
  if (!method.params) {
    if (Object.keys(named).length > 0)
      throw new ValidationFailedError([{ field: '(params)', message: `${method.name} takes no params` }]);
    return {};
  }
  return validateDto(method.params, named);
}

function byPosition(method: JsonRpcMethod, params: unknown[]): object {
  const names = method.positional ?? [];
  if (params.length > names.length)
    throw new ValidationFailedError([
      {
        field: '(params)',
        message: names.length
          ? `${method.name} takes at most ${names.length} positional params (${names.join(', ')})`
          : `${method.name} takes named params (an object)`,
      },
    ]);
  return Object.fromEntries(params.map((value, index) => [names[index], value]));
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => (cached ??= load());
}
