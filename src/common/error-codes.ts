// SPDX-License-Identifier: Apache-2.0
/**
 * Every code a DomainError may carry, with its kind: each transport maps the kind to its own
 * status through its one table (REST `HTTP_STATUS_BY_KIND`, JSON-RPC `RPC_CODE_BY_KIND`), so a
 * code's HTTP status and JSON-RPC code follow from here. `docs` says where a client reads about
 * it: `api` in docs/api.md ("Errors"), `gateway` in docs/protocol.md (section 7), `websocket` in
 * docs/protocol.md (section 11, the WebSocket gateway), none for a code that never reaches a client. Specs check both documents against this table.
 */
export type ErrorKind =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STATE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

export type ErrorDocument = 'api' | 'gateway' | 'websocket';

interface ErrorCodeEntry {
  readonly kind: ErrorKind;
  readonly docs: readonly ErrorDocument[];
}

const API = ['api'] as const;
const GATEWAY = ['gateway'] as const;
const WS = ['websocket'] as const;
const API_WS = ['api', 'websocket'] as const;
const API_GATEWAY = ['api', 'gateway'] as const;
const GATEWAY_WS = ['gateway', 'websocket'] as const;
const ALL = ['api', 'gateway', 'websocket'] as const;
const INTERNAL = [] as const;

export const ERROR_CODES = {
  // invalid input
  VALIDATION_FAILED: { kind: 'VALIDATION', docs: API_WS },
  INVALID_TLE: { kind: 'VALIDATION', docs: API },
  WRONG_SIDE: { kind: 'VALIDATION', docs: API },
  SIDE_REQUIRED: { kind: 'VALIDATION', docs: GATEWAY },
  FRAME_REJECTED: { kind: 'VALIDATION', docs: GATEWAY_WS },
  INVALID_TIMESTAMP: { kind: 'VALIDATION', docs: GATEWAY },
  INVALID_PARAMS: { kind: 'VALIDATION', docs: GATEWAY },
  INVALID_MESSAGE: { kind: 'VALIDATION', docs: GATEWAY_WS },
  AMBIGUOUS_SLOT: { kind: 'VALIDATION', docs: WS },
  FRAMES_REFUSED: { kind: 'VALIDATION', docs: API_GATEWAY },
  UPLOAD_TOO_LARGE: { kind: 'VALIDATION', docs: API_GATEWAY },
  INVALID_LAST_SEQ: { kind: 'VALIDATION', docs: GATEWAY_WS },
  // not authenticated
  AUTHENTICATION_REQUIRED: { kind: 'UNAUTHENTICATED', docs: API_WS },
  INVALID_CREDENTIALS: { kind: 'UNAUTHENTICATED', docs: API },
  INVALID_TOKEN: { kind: 'UNAUTHENTICATED', docs: API_WS },
  TOKEN_EXPIRED: { kind: 'UNAUTHENTICATED', docs: API_WS },
  TOKEN_REVOKED: { kind: 'UNAUTHENTICATED', docs: API_WS },
  INVALID_API_KEY: { kind: 'UNAUTHENTICATED', docs: ALL },
  API_KEY_REVOKED: { kind: 'UNAUTHENTICATED', docs: ALL },
  LOGIN_REQUIRED: { kind: 'UNAUTHENTICATED', docs: GATEWAY },
  // not allowed
  ACCOUNT_PENDING: { kind: 'FORBIDDEN', docs: ALL },
  ACCOUNT_DENIED: { kind: 'FORBIDDEN', docs: ALL },
  ACCOUNT_SUSPENDED: { kind: 'FORBIDDEN', docs: ALL },
  ADMIN_REQUIRED: { kind: 'FORBIDDEN', docs: API },
  SESSION_REQUIRED: { kind: 'FORBIDDEN', docs: API },
  SELF_DECISION: { kind: 'FORBIDDEN', docs: API },
  NOT_OWNER: { kind: 'FORBIDDEN', docs: ALL },
  NOT_YOUR_SLOT: { kind: 'FORBIDDEN', docs: GATEWAY },
  // not found
  USER_NOT_FOUND: { kind: 'NOT_FOUND', docs: API },
  API_KEY_NOT_FOUND: { kind: 'NOT_FOUND', docs: API },
  IDENTIFIER_NOT_FOUND: { kind: 'NOT_FOUND', docs: API },
  GROUND_STATION_NOT_FOUND: { kind: 'NOT_FOUND', docs: ALL },
  SPACECRAFT_NOT_FOUND: { kind: 'NOT_FOUND', docs: API_WS },
  CHANNEL_NOT_FOUND: { kind: 'NOT_FOUND', docs: API },
  RULE_NOT_FOUND: { kind: 'NOT_FOUND', docs: API },
  SLOT_NOT_FOUND: { kind: 'NOT_FOUND', docs: ALL },
  METHOD_NOT_FOUND: { kind: 'NOT_FOUND', docs: GATEWAY },
  SUBSCRIPTION_NOT_FOUND: { kind: 'NOT_FOUND', docs: WS },
  // conflict
  USERNAME_TAKEN: { kind: 'CONFLICT', docs: API },
  EMAIL_TAKEN: { kind: 'CONFLICT', docs: API },
  USERNAME_OR_EMAIL_TAKEN: { kind: 'CONFLICT', docs: API },
  IDENTIFIER_TAKEN: { kind: 'CONFLICT', docs: API },
  CHANNEL_EXISTS: { kind: 'CONFLICT', docs: API },
  STATION_BUSY: { kind: 'CONFLICT', docs: API },
  SLOTS_REJECTED: { kind: 'CONFLICT', docs: API },
  // wrong state
  ILLEGAL_ACCOUNT_STATE: { kind: 'STATE', docs: API },
  LAST_ADMIN: { kind: 'STATE', docs: API },
  NO_TLE: { kind: 'STATE', docs: API },
  NO_TRACKING_URL: { kind: 'STATE', docs: API },
  SLOT_IN_PAST: { kind: 'STATE', docs: API },
  HOLD_EXPIRED: { kind: 'STATE', docs: API },
  ILLEGAL_SLOT_TRANSITION: { kind: 'STATE', docs: API },
  SLOT_NOT_RESERVED: { kind: 'STATE', docs: GATEWAY_WS },
  TOO_EARLY: { kind: 'STATE', docs: GATEWAY_WS },
  CSP_NOT_CONFIGURED: { kind: 'STATE', docs: GATEWAY_WS },
  SLOT_ENDED: { kind: 'STATE', docs: GATEWAY_WS },
  ALREADY_LOGGED_IN: { kind: 'STATE', docs: GATEWAY },
  SESSION_ACTIVE: { kind: 'STATE', docs: GATEWAY },
  NO_ACTIVE_SESSION: { kind: 'STATE', docs: GATEWAY_WS },
  NO_SLOT_IN_PROGRESS: { kind: 'STATE', docs: WS },
  REMOTE_NOT_CONNECTED: { kind: 'STATE', docs: WS },
  RESUME_WINDOW_EXCEEDED: { kind: 'STATE', docs: GATEWAY_WS },
  // throttled
  TOO_MANY_REQUESTS: { kind: 'RATE_LIMITED', docs: API },
  RATE_LIMITED: { kind: 'RATE_LIMITED', docs: ALL },
  TOO_MANY_SESSIONS: { kind: 'RATE_LIMITED', docs: WS },
  TOO_MANY_SUBSCRIPTIONS: { kind: 'RATE_LIMITED', docs: WS },
  // unavailable
  TLE_REFRESH_FAILED: { kind: 'UNAVAILABLE', docs: API },
  /** The fetcher's own code; the API reports it as TLE_REFRESH_FAILED. */
  TLE_FETCH_FAILED: { kind: 'UNAVAILABLE', docs: INTERNAL },
  PACKET_LOG_BACKLOG: { kind: 'UNAVAILABLE', docs: GATEWAY_WS },
  RELAY_UNAVAILABLE: { kind: 'UNAVAILABLE', docs: GATEWAY_WS },
  /** A replay subscription's live packets from other instances may have been missed (§16.5, §17). */
  SUBSCRIPTION_INTERRUPTED: { kind: 'UNAVAILABLE', docs: WS },
  /** The gateway's answer to a server fault (REST and JSON-RPC answer one outside this table). */
  INTERNAL_ERROR: { kind: 'UNAVAILABLE', docs: GATEWAY_WS },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The registered codes of one kind. */
export type ErrorCodeOf<K extends ErrorKind> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['kind'] extends K ? C : never;
}[ErrorCode];

export function kindOf(code: ErrorCode): ErrorKind {
  return ERROR_CODES[code].kind;
}
