// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../../common/errors';
import type { Actor } from '../../common/request-context';
import type {
  NonScheduledService,
  UploadFrame,
  UploadResult,
} from '../../non-scheduled/non-scheduled.service';
import {
  type RelayPeer,
  type RelayPort,
  type RelaySession,
  type RelaySide,
  type SendResult,
  START_REMOTE,
  type Stored,
} from '../../relay/relay-port';
import { WholeFloat } from './frame-codec';
import { gatewayError } from './gateway-errors';

/**
 * The gateway's method table (docs/protocol.md, "Methods"): each handler checks its positional
 * params, calls the relay once and maps the result. Params are checked by hand rather than with
 * DTO classes: they are positional, carry msgpack bin, and sendMsg runs for every relayed frame.
 */

/** What a handler may see and change of its connection. */
export interface MethodHost {
  readonly relay: RelayPort;
  readonly peer: RelayPeer;
  /** Set once login succeeded; handlers of phase 'session' run only then. */
  readonly actor: Actor | undefined;
  readonly session: RelaySession | undefined;
  /** The client's address, for the request context of non-relay calls. */
  readonly remoteAddress: string;
  /** Non-scheduled uploads (sendNonScheduled); absent in a gateway built without them. */
  readonly nonScheduled: Pick<NonScheduledService, 'upload'> | undefined;
  loggedIn(actor: Actor): void;
  /** Takes over a session the relay started (or hands it back at once if the connection closed). */
  sessionStarted(session: RelaySession): void;
  /** Forgets the session; returns it, or fails with NO_ACTIVE_SESSION when there is none. */
  takeSession(): RelaySession;
}

export interface GatewayMethod {
  /** 'login': only before login; 'session': only after it. */
  readonly phase: 'login' | 'session';
  /**
   * A result, or a promise of one: sendMsg answers synchronously (see RelayPort.sendMsg), with
   * an AfterStored result.
   */
  handle(host: MethodHost, params: readonly unknown[]): unknown;
}

/** A result that is sent only once its frame is in the packet log (docs/protocol.md §5.3). */
export class AfterStored {
  constructor(
    readonly result: unknown,
    readonly stored: Stored,
  ) {}
}

export const MAX_API_KEY_LENGTH = 512;
export const MAX_SLOT_ID_LENGTH = 128;
export const MAX_TIMESTAMP_LENGTH = 64;
/** Station identifiers are at most 30 characters (docs/api.md). */
export const MAX_STATION_ID_LENGTH = 30;

export interface SendMsgResultWire {
  delivered: boolean;
  /** Hz */
  dopplerShift: number;
  gsTimestamp: string;
  /** The frame's sequence number in the slot and direction (docs/protocol.md §14). */
  seq: number;
}

async function login(host: MethodHost, params: readonly unknown[]): Promise<{ username: string }> {
  checkArity('login(apiKey)', params, 1, 1);
  const apiKey = stringParam(params[0], 'apiKey', MAX_API_KEY_LENGTH);
  const actor = await host.relay.authenticate(apiKey);
  host.loggedIn(actor);
  return { username: actor.username };
}

async function startRemote(host: MethodHost, params: readonly unknown[]): Promise<number> {
  checkArity('startRemote(slotId[, side[, lastSeq]])', params, 1, 3);
  const slotId = stringParam(params[0], 'slotId', MAX_SLOT_ID_LENGTH);
  const side = sideParam(params[1]);
  const lastSeq = lastSeqParam(params[2]);
  if (host.session) {
    throw gatewayError('SESSION_ACTIVE', 'this connection already has a session; call endRemote first');
  }
  const { code, session } = await host.relay.startRemote(
    host.actor as Actor,
    slotId,
    side,
    host.peer,
    lastSeq,
  );
  // CLIENTS_COINCIDE refuses the caller: that side of the slot is someone else's session.
  if (code !== START_REMOTE.CLIENTS_COINCIDE) host.sessionStarted(session);
  return code;
}

function sendMsg(host: MethodHost, params: readonly unknown[]): AfterStored | Promise<AfterStored> {
  checkArity('sendMsg(data, timestamp)', params, 2, 2);
  const [data, timestamp] = params;
  if (!(data instanceof Uint8Array)) throw invalidParams(`data must be msgpack bin, got ${typeName(data)}`);
  const clientTimestamp = timestampParam(timestamp);
  const session = host.session;
  if (!session) throw noSession();
  // The decoder's bin is a view into the received chunk. The relay keeps frames past this call
  // (packet log batches), so it receives its own exact-size copy: it owns it and may keep it.
  const result = host.relay.sendMsg(session, Buffer.from(data), clientTimestamp);
  return result instanceof Promise ? result.then(sendMsgWire) : sendMsgWire(result);
}

function sendMsgWire(result: SendResult): AfterStored {
  const wire: SendMsgResultWire = {
    // Read when the answer is encoded, once stored: a frame bound for another instance is known
    // delivered only then (docs/protocol.md §17).
    get delivered() {
      return result.delivered;
    },
    dopplerShift: result.dopplerShiftHz,
    gsTimestamp: result.gsTimestamp,
    seq: result.seq,
  };
  return new AfterStored(wire, result.stored);
}

async function endRemote(host: MethodHost, params: readonly unknown[]): Promise<null> {
  checkArity('endRemote()', params, 0, 0);
  // Forgotten before the call: whatever the relay answers, this connection no longer holds it.
  await host.relay.endRemote(host.takeSession());
  return null;
}

/**
 * `sendNonScheduled(groundStation, frames)` (docs/protocol.md §15): after login, no session needed.
 * Answered once the frames are committed (the service returns after its transaction).
 */
async function sendNonScheduled(host: MethodHost, params: readonly unknown[]): Promise<UploadResult> {
  if (!host.nonScheduled) throw gatewayError('METHOD_NOT_FOUND', 'no method "sendNonScheduled"');
  checkArity('sendNonScheduled(groundStation, frames)', params, 2, 2);
  const station = stringParam(params[0], 'groundStation', MAX_STATION_ID_LENGTH);
  const frames = params[1];
  if (!Array.isArray(frames) || frames.length === 0)
    throw invalidParams(`frames must be a non-empty array of maps, got ${typeName(frames)}`);
  const uploads = frames.map(nonScheduledFrame);
  const ctx = { actor: host.actor as Actor, clientAddress: host.remoteAddress };
  return host.nonScheduled.upload(ctx, station, uploads);
}

function nonScheduledFrame(value: unknown, index: number): UploadFrame {
  const where = `frames[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array)
    throw invalidParams(`${where} must be a map {data, gsTimestamp, frequencyHz?}, got ${typeName(value)}`);
  const { data, gsTimestamp, frequencyHz, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw invalidParams(
      `${where} has ${unknown.length} unknown keys; it takes data, gsTimestamp, frequencyHz`,
    );
  if (!(data instanceof Uint8Array))
    throw invalidParams(`${where}.data must be msgpack bin, got ${typeName(data)}`);
  if (frequencyHz !== undefined && frequencyHz !== null && typeof frequencyHz !== 'number')
    throw invalidParams(`${where}.frequencyHz must be a number of Hz, got ${typeName(frequencyHz)}`);
  // The decoder's bin is a view into the received chunk; the archive keeps its own copy.
  return {
    data: Buffer.from(data),
    gsTimestamp: timestampParam(gsTimestamp),
    frequencyHz: frequencyHz ?? null,
  };
}

function ping(_host: MethodHost, params: readonly unknown[]): Promise<string> {
  checkArity('ping()', params, 0, 0);
  return Promise.resolve('pong');
}

export const GATEWAY_METHODS: ReadonlyMap<string, GatewayMethod> = new Map<string, GatewayMethod>([
  ['login', { phase: 'login', handle: login }],
  ['startRemote', { phase: 'session', handle: startRemote }],
  ['sendMsg', { phase: 'session', handle: sendMsg }],
  ['endRemote', { phase: 'session', handle: endRemote }],
  ['ping', { phase: 'session', handle: ping }],
  ['sendNonScheduled', { phase: 'session', handle: sendNonScheduled }],
]);

export function noSession(): Error {
  return gatewayError('NO_ACTIVE_SESSION', 'no active session; call startRemote first');
}

function checkArity(signature: string, params: readonly unknown[], min: number, max: number): void {
  if (params.length >= min && params.length <= max) return;
  const expected = min === max ? `${min}` : `${min} to ${max}`;
  throw invalidParams(`${signature} takes ${expected} params, got ${params.length}`);
}

function stringParam(value: unknown, name: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalidParams(`${name} must be a string of 1 to ${maxLength} characters, got ${typeName(value)}`);
  }
  return value;
}

/** Omitted and nil both mean "let the relay decide" (the caller's only role). */
function sideParam(value: unknown): RelaySide | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'station' || value === 'mission') return value;
  throw invalidParams(`side must be "station" or "mission", got ${typeName(value)}`);
}

/** Omitted or nil: a fresh start; otherwise the last sequence number received (§14.1). */
function lastSeqParam(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new DomainError(
    'VALIDATION',
    'INVALID_LAST_SEQ',
    `lastSeq must be an integer of at least 0 (the last sequence number received) or nil, got ${
      typeof value === 'number' && Number.isInteger(value) ? 'a negative integer' : typeName(value)
    }`,
  );
}

/** An ISO 8601 string or integer milliseconds since the epoch; the relay interprets it. */
function timestampParam(value: unknown): string | number {
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_TIMESTAMP_LENGTH) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw invalidParams(
    `timestamp must be an ISO 8601 string or integer milliseconds since the epoch, got ${typeName(value)}`,
  );
}

function invalidParams(message: string): Error {
  return gatewayError('INVALID_PARAMS', message);
}

/** The msgpack type of a value, for error messages (never the value itself: it may be a secret). */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (value instanceof Uint8Array) return 'bin';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length === 0 ? 'an empty string' : `a ${value.length}-character string`;
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a float';
  if (value instanceof WholeFloat) return 'a float';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}
