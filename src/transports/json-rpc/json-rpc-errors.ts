// SPDX-License-Identifier: Apache-2.0
import type { ErrorKind } from '../../common/errors';

/** JSON-RPC 2.0 reserved codes. */
export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

/**
 * The JSON-RPC transport's one mapping table: domain error kind → code. Validation failures are
 * invalid params; the rest use the server range -32000..-32099. `data.code` carries the stable
 * domain code (e.g. USERNAME_TAKEN), which is what clients should branch on.
 */
export const RPC_CODE_BY_KIND: Record<ErrorKind, number> = {
  VALIDATION: RPC.INVALID_PARAMS,
  UNAUTHENTICATED: -32001,
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  CONFLICT: -32009,
  STATE: -32010,
  RATE_LIMITED: -32029,
  UNAVAILABLE: -32050,
};

export type JsonRpcId = string | number | null;

export interface JsonRpcError {
  code: number;
  message: string;
  data?: { code: string; [key: string]: unknown };
}

export type JsonRpcResponse =
  { jsonrpc: '2.0'; id: JsonRpcId; result: unknown } | { jsonrpc: '2.0'; id: JsonRpcId; error: JsonRpcError };
