// SPDX-License-Identifier: Apache-2.0
/**
 * Gateway message shapes, following the msgpack-RPC conventions (DESIGN.md section 4, Annex E;
 * specified in docs/protocol.md). Each frame carries one of:
 *
 *   request       [0, msgid, method, params]
 *   response      [1, msgid, error, result]    error is nil or { code, message, data? }
 *   notification  [2, method, params]
 *
 * Both sides send requests and notifications. `params` is always an array (positional arguments,
 * e.g. sendMsg(data, timestamp)); `msgid` is an unsigned 32-bit integer chosen by the requester.
 */

export const RPC_TYPE = { REQUEST: 0, RESPONSE: 1, NOTIFICATION: 2 } as const;

export const MAX_MSGID = 0xffffffff;

export interface RpcError {
  /** Stable SCREAMING_SNAKE code, e.g. SLOT_NOT_FOUND. */
  code: string;
  /** Human-readable and safe to show to the client. */
  message: string;
  data?: Record<string, unknown>;
}

export type RpcRequestFrame = [type: 0, msgid: number, method: string, params: unknown[]];
export type RpcResponseFrame = [type: 1, msgid: number, error: RpcError | null, result: unknown];
export type RpcNotificationFrame = [type: 2, method: string, params: unknown[]];

export interface RpcRequest {
  type: 'request';
  msgid: number;
  method: string;
  params: unknown[];
}

export interface RpcResponse {
  type: 'response';
  msgid: number;
  error: RpcError | null;
  result: unknown;
}

export interface RpcNotification {
  type: 'notification';
  method: string;
  params: unknown[];
}

export type RpcMessage = RpcRequest | RpcResponse | RpcNotification;

/**
 * What is wrong with a message. `msgid` is set when the message is a request or response whose
 * msgid could be read, so that a bad request can still be answered with an error response.
 */
export interface InvalidRpcMessage {
  invalid: string;
  msgid?: number;
}

export function isMsgid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_MSGID;
}

export function rpcRequest(msgid: number, method: string, params: unknown[]): RpcRequestFrame {
  return [RPC_TYPE.REQUEST, checkedMsgid(msgid), method, params];
}

/** A successful response; an undefined result is sent as nil. */
export function rpcResult(msgid: number, result: unknown): RpcResponseFrame {
  return [RPC_TYPE.RESPONSE, checkedMsgid(msgid), null, result ?? null];
}

/** A failed response: the error, and nil as the result. */
export function rpcErrorResponse(msgid: number, error: RpcError): RpcResponseFrame {
  const { code, message, data } = error;
  // No `data` key at all rather than data: nil, so the map has exactly the documented keys.
  const wireError: RpcError = data === undefined ? { code, message } : { code, message, data };
  return [RPC_TYPE.RESPONSE, checkedMsgid(msgid), wireError, null];
}

export function rpcNotification(method: string, params: unknown[]): RpcNotificationFrame {
  return [RPC_TYPE.NOTIFICATION, method, params];
}

function checkedMsgid(msgid: number): number {
  if (!isMsgid(msgid)) {
    throw new RangeError(`msgid must be an unsigned 32-bit integer, got ${describe(msgid)}`);
  }
  return msgid;
}

/** Checks the shape of a decoded frame; never throws. */
export function parseRpcMessage(value: unknown): RpcMessage | InvalidRpcMessage {
  if (!Array.isArray(value)) return { invalid: `a message must be an array, got ${describe(value)}` };
  const message: readonly unknown[] = value;
  if (message.length === 0) return { invalid: 'a message must not be an empty array' };
  const type = message[0];
  switch (type) {
    case RPC_TYPE.REQUEST:
      return parseRequest(message);
    case RPC_TYPE.RESPONSE:
      return parseResponse(message);
    case RPC_TYPE.NOTIFICATION:
      return parseNotification(message);
    default:
      return {
        invalid: `unknown message type ${describe(type)} (0 request, 1 response, 2 notification)`,
      };
  }
}

function parseRequest(message: readonly unknown[]): RpcRequest | InvalidRpcMessage {
  const [, msgid, method, params] = message;
  if (message.length !== 4) {
    const invalid = wrongLength('a request', '[0, msgid, method, params]', message);
    // [0, 7, "ping"]: the msgid is there, so the client gets an answer it can match.
    return isMsgid(msgid) ? { ...invalid, msgid } : invalid;
  }
  if (!isMsgid(msgid)) return badMsgid(msgid);
  const invalid = checkMethod(method) ?? checkParams(params);
  if (invalid !== undefined) return { invalid, msgid };
  return { type: 'request', msgid, method: method as string, params: params as unknown[] };
}

function parseResponse(message: readonly unknown[]): RpcResponse | InvalidRpcMessage {
  if (message.length !== 4) return wrongLength('a response', '[1, msgid, error, result]', message);
  const [, msgid, error, result] = message;
  if (!isMsgid(msgid)) return badMsgid(msgid);
  if (error === null) return { type: 'response', msgid, error: null, result };
  const invalid = checkError(error);
  if (invalid !== undefined) return { invalid, msgid };
  return { type: 'response', msgid, error: error as RpcError, result };
}

function parseNotification(message: readonly unknown[]): RpcNotification | InvalidRpcMessage {
  if (message.length !== 3) return wrongLength('a notification', '[2, method, params]', message);
  const [, method, params] = message;
  const invalid = checkMethod(method) ?? checkParams(params);
  if (invalid !== undefined) return { invalid };
  return { type: 'notification', method: method as string, params: params as unknown[] };
}

/** `shape` is the documented form, e.g. "[2, method, params]"; its element count is the expected length. */
function wrongLength(what: string, shape: string, message: readonly unknown[]): InvalidRpcMessage {
  const expected = shape.split(',').length;
  return { invalid: `${what} must have ${expected} elements ${shape}, got ${message.length}` };
}

function badMsgid(msgid: unknown): InvalidRpcMessage {
  return { invalid: `msgid must be an unsigned 32-bit integer, got ${describe(msgid)}` };
}

function checkMethod(method: unknown): string | undefined {
  if (typeof method === 'string' && method.length > 0) return undefined;
  return `method must be a non-empty string, got ${describe(method)}`;
}

function checkParams(params: unknown): string | undefined {
  if (Array.isArray(params)) return undefined;
  return `params must be an array of positional arguments, got ${describe(params)}`;
}

function checkError(error: unknown): string | undefined {
  if (!isPlainMap(error))
    return `error must be nil or a map { code, message, data? }, got ${describe(error)}`;
  if (typeof error.code !== 'string' || error.code.length === 0) {
    return `error.code must be a non-empty string, got ${describe(error.code)}`;
  }
  if (typeof error.message !== 'string')
    return `error.message must be a string, got ${describe(error.message)}`;
  if (error.data !== undefined && !isPlainMap(error.data)) {
    return `error.data must be a map when present, got ${describe(error.data)}`;
  }
  return undefined;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** Names a value's msgpack type (and small scalars' values) for error messages. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'string') {
    return value.length <= 32 ? `the string ${JSON.stringify(value)}` : `a ${value.length}-character string`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes of binary`;
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}
