// SPDX-License-Identifier: Apache-2.0
import { DomainError, NotFoundError, UnauthenticatedError } from '../../../common/errors';
import type { Actor } from '../../../common/request-context';
import {
  type DisconnectReason,
  RELAY_EVENT,
  type RelayPeer,
  RelayPort,
  type RelaySession,
  type RelaySide,
  type SendResult,
  START_REMOTE,
  type StartRemoteResult,
  type Stored,
  StoredSignal,
} from '../../../relay/relay-port';

/**
 * A small in-memory relay for the gateway's and the clients' tests and for the gateway bench: it
 * pairs the station and mission sides of a slot, relays frames with a fixed Doppler shift, and
 * records every call. Not the real relay (no slots, CSP validation or packet log): that is the
 * relay's own, tested there. Frames whose first byte is 0xff are rejected as FRAME_REJECTED.
 */
export const FAKE_DOPPLER_HZ = -1234;
export const FAKE_GS_TIMESTAMP = '2030-01-01T00:00:00.000Z';
export const REJECTED_FIRST_BYTE = 0xff;

export interface FakeRelayOptions {
  /** apiKey → the actor it authenticates; the side defaults to the username when it names one. */
  keys?: Record<string, Actor>;
  /** Send every frame back to its sender as well (throughput measurements with one client). */
  echo?: boolean;
}

export interface RecordedCall {
  method: 'authenticate' | 'startRemote' | 'sendMsg' | 'endRemote' | 'disconnected' | 'drain';
  args: unknown[];
}

interface FakeSession extends RelaySession {
  peer: RelayPeer;
}

const STORED: Stored = { done: true, promise: Promise.resolve() };

/** A group commit that completes when the test says so. */
export class PendingStore extends StoredSignal {
  complete(): void {
    this.settle();
  }
}

export function fakeActor(username: string): Actor {
  return {
    userId: `user-${username}`,
    username,
    role: 'OPERATOR',
    via: 'API_KEY',
    credentialId: `key-${username}`,
  };
}

export class FakeRelay extends RelayPort {
  readonly calls: RecordedCall[] = [];
  /** Frames in the order sendMsg received them: [slotId, side, bytes as hex, clientTimestamp]. */
  readonly frames: [string, RelaySide, string, string | number][] = [];
  private readonly keys: Record<string, Actor>;
  private readonly slots = new Map<string, Partial<Record<RelaySide, FakeSession>>>();
  /** When set and it returns a promise, sendMsg answers once that resolves (ordering tests). */
  sendDelay: (() => Promise<void> | undefined) | undefined;
  /** While set, connections hold their next message until it resolves (RelayPort.whenReady). */
  busy: Promise<void> | undefined;
  /** While set, frames join this pending commit (acknowledgement tests); otherwise they are stored at once. */
  storing: PendingStore | undefined;

  constructor(private readonly options: FakeRelayOptions = {}) {
    super();
    this.keys = options.keys ?? { 'station-key': fakeActor('station'), 'mission-key': fakeActor('mission') };
  }

  authenticate(apiKey: string): Promise<Actor> {
    this.calls.push({ method: 'authenticate', args: [apiKey] });
    const actor = this.keys[apiKey];
    if (!actor) return Promise.reject(new UnauthenticatedError('INVALID_API_KEY', 'invalid API key'));
    return Promise.resolve(actor);
  }

  startRemote(
    actor: Actor,
    slotId: string,
    side: RelaySide | undefined,
    peer: RelayPeer,
    lastSeq?: number,
  ): Promise<StartRemoteResult> {
    this.calls.push({
      method: 'startRemote',
      args: lastSeq === undefined ? [actor.username, slotId, side] : [actor.username, slotId, side, lastSeq],
    });
    if (slotId === 'missing') return Promise.reject(new NotFoundError('SLOT_NOT_FOUND', `no slot ${slotId}`));
    const mySide = side ?? (actor.username === 'station' ? 'station' : 'mission');
    const slot = this.slots.get(slotId) ?? {};
    this.slots.set(slotId, slot);
    const session: FakeSession = { slotId, side: mySide, peer };
    if (slot[mySide]) return Promise.resolve({ code: START_REMOTE.CLIENTS_COINCIDE, session });
    slot[mySide] = session;
    const other = slot[otherSide(mySide)];
    other?.peer.notifyEvent(RELAY_EVENT.REMOTE_CONNECTED);
    const code = other ? START_REMOTE.REMOTE_READY : START_REMOTE.REMOTE_NOT_CONNECTED;
    return Promise.resolve({ code, session: { slotId, side: mySide } });
  }

  /** Answers synchronously, as the real relay does, unless `sendDelay` gives a promise to wait for. */
  sendMsg(
    session: RelaySession,
    data: Uint8Array,
    clientTimestamp: string | number,
  ): SendResult | Promise<SendResult> {
    this.calls.push({ method: 'sendMsg', args: [session, data, clientTimestamp] });
    const delay = this.sendDelay?.();
    if (delay) return delay.then(() => this.relayFrame(session, data, clientTimestamp));
    return this.relayFrame(session, data, clientTimestamp);
  }

  private relayFrame(session: RelaySession, data: Uint8Array, clientTimestamp: string | number): SendResult {
    if (data[0] === REJECTED_FIRST_BYTE) {
      throw new DomainError('VALIDATION', 'FRAME_REJECTED', 'CRC32-C mismatch', { rule: 'CRC' });
    }
    this.frames.push([session.slotId, session.side, Buffer.from(data).toString('hex'), clientTimestamp]);
    const slot = this.slots.get(session.slotId) ?? {};
    const other = slot[otherSide(session.side)];
    // Numbered across the whole fake, not per slot and direction: enough for the gateway's tests.
    const seq = this.frames.length;
    other?.peer.notifyMsg(data, FAKE_DOPPLER_HZ, FAKE_GS_TIMESTAMP, seq);
    if (this.options.echo) slot[session.side]?.peer.notifyMsg(data, FAKE_DOPPLER_HZ, FAKE_GS_TIMESTAMP, seq);
    return {
      delivered: other !== undefined,
      dopplerShiftHz: FAKE_DOPPLER_HZ,
      gsTimestamp: FAKE_GS_TIMESTAMP,
      seq,
      stored: this.storing ?? STORED,
    };
  }

  whenReady(): Promise<void> | undefined {
    return this.busy;
  }

  endRemote(session: RelaySession): Promise<void> {
    this.calls.push({ method: 'endRemote', args: [session] });
    this.leave(session, RELAY_EVENT.END_REMOTE);
    return Promise.resolve();
  }

  disconnected(session: RelaySession, reason: DisconnectReason): void {
    this.calls.push({ method: 'disconnected', args: [session, reason] });
    this.leave(session, RELAY_EVENT.REMOTE_DISCONNECTED, reason);
  }

  drain(): Promise<void> {
    this.calls.push({ method: 'drain', args: [] });
    return Promise.resolve();
  }

  /** The slot's end: SLOT_END to both sides, then their connections are closed (PRT-FUN-140). */
  endSlot(slotId: string): void {
    const slot = this.slots.get(slotId) ?? {};
    this.slots.delete(slotId);
    for (const session of [slot.station, slot.mission]) session?.peer.notifyEvent(RELAY_EVENT.SLOT_END);
    for (const session of [slot.station, slot.mission]) session?.peer.close('slot ended');
  }

  callsOf(method: RecordedCall['method']): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  private leave(
    session: RelaySession,
    event: typeof RELAY_EVENT.END_REMOTE | typeof RELAY_EVENT.REMOTE_DISCONNECTED,
    reason?: DisconnectReason,
  ): void {
    const slot = this.slots.get(session.slotId);
    if (!slot || slot[session.side] === undefined) return; // already gone (slot end): ignored
    delete slot[session.side];
    slot[otherSide(session.side)]?.peer.notifyEvent(event, reason);
  }
}

function otherSide(side: RelaySide): RelaySide {
  return side === 'station' ? 'mission' : 'station';
}
