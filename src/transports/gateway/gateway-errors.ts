// SPDX-License-Identifier: Apache-2.0
import { kindOf } from '../../common/error-codes';
import { DomainError } from '../../common/errors';
import type { RpcError } from './rpc-message';

/**
 * The gateway's one error table (docs/protocol.md, "Errors"). A DomainError thrown by the relay is
 * answered with its own code, message and details (as `data`); the codes below are the gateway's
 * own. Anything else is a bug: logged with its stack by the caller, answered as INTERNAL_ERROR.
 */
export const GATEWAY_ERROR = {
  /** Wrong number or types of params. */
  INVALID_PARAMS: 'INVALID_PARAMS',
  METHOD_NOT_FOUND: 'METHOD_NOT_FOUND',
  /** Well-formed msgpack that is not a valid RPC message. */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  LOGIN_REQUIRED: 'LOGIN_REQUIRED',
  ALREADY_LOGGED_IN: 'ALREADY_LOGGED_IN',
  SESSION_ACTIVE: 'SESSION_ACTIVE',
  NO_ACTIVE_SESSION: 'NO_ACTIVE_SESSION',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

/**
 * Codes of the `error` notification sent just before the server closes a connection. Framing
 * failures use the decoder's reasons (FRAME_TOO_LARGE, MALFORMED_MSGPACK, BUFFER_OVERFLOW).
 */
export const CLOSE_NOTICE = {
  LOGIN_TIMEOUT: 'LOGIN_TIMEOUT',
  TOO_MANY_LOGIN_FAILURES: 'TOO_MANY_LOGIN_FAILURES',
  IDLE_TIMEOUT: 'IDLE_TIMEOUT',
  SERVER_SHUTDOWN: 'SERVER_SHUTDOWN',
  CLIENT_NOT_READING: 'CLIENT_NOT_READING',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

/**
 * An error the gateway itself answers with; a DomainError so that one mapping serves both. Its
 * codes are registered, with their kinds, in common/error-codes.ts.
 */
export function gatewayError(code: keyof typeof GATEWAY_ERROR, message: string): DomainError {
  return new DomainError(kindOf(code), code, message);
}

export const INTERNAL_RPC_ERROR: RpcError = {
  code: GATEWAY_ERROR.INTERNAL_ERROR,
  message: 'internal error; the incident was logged',
};

/** The wire form of a DomainError, or undefined for anything else (which must not be described). */
export function toRpcError(error: unknown): RpcError | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const { code, message, details } = error;
  return details === undefined ? { code, message } : { code, message, data: details };
}
