// SPDX-License-Identifier: Apache-2.0
import type { Actor } from '../common/request-context';

/**
 * The boundary between the TLS gateway (transport) and the relay (domain), Annex E.
 * The gateway owns sockets and framing; the relay owns slots, sessions, CSP validation,
 * Doppler and the packet log. Neither imports the other's internals.
 */

/** Which client of a slot: the station's software (G-client) or the mission's (M-client). */
export type RelaySide = 'station' | 'mission';

/** startRemote results (Annex E). */
export const START_REMOTE = { REMOTE_READY: 0, CLIENTS_COINCIDE: -1, REMOTE_NOT_CONNECTED: -2 } as const;
export type StartRemoteCode = (typeof START_REMOTE)[keyof typeof START_REMOTE];

/** notifyEvent ids (Annex E). */
export const RELAY_EVENT = {
  REMOTE_DISCONNECTED: -1,
  SLOT_END: -2,
  END_REMOTE: -3,
  REMOTE_CONNECTED: -4,
} as const;
export type RelayEventId = (typeof RELAY_EVENT)[keyof typeof RELAY_EVENT];

/**
 * Why a connection ended without endRemote: it was lost (closed, reset, timed out), or the server
 * dropped it because its client stopped reading what was sent to it.
 */
export type DisconnectReason = 'CONNECTION_LOST' | 'CLIENT_NOT_READING';

/** What the relay may do to a connected client; implemented by the gateway's connection object. */
export interface RelayPeer {
  readonly connectionId: string;
  /**
   * A frame from the other side, with its Doppler shift (Hz), ground-station timestamp (ISO 8601)
   * and sequence number in the slot and direction (docs/protocol.md §14).
   */
  notifyMsg(data: Uint8Array, dopplerShiftHz: number, gsTimestamp: string, seq: number): void;
  /**
   * Undefined while the client reads what is sent; otherwise a promise that resolves once it has
   * read enough to take more (or the connection ended): the resume paces itself on it.
   */
  writable(): Promise<void> | undefined;
  /** `reason`: why the other side went away, for REMOTE_DISCONNECTED (docs/protocol.md §6.2). */
  notifyEvent(eventId: RelayEventId, reason?: DisconnectReason): void;
  /** The relay ends the connection (after SLOT_END); idempotent. */
  close(reason: string): void;
}

/** A client's part in one slot, from startRemote until endRemote, disconnection or slot end. */
export interface RelaySession {
  readonly slotId: string;
  readonly side: RelaySide;
}

export interface StartRemoteResult {
  code: StartRemoteCode;
  session: RelaySession;
}

/**
 * A frame's place in the packet log's group commit (docs/protocol.md "Acknowledgements"): the
 * sender's answer is sent once `done`, never before. Shared by every frame of one commit, so
 * that waiting costs one promise per commit, not one per frame.
 */
export interface Stored {
  /** True once the frame is committed to the database. */
  readonly done: boolean;
  /** Resolves when `done` becomes true; never rejects (a failing database is retried). */
  readonly promise: Promise<void>;
}

export interface SendResult {
  /**
   * False when the other side is not connected: the frame was logged, not delivered. Final once
   * `stored` is done: a frame only another instance receives may turn out not to have reached it
   * (docs/protocol.md §17).
   */
  delivered: boolean;
  dopplerShiftHz: number;
  gsTimestamp: string;
  /** When the frame is in the packet log (and `delivered` final): the answer to the sender waits for it. */
  stored: Stored;
  /** Its sequence number in the slot and direction (docs/protocol.md §14). */
  seq: number;
}

/** A Stored that its owner settles. */
export class StoredSignal implements Stored {
  done = false;
  readonly promise: Promise<void>;
  private resolvePromise!: () => void;

  constructor() {
    this.promise = new Promise((resolve) => (this.resolvePromise = resolve));
  }

  settle(): void {
    this.done = true;
    this.resolvePromise();
  }
}

/**
 * A downlink frame as a mission WebSocket session receives it: which slot and station it came
 * through. The relay hands the same object to every session of the mission, so a transport may
 * encode it once for all of them.
 */
export interface DownlinkDelivery {
  data: Uint8Array;
  slotId: string;
  groundStation: string;
  dopplerShiftHz: number;
  /** The ground station's timestamp of the frame (ISO 8601). */
  gsTimestamp: string;
  /** When the server received it (ISO 8601). */
  serverTime: string;
  /** Its sequence number in the slot's downlink (docs/protocol.md §14). */
  seq: number;
}

/** What a mission WebSocket session is told about the slots of its spacecraft (docs/protocol.md §13). */
export interface MissionEvent {
  event: keyof typeof RELAY_EVENT;
  slotId: string;
  groundStation: string;
  reason?: DisconnectReason;
}

/**
 * A mission session bound to a spacecraft rather than to one slot (the WebSocket gateway): it
 * follows the spacecraft's slots in progress, receives every downlink of them and may uplink to
 * the station of the one in progress.
 */
export interface MissionPeer {
  readonly connectionId: string;
  downlink(frame: DownlinkDelivery): void;
  event(event: MissionEvent): void;
  /** As RelayPeer.writable: the resume's pace. */
  writable(): Promise<void> | undefined;
  /**
   * The relay ends the session (its slot ended; or, `retry`, a resume failed and the client
   * should connect again); idempotent.
   */
  close(reason: string, retry?: boolean): void;
}

/** A mission session's seat, taken at the handshake and held until `detachMission`. */
export interface MissionLink {
  readonly spacecraftId: string;
  readonly spacecraftIdentifier: string;
}

/** Why a mission WebSocket session ended: closed by its client, lost, or dropped by the server. */
export type MissionDetachReason = 'CLOSED' | DisconnectReason | 'SLOT_END' | 'SHUTDOWN';

export interface UplinkOptions {
  /** Which slot, when more than one of the spacecraft is in progress. */
  slotId?: string;
  /** The client's own timestamp, kept in the packet log; the server's receive time otherwise. */
  clientTimestamp?: string;
}

export interface UplinkResult {
  slotId: string;
  groundStation: string;
  dopplerShiftHz: number;
  serverTime: string;
  /** When the frame is in the packet log: the acknowledgement waits for it. */
  stored: Stored;
  /** Its sequence number in the slot's uplink (docs/protocol.md §14). */
  seq: number;
}

/** A mission session that resumes a slot's downlink after the last sequence number it got. */
export interface MissionResume {
  slotId: string;
  lastSeq: number;
}

/**
 * Implemented by the relay service. Failures are DomainErrors with stable codes (SLOT_NOT_FOUND,
 * NOT_YOUR_SLOT, SLOT_NOT_RESERVED, TOO_EARLY, SLOT_ENDED, SIDE_REQUIRED, FRAME_REJECTED with
 * details.rule, INVALID_API_KEY, …) that the gateway maps to error responses.
 */
export abstract class RelayPort {
  abstract authenticate(apiKey: string): Promise<Actor>;
  abstract startRemote(
    actor: Actor,
    slotId: string,
    side: RelaySide | undefined,
    peer: RelayPeer,
    lastSeq?: number,
  ): Promise<StartRemoteResult>;
  /**
   * `clientTimestamp`: ISO 8601 string or milliseconds since the epoch, as the client sent it.
   * May answer (or throw) synchronously, as the relay service does: it runs for every frame, and a
   * promise per frame cost measurable time (bench/relay.ts); the gateway awaits only a promise.
   */
  abstract sendMsg(
    session: RelaySession,
    data: Uint8Array,
    clientTimestamp: string | number,
  ): SendResult | Promise<SendResult>;
  /**
   * Undefined when the relay takes frames now; otherwise a promise that resolves when it does
   * again (its packet log has caught up). Connections wait for it before handling their next
   * message, so a sender faster than the packet log is slowed down rather than refused.
   */
  abstract whenReady(): Promise<void> | undefined;
  abstract endRemote(session: RelaySession): Promise<void>;
  /** The connection dropped without endRemote. */
  abstract disconnected(session: RelaySession, reason: DisconnectReason): void;
  /** Graceful shutdown: notify sessions and flush the packet log. */
  abstract drain(): Promise<void>;
}

/**
 * The relay as the mission WebSocket gateway sees it (docs/protocol.md §13): sessions bound to a
 * spacecraft, which uplink to the station of its slot in progress and receive every downlink.
 * Implemented by the relay service beside RelayPort; the same slots, rules and packet log.
 */
export abstract class MissionRelayPort {
  /**
   * Checks and takes a mission session's seat at the handshake: SPACECRAFT_NOT_FOUND, NOT_OWNER,
   * TOO_MANY_SESSIONS (more than the configured sessions for one spacecraft).
   */
  abstract admitMission(
    actor: Actor,
    spacecraftIdentifier: string,
    resume?: MissionResume,
  ): Promise<MissionLink>;
  /** The session is open: it receives downlinks and events from now on. */
  abstract attachMission(link: MissionLink, peer: MissionPeer): Promise<void>;
  /**
   * An uplink frame for the station of the spacecraft's slot in progress; logged like every
   * frame. Throws NO_SLOT_IN_PROGRESS, AMBIGUOUS_SLOT, REMOTE_NOT_CONNECTED (logged, not
   * delivered), FRAME_REJECTED, RATE_LIMITED, …
   */
  abstract uplink(link: MissionLink, data: Uint8Array, options: UplinkOptions): Promise<UplinkResult>;
  /** Frees the seat; the station is told when its last mission receiver leaves. Idempotent. */
  abstract detachMission(link: MissionLink, reason: MissionDetachReason): void;
  /** Graceful shutdown: sessions end and the packet log is flushed (as RelayPort.drain). */
  abstract drain(): Promise<void>;
  /** As RelayPort.whenReady: undefined when the packet log takes frames now. */
  abstract whenReady(): Promise<void> | undefined;
}
