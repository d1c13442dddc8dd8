// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { OperationalSlot } from '../booking/operational-slot.entity';
import { BookingService } from '../booking/booking.service';
import { SlotLifecycle } from '../booking/slot-lifecycle';
import { OPERABLE_STATES } from '../booking/slot-transitions';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/errors';
import { assertCanManage } from '../common/ownership';
import { JobRunner } from '../common/jobs';
import type { Actor } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { validateCspFrame } from '../csp/csp-frame';
import type { LinkDirection } from '../orbit/doppler';
import { cspSettingsOf } from '../spacecraft/spacecraft-mapper';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { ByteRateLimit } from './byte-rate-limit';
import {
  type ClusterListener,
  ClusterPresence,
  type LocalPresence,
  relayUnavailable,
} from './cluster-presence';
import { MissionSessionAudit } from './mission-session-audit';
import { FrameRecorder, type ReceivedFrame } from './frame-recorder';
import { FrameCrossings } from './frame-crossing';
import { PacketLog, SHUTDOWN_FLUSH_MS } from './packet-log';
import {
  type DisconnectReason,
  type DownlinkDelivery,
  type MissionDetachReason,
  type MissionLink,
  type MissionPeer,
  type MissionResume,
  type MissionRelayPort,
  RELAY_EVENT,
  type RelayEventId,
  type RelayPeer,
  RelayPort,
  type RelaySession,
  type RelaySide,
  type SendResult,
  START_REMOTE,
  type StartRemoteResult,
  type UplinkOptions,
  type UplinkResult,
} from './relay-port';
import {
  checkResume,
  HeldDelivery,
  heldMissionPeer,
  heldPeer,
  isSequence,
  missedDownlink,
  missedNotification,
  type ResumePoint,
  SequenceLog,
  type Sequences,
} from './relay-resume';
import { RelaySessionAudit } from './relay-session-audit';
import { SlotContextLoader } from './slot-context-loader';
import type { SlotContext } from './slot-context';

interface ActiveSession extends RelaySession {
  readonly auditId: string;
  /** The client's connection; while it resumes, a stand-in that holds live frames (HeldDelivery). */
  peer: RelayPeer;
  readonly rate: ByteRateLimit;
}

/** A mission WebSocket session's seat on its spacecraft; `peer` once its socket is open. */
interface MissionSeat extends MissionLink {
  readonly userId: string;
  /** Its name among the spacecraft's sessions on every instance (ClusterPresence). */
  readonly seatId: string;
  readonly rate: ByteRateLimit;
  peer?: MissionPeer;
  /** The slot downlink this session resumes, checked at the handshake. */
  readonly resume?: ResumePoint & { groundStation: string };
}

/** What relaying one frame needs to know of its sender. */
interface Sender extends RelaySession {
  readonly rate: ByteRateLimit;
}

interface SlotRelay {
  context: SlotContext;
  sides: Partial<Record<RelaySide, ActiveSession>>;
  /** Set once its EXECUTING mark was asked for (at its first session, TLS or WebSocket). */
  executing?: boolean;
  /** The last sequence number given per direction, continued from the packet log at opening. */
  sequences: Sequences;
}

const OTHER: Record<RelaySide, RelaySide> = { station: 'mission', mission: 'station' };
const EVENT_NAME = Object.fromEntries(Object.entries(RELAY_EVENT).map(([name, id]) => [id, name])) as Record<
  RelayEventId,
  keyof typeof RELAY_EVENT
>;
/** Frames from the station travel down from the spacecraft; the mission's go up to it. */
const DIRECTION: Record<RelaySide, LinkDirection> = { station: 'DOWNLINK', mission: 'UPLINK' };
const SLOT_END_CHECK_MS = 1000;
/** The periodic check that ends the sessions of slots whose end has passed. */
export const SLOT_END_JOB = 'relay.end-finished-slots';
/** With several instances: sessions left open by an instance that died are ended by another. */
export const ABANDONED_SESSIONS_JOB = 'relay.end-abandoned-sessions';
const ABANDONED_SESSIONS_CHECK_MS = 60_000;
/** Marks a slot EXECUTING at its first session, without making that session wait for it. */
export const MARK_EXECUTING_JOB = 'relay.mark-executing';

/**
 * Live sessions between the G-client and the M-client of reserved slots (Annex E, DESIGN §4,
 * docs/protocol.md "Slot rules"). Sessions are a cache of live sockets; what must outlast the
 * process (the packet log, the session audit) is written to the database.
 */
@Injectable()
export class RelayService
  extends RelayPort
  implements MissionRelayPort, OnApplicationBootstrap, ClusterListener
{
  private readonly logger = new Logger(RelayService.name);
  private readonly relays = new Map<string, SlotRelay>();
  private readonly opening = new Map<string, Promise<SlotRelay>>();
  /** Mission WebSocket sessions by spacecraft id: they follow its slots, not one slot. */
  private readonly missionSeats = new Map<string, Set<MissionSeat>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly accounts: AccountsService,
    private readonly booking: BookingService,
    private readonly contexts: SlotContextLoader,
    private readonly packets: PacketLog,
    private readonly audit: RelaySessionAudit,
    private readonly jobs: JobRunner,
    private readonly spacecraft: SpacecraftService,
    private readonly lifecycle: SlotLifecycle,
    private readonly missionAudit: MissionSessionAudit,
    private readonly sequenceLog: SequenceLog,
    private readonly cluster: ClusterPresence,
    private readonly recorder: FrameRecorder,
    private readonly crossings: FrameCrossings,
  ) {
    super();
    cluster.listen(this);
  }

  async onApplicationBootstrap(): Promise<void> {
    // This instance's sessions in the table are a previous run's; other live instances' are theirs.
    await this.cluster.announce();
    const own = this.cluster.instanceId;
    await this.endAbandonedSessions((id) =>
      id === own ? Promise.resolve(false) : this.cluster.instanceAlive(id),
    );
    if (this.cluster.shared)
      this.jobs.every(
        ABANDONED_SESSIONS_JOB,
        ABANDONED_SESSIONS_CHECK_MS,
        () => this.endAbandonedSessions(),
        {
          once: true,
        },
      );
    // A failed check is logged by the runner; the next one tries again.
    this.jobs.every(SLOT_END_JOB, SLOT_END_CHECK_MS, () => this.endFinishedSlots());
  }

  /** Ends the session rows of instances that died without ending them (SERVER_LOST). */
  private async endAbandonedSessions(alive = (id: string) => this.cluster.instanceAlive(id)): Promise<void> {
    const abandoned = await this.audit.endAbandoned(this.clock.now(), 'SERVER_LOST', alive);
    if (abandoned > 0)
      this.logger.warn(
        { sessions: abandoned },
        'relay sessions of a run or instance that is gone ended as SERVER_LOST',
      );
  }

  authenticate(apiKey: string): Promise<Actor> {
    return this.accounts.authenticateApiKey(apiKey);
  }

  async startRemote(
    actor: Actor,
    slotId: string,
    side: RelaySide | undefined,
    peer: RelayPeer,
    lastSeq?: number,
  ): Promise<StartRemoteResult> {
    const slot = await this.booking.findSlot(slotId);
    if (!slot) throw new DomainError('NOT_FOUND', 'SLOT_NOT_FOUND', `no slot ${slotId}`);
    const chosen = this.sideOf(actor, slot, side);
    this.checkStartable(slot);
    const relay = await this.open(slot);
    if (relay.sides[chosen] || (await this.takenElsewhere(relay, chosen, peer.connectionId)))
      return { code: START_REMOTE.CLIENTS_COINCIDE, session: { slotId, side: chosen } };
    // The client receives the other side's direction: the station the uplink, the mission the downlink.
    const point =
      lastSeq === undefined ? undefined : this.resumePoint(relay, DIRECTION[OTHER[chosen]], lastSeq);
    const held = point && new HeldDelivery(point);
    const rate = new ByteRateLimit(this.config.relay.maxSessionBytesPerSecond);
    const session: ActiveSession = {
      slotId,
      side: chosen,
      auditId: randomUUID(),
      peer: held ? heldPeer(peer, held, slotId) : peer,
      rate,
    };
    relay.sides[chosen] = session;
    // In this turn, with the session in place: every frame is either read back or held (catchUp).
    const resumed = point && held && this.resumeTls(point, held, session, peer);
    await this.audit.started(
      session.auditId,
      slotId,
      chosen,
      actor.userId,
      peer.connectionId,
      this.clock.now(),
    );
    this.markExecuting(relay);
    const otherConnected = this.present(relay, OTHER[chosen]);
    this.logger.log({ slotId, side: chosen, user: actor.username, otherConnected }, 'relay session started');
    if (chosen === 'station') {
      relay.sides.mission?.peer.notifyEvent(RELAY_EVENT.REMOTE_CONNECTED);
      this.tellMissionSockets(relay, RELAY_EVENT.REMOTE_CONNECTED);
    } else if (this.missionSockets(relay).length === 0 && !this.cluster.remote(slotId, 'mission')) {
      // With mission receivers present already, the station was told when the first arrived.
      relay.sides.station?.peer.notifyEvent(RELAY_EVENT.REMOTE_CONNECTED);
    }
    this.cluster.changed(slotId);
    // The missed frames go out before the answer to startRemote (docs/protocol.md §14.1).
    if (resumed) await resumed;
    return { code: otherConnected ? START_REMOTE.REMOTE_READY : START_REMOTE.REMOTE_NOT_CONNECTED, session };
  }

  /**
   * A TLS client's resume: the missed frames, then the held ones, then live. If the log cannot
   * be read the session ends (a gap must not pass unnoticed) and startRemote fails.
   */
  private async resumeTls(
    point: ResumePoint,
    held: HeldDelivery,
    session: ActiveSession,
    peer: RelayPeer,
  ): Promise<void> {
    try {
      await this.sequenceLog.catchUp(point, held, peer, missedNotification(peer));
      session.peer = peer;
    } catch (error) {
      this.logger.error(
        { err: error, slotId: point.slotId },
        'could not resume: the packet log could not be read',
      );
      await this.finish(session, RELAY_EVENT.REMOTE_DISCONNECTED, 'RESUME_FAILED');
      throw error;
    }
  }

  /** Where a receiver resumes, checked against the slot's numbering and the window (§14.3). */
  private resumePoint(relay: SlotRelay, direction: LinkDirection, lastSeq: number): ResumePoint {
    if (!isSequence(lastSeq))
      throw new DomainError('VALIDATION', 'INVALID_LAST_SEQ', 'lastSeq must be an integer of at least 0');
    const point = { slotId: relay.context.slot.id, direction, lastSeq };
    checkResume(point, relay.sequences[direction], this.config.relay.resumeMaxFrames);
    return point;
  }

  /**
   * Synchronous: nothing here waits, and the gateway then needs no promise per frame. Every
   * frame that gets this far is logged, refused or not; the answer carries the frame's group
   * commit, which the transport waits for before it tells the sender (docs/protocol.md
   * "Acknowledgements").
   */
  sendMsg(session: RelaySession, data: Uint8Array, clientTimestamp: string | number): SendResult {
    const active = this.active(session);
    return this.relayFrame(this.relays.get(session.slotId) as SlotRelay, active, data, clientTimestamp);
  }

  /**
   * One frame through a slot: checked, logged (refused or not: a frame the log cannot take is
   * refused, never relayed unrecorded), then delivered to the other side: from the station, to
   * the TLS M-client and every mission WebSocket session of the spacecraft.
   */
  private relayFrame(
    relay: SlotRelay,
    sender: Sender,
    data: Uint8Array,
    clientTimestamp: string | number,
  ): SendResult {
    // The sender is its own slot and side: no copy per frame.
    const session: RelaySession = sender;
    const received = this.clock.now();
    if (received >= relay.context.slot.endAt) {
      this.endSlotSoon(session.slotId);
      throw slotEnded(relay.context.slot);
    }
    const direction = DIRECTION[session.side];
    this.recorder.takeRate(sender.rate, direction, data.length, received);
    const frame: ReceivedFrame = {
      session,
      slot: relay.context.slot,
      direction,
      data,
      clientTimestamp,
      received,
    };
    const time = this.recorder.frameTime(session.side, clientTimestamp, received);
    if (time instanceof DomainError) {
      this.recorder.record(frame, {
        gsTime: null,
        dopplerShiftHz: null,
        outcome: 'REJECTED',
        rule: time.code,
        sequence: null,
      });
      throw time;
    }
    const dopplerShiftHz = relay.context.dopplerHz(direction, time);
    const verdict = validateCspFrame(data, direction, relay.context.csp, {
      maxFrameBytes: this.config.relay.maxCspFrameBytes,
    });
    const tls = relay.sides[OTHER[session.side]];
    const sockets = session.side === 'station' ? this.missionSockets(relay) : [];
    const elsewhere = this.cluster.remote(session.slotId, OTHER[session.side]);
    const delivered = Boolean(tls) || sockets.length > 0 || elsewhere;
    const outcome = !verdict.ok ? 'REJECTED' : delivered ? 'RELAYED' : 'NOT_DELIVERED';
    // Numbered once the log took it: a frame refused for a full log leaves no gap.
    const seq = relay.sequences[direction] + 1;
    const stored = this.recorder.record(frame, {
      gsTime: time,
      dopplerShiftHz,
      outcome,
      rule: verdict.ok ? null : verdict.rule,
      header: verdict.header,
      sequence: verdict.ok ? seq : null,
    });
    if (!verdict.ok)
      throw new DomainError('VALIDATION', 'FRAME_REJECTED', verdict.message, { rule: verdict.rule });
    relay.sequences[direction] = seq;
    const gsTimestamp = time.toISOString();
    tls?.peer.notifyMsg(data, dopplerShiftHz, gsTimestamp, seq);
    const { slot } = relay.context;
    let crossed: Promise<boolean> | undefined;
    if (sockets.length > 0 || elsewhere) {
      const delivery: DownlinkDelivery = {
        data,
        slotId: slot.id,
        groundStation: slot.stationIdentifier,
        dopplerShiftHz,
        gsTimestamp,
        serverTime: received.toISOString(),
        seq,
      };
      for (const socket of sockets) socket.downlink(delivery);
      // Logged here once; the instances of the other side's clients only deliver it.
      if (elsewhere) crossed = this.cluster.forward(slot.id, direction, delivery);
    }
    const result: SendResult = { delivered, dopplerShiftHz, gsTimestamp, stored, seq };
    // Received only elsewhere: delivered if the bus got it there (docs/protocol.md §17).
    if (crossed && !tls && sockets.length === 0) this.crossings.await(result, slot.id, direction, crossed);
    return result;
  }

  whenReady(): Promise<void> | undefined {
    return this.packets.caughtUp();
  }

  /**
   * With several instances: whether another client holds the side anywhere (its lease). While the
   * instances cannot reach each other a session starts only beside its other side on this
   * instance; elsewhere it would be alone, unknown to the others: RELAY_UNAVAILABLE. The side's
   * numbering then continues from the packet log: its last sender may have been on another instance.
   */
  private async takenElsewhere(relay: SlotRelay, side: RelaySide, connectionId: string): Promise<boolean> {
    if (!this.cluster.shared) return false;
    const { id } = relay.context.slot;
    const claim = await this.cluster.claim(id, side, connectionId);
    if (claim === 'taken') return true;
    if (claim === 'unavailable' && !this.localPresent(relay, OTHER[side])) throw relayUnavailable();
    if (claim === 'held') await this.cluster.refresh(id);
    const direction = DIRECTION[side];
    const logged = await this.sequenceLog.last(id);
    relay.sequences[direction] = Math.max(relay.sequences[direction], logged[direction]);
    if (!relay.sides[side]) return false;
    if (claim === 'held') this.cluster.release(id, side, connectionId); // another call here won meanwhile
    return true;
  }

  /** A WebSocket seat among the spacecraft's sessions on every instance (the limit holds across them). */
  private async takeSharedSeat(seat: MissionSeat, limit: number): Promise<void> {
    let admitted = false;
    try {
      admitted = await this.cluster.admitSeat(seat.spacecraftId, seat.seatId, limit);
    } finally {
      if (!admitted) this.detachMission(seat, 'CLOSED'); // not open yet: only the seat goes
    }
    if (!admitted) throw tooManySessions(seat.spacecraftIdentifier, limit);
  }

  /** Whether a client of `side` is in the slot, on this instance or (reachable) on another. */
  private present(relay: SlotRelay, side: RelaySide): boolean {
    return this.localPresent(relay, side) || this.cluster.remote(relay.context.slot.id, side);
  }

  private localPresent(relay: SlotRelay, side: RelaySide): boolean {
    return side === 'station' ? Boolean(relay.sides.station) : this.missionPresent(relay);
  }

  remoteFrame(slotId: string, direction: LinkDirection, frame: DownlinkDelivery): void {
    const relay = this.relays.get(slotId);
    if (!relay) return;
    relay.sequences[direction] = Math.max(relay.sequences[direction], frame.seq);
    const { data, dopplerShiftHz, gsTimestamp, seq } = frame;
    if (direction === 'UPLINK') {
      relay.sides.station?.peer.notifyMsg(data, dopplerShiftHz, gsTimestamp, seq);
      return;
    }
    relay.sides.mission?.peer.notifyMsg(data, dopplerShiftHz, gsTimestamp, seq);
    const delivery = { ...frame, groundStation: relay.context.slot.stationIdentifier };
    for (const socket of this.missionSockets(relay)) socket.downlink(delivery);
  }

  remoteChanged(
    slotId: string,
    side: RelaySide,
    present: boolean,
    event: RelayEventId = RELAY_EVENT.REMOTE_DISCONNECTED,
    reason?: DisconnectReason,
  ): void {
    const relay = this.relays.get(slotId);
    // With that side here too, its clients here saw nothing change.
    if (!relay || this.localPresent(relay, side)) return;
    const told = present ? RELAY_EVENT.REMOTE_CONNECTED : event;
    if (side === 'mission') {
      relay.sides.station?.peer.notifyEvent(told, reason);
      return;
    }
    relay.sides.mission?.peer.notifyEvent(told, reason);
    this.tellMissionSockets(relay, told, reason);
  }

  remoteSlotEnd(slotId: string): void {
    this.jobs.fireAndForget('relay.end-slot', () => this.endSlot(slotId, true), { slotId });
  }

  localPresence(slotId: string): LocalPresence {
    const relay = this.relays.get(slotId);
    return {
      station: relay?.sides.station?.peer.connectionId,
      mission: relay?.sides.mission?.peer.connectionId,
      receivers: relay !== undefined && this.missionPresent(relay),
    };
  }

  superseded(slotId: string, side: RelaySide): void {
    const session = this.relays.get(slotId)?.sides[side];
    if (!session) return;
    this.logger.warn({ slotId, side }, 'a client on another instance took this session over');
    session.peer.close('another client took this side of the slot on another instance');
    this.jobs.fireAndForget(
      'relay.superseded',
      this.finish(session, RELAY_EVENT.REMOTE_DISCONNECTED, 'SUPERSEDED', 'CONNECTION_LOST'),
      { slotId, side },
    );
  }

  /** Mission WebSocket sessions here join the slots of their spacecraft that came into progress. */
  async presenceRound(): Promise<void> {
    for (const spacecraftId of [...this.missionSeats.keys()]) await this.openInProgress(spacecraftId);
  }

  async endRemote(session: RelaySession): Promise<void> {
    await this.finish(session, RELAY_EVENT.END_REMOTE, 'END_REMOTE');
  }

  /** Audit: REMOTE_DISCONNECTED for a lost connection, CLIENT_NOT_READING for one the server dropped. */
  disconnected(session: RelaySession, reason: DisconnectReason): void {
    const audit = reason === 'CLIENT_NOT_READING' ? reason : 'REMOTE_DISCONNECTED';
    this.jobs.fireAndForget(
      'relay.record-disconnection',
      this.finish(session, RELAY_EVENT.REMOTE_DISCONNECTED, audit, reason),
      { slotId: session.slotId, side: session.side },
    );
  }

  /** Every session ends as SHUTDOWN (disconnections that follow change nothing), then the log is flushed. */
  async drain(): Promise<void> {
    await this.cluster.drain();
    const sessions = [...this.relays.values()].flatMap((relay) => Object.values(relay.sides));
    this.relays.clear();
    for (const session of sessions)
      if (session)
        await this.audit
          .ended(session.auditId, this.clock.now(), 'SHUTDOWN')
          .catch((error: unknown) => this.logger.error({ err: error }, 'could not record a session end'));
    for (const seats of this.missionSeats.values())
      for (const seat of seats) this.missionAudit.leftAll(seat, 'SHUTDOWN');
    await this.packets.flush(SHUTDOWN_FLUSH_MS);
    this.logger.log({ sessions: sessions.length }, 'relay drained: sessions ended, packet log flushed');
  }

  /** Ends the sessions of every slot whose end has passed: SLOT_END to both, then close (PRT-FUN-140). */
  async endFinishedSlots(): Promise<number> {
    const now = this.clock.now();
    const ended = [...this.relays.values()].filter((relay) => relay.context.slot.endAt <= now);
    for (const relay of ended) await this.endSlot(relay.context.slot.id);
    return ended.length;
  }

  /** From a frame sent after the end: the sender is answered at once, the slot ends meanwhile. */
  private endSlotSoon(slotId: string): void {
    // At the next turn, so that the late sender's SLOT_ENDED answer goes out before its
    // connection closes. If it fails, the runner logs it and the periodic check ends the slot.
    const nextTurn = new Promise<void>((resolve) => setImmediate(resolve));
    this.jobs.fireAndForget(
      'relay.end-slot',
      nextTurn.then(() => this.endSlot(slotId)),
      { slotId },
    );
  }

  /** `heard`: another instance ended it and said so; this one need not say it again. */
  private async endSlot(slotId: string, heard = false): Promise<void> {
    const relay = this.relays.get(slotId);
    if (!relay) return;
    this.relays.delete(slotId);
    const sessions = Object.values(relay.sides).filter((session) => session !== undefined);
    if (!heard) this.cluster.slotEnded(slotId);
    for (const session of sessions) this.cluster.release(slotId, session.side, session.peer.connectionId);
    this.cluster.close(slotId);
    // Both sides are told and closed before anything is written: a failed audit write must not
    // leave the other side connected.
    for (const session of sessions) {
      session.peer.notifyEvent(RELAY_EVENT.SLOT_END);
      session.peer.close('slot ended');
    }
    this.tellMissionSockets(relay, RELAY_EVENT.SLOT_END);
    for (const seat of this.missionSeats.get(relay.context.slot.spacecraftId) ?? [])
      this.missionAudit.left(seat, slotId, 'SLOT_END');
    // A mission session follows its spacecraft: it ends with the last of its slots in progress.
    if (this.relaysOf(relay.context.slot.spacecraftId).length === 0)
      for (const socket of this.missionSockets(relay)) socket.close('slot ended');
    for (const session of sessions)
      await this.audit
        .ended(session.auditId, this.clock.now(), 'SLOT_END')
        .catch((error: unknown) =>
          this.logger.error({ err: error, slotId }, 'could not record a session end'),
        );
    await this.packets.flush();
    this.logger.log({ slotId }, 'slot ended: sessions closed, packet log flushed');
  }

  private async finish(
    session: RelaySession,
    event: typeof RELAY_EVENT.END_REMOTE | typeof RELAY_EVENT.REMOTE_DISCONNECTED,
    reason: string,
    disconnect?: DisconnectReason,
  ): Promise<void> {
    const relay = this.relays.get(session.slotId);
    const active = relay?.sides[session.side];
    if (!relay || active !== session) return; // already ended (slot end, shutdown) or never started
    delete relay.sides[session.side];
    if (session.side === 'station') {
      relay.sides.mission?.peer.notifyEvent(event, disconnect);
      this.tellMissionSockets(relay, event, disconnect);
    } else if (!this.present(relay, 'mission')) {
      relay.sides.station?.peer.notifyEvent(event, disconnect);
    }
    // The other instances hear it first; then the lease goes (ClusterPresence.changed).
    this.cluster.changed(session.slotId, event, disconnect);
    this.cluster.release(session.slotId, session.side, active.peer.connectionId);
    // A slot with mission WebSocket sessions stays open: they may still uplink and must get SLOT_END.
    this.closeIfIdle(relay);
    await this.audit.ended(active.auditId, this.clock.now(), reason);
    this.logger.log({ slotId: session.slotId, side: session.side, reason }, 'relay session ended');
  }

  async admitMission(
    actor: Actor,
    spacecraftIdentifier: string,
    resume?: MissionResume,
  ): Promise<MissionLink> {
    const spacecraft = await this.spacecraft.findByIdentifier(spacecraftIdentifier);
    if (!spacecraft)
      throw new NotFoundError('SPACECRAFT_NOT_FOUND', `no spacecraft "${spacecraftIdentifier}"`);
    assertCanManage(actor, spacecraft.ownerId, `spacecraft "${spacecraftIdentifier}"`);
    if (!cspSettingsOf(spacecraft))
      throw new DomainError(
        'STATE',
        'CSP_NOT_CONFIGURED',
        `spacecraft "${spacecraftIdentifier}" has no CSP settings: set csp (version, addresses, ports) before connecting`,
      );
    const from = resume && (await this.missionResumePoint(spacecraft.id, spacecraftIdentifier, resume));
    const seats = this.missionSeats.get(spacecraft.id) ?? new Set<MissionSeat>();
    const limit = this.config.websocket.maxSessionsPerMission;
    // Checked and taken in one turn of the event loop: two handshakes cannot both take the last seat.
    if (seats.size >= limit) throw tooManySessions(spacecraftIdentifier, limit);
    const seat: MissionSeat = {
      spacecraftId: spacecraft.id,
      spacecraftIdentifier: spacecraft.identifier,
      userId: actor.userId,
      seatId: randomUUID(),
      rate: new ByteRateLimit(this.config.relay.maxSessionBytesPerSecond),
      resume: from,
    };
    this.missionSeats.set(spacecraft.id, seats.add(seat));
    if (this.cluster.shared) await this.takeSharedSeat(seat, limit);
    return seat;
  }

  /** A mission session's resume: a slot of its spacecraft in progress, its downlink (§14.2). */
  private async missionResumePoint(
    spacecraftId: string,
    spacecraftIdentifier: string,
    resume: MissionResume,
  ): Promise<ResumePoint & { groundStation: string }> {
    const slot = await this.booking.findSlot(resume.slotId);
    if (!slot || slot.spacecraftId !== spacecraftId)
      throw new NotFoundError(
        'SLOT_NOT_FOUND',
        `spacecraft "${spacecraftIdentifier}" has no slot ${resume.slotId}`,
      );
    this.checkStartable(slot);
    const relay = await this.open(slot);
    return { ...this.resumePoint(relay, 'DOWNLINK', resume.lastSeq), groundStation: slot.stationIdentifier };
  }

  async attachMission(link: MissionLink, peer: MissionPeer): Promise<void> {
    const seat = link as MissionSeat;
    if (!this.missionSeats.get(seat.spacecraftId)?.has(seat)) return; // detached meanwhile
    const withStation = this.relaysOf(seat.spacecraftId).filter((relay) => this.present(relay, 'station'));
    const first = withStation.filter((relay) => !this.present(relay, 'mission'));
    const held = seat.resume && new HeldDelivery(seat.resume);
    seat.peer = held ? heldMissionPeer(peer, held) : peer;
    for (const relay of this.relaysOf(seat.spacecraftId)) this.joinSlot(seat, relay);
    // In this turn, with the seat's peer in place: every frame is either read back or held.
    const resumed = seat.resume && held && this.resumeMission(seat, seat.resume, held, peer);
    for (const relay of withStation) {
      if (first.includes(relay)) relay.sides.station?.peer.notifyEvent(RELAY_EVENT.REMOTE_CONNECTED);
      seat.peer.event(missionEvent(relay, RELAY_EVENT.REMOTE_CONNECTED));
    }
    this.logger.log(
      { spacecraft: seat.spacecraftIdentifier, connectionId: peer.connectionId },
      'mission WebSocket session attached',
    );
    // A slot in progress whose station has not connected yet is opened too, so that its end is
    // noticed (SLOT_END). The session already receives everything meanwhile.
    await this.openInProgress(seat.spacecraftId); // open() joins the session to each slot it opens
    if (resumed) await resumed;
    // The session may have closed while the slots were read: nobody is left to use what was opened.
    if (!this.missionSeats.get(seat.spacecraftId)?.has(seat))
      for (const relay of this.relaysOf(seat.spacecraftId)) this.closeIfIdle(relay);
  }

  /** A mission session's resume; if the log cannot be read the session is closed (no silent gap). */
  private async resumeMission(
    seat: MissionSeat,
    point: ResumePoint & { groundStation: string },
    held: HeldDelivery,
    peer: MissionPeer,
  ): Promise<void> {
    try {
      await this.sequenceLog.catchUp(point, held, peer, missedDownlink(peer, point));
      if (seat.peer && this.missionSeats.get(seat.spacecraftId)?.has(seat)) seat.peer = peer;
    } catch (error) {
      this.logger.error(
        { err: error, slotId: point.slotId },
        'could not resume: the packet log could not be read',
      );
      peer.close('the resume failed: the packet log could not be read; connect again', true);
    }
  }

  async uplink(link: MissionLink, data: Uint8Array, options: UplinkOptions): Promise<UplinkResult> {
    const seat = link as MissionSeat;
    if (!this.missionSeats.get(seat.spacecraftId)?.has(seat))
      throw new DomainError('STATE', 'NO_ACTIVE_SESSION', 'this session has ended; connect again');
    const relay = await this.uplinkRelay(seat, options.slotId);
    const { slot } = relay.context;
    const received = this.clock.now();
    const sender: Sender = { slotId: slot.id, side: 'mission', rate: seat.rate };
    const result = this.relayFrame(relay, sender, data, options.clientTimestamp ?? received.toISOString());
    // Bound for another instance, it is known delivered only once stored (docs/protocol.md §17).
    if (result.delivered && !result.stored.done) await result.stored.promise;
    if (!result.delivered)
      throw new DomainError(
        'STATE',
        'REMOTE_NOT_CONNECTED',
        `the ground station ${slot.stationIdentifier} of slot ${slot.id} is not connected: the packet was logged, not delivered`,
        { slotId: slot.id, groundStation: slot.stationIdentifier },
      );
    return {
      slotId: slot.id,
      groundStation: slot.stationIdentifier,
      dopplerShiftHz: result.dopplerShiftHz,
      serverTime: received.toISOString(),
      stored: result.stored,
      seq: result.seq,
    };
  }

  detachMission(link: MissionLink, reason: MissionDetachReason): void {
    const seat = link as MissionSeat;
    const seats = this.missionSeats.get(seat.spacecraftId);
    if (!seats?.delete(seat)) return;
    if (seats.size === 0) this.missionSeats.delete(seat.spacecraftId);
    this.cluster.withdrawSeat(seat.spacecraftId, seat.seatId);
    if (!seat.peer) return;
    this.missionAudit.leftAll(seat, reason); // in the background, as at a slot's end
    const event = reason === 'CLOSED' ? RELAY_EVENT.END_REMOTE : RELAY_EVENT.REMOTE_DISCONNECTED;
    const why = reason === 'CLIENT_NOT_READING' || reason === 'CONNECTION_LOST' ? reason : undefined;
    for (const relay of this.relaysOf(seat.spacecraftId)) {
      if (this.missionPresent(relay)) continue;
      if (!this.cluster.remote(relay.context.slot.id, 'mission'))
        relay.sides.station?.peer.notifyEvent(event, why);
      this.cluster.changed(relay.context.slot.id, event, why);
      this.closeIfIdle(relay);
    }
    this.logger.log(
      { spacecraft: seat.spacecraftIdentifier, connectionId: seat.peer.connectionId, reason },
      'mission WebSocket session detached',
    );
  }

  /**
   * The slot an uplink goes to: the one named, else the spacecraft's only slot in progress (one
   * whose station is connected wins over one whose station is not).
   */
  private async uplinkRelay(seat: MissionSeat, slotId: string | undefined): Promise<SlotRelay> {
    if (slotId !== undefined) {
      const slot = await this.booking.findSlot(slotId);
      if (!slot || slot.spacecraftId !== seat.spacecraftId)
        throw new NotFoundError(
          'SLOT_NOT_FOUND',
          `spacecraft "${seat.spacecraftIdentifier}" has no slot ${slotId}`,
        );
      this.checkStartable(slot);
      return this.open(slot);
    }
    const inProgress = (relay: SlotRelay) => this.isInProgress(relay.context.slot, this.clock.now());
    let open = this.relaysOf(seat.spacecraftId).filter(inProgress);
    if (open.length === 0) open = (await this.openInProgress(seat.spacecraftId)).filter(inProgress);
    if (open.length === 0)
      throw new DomainError(
        'STATE',
        'NO_SLOT_IN_PROGRESS',
        `spacecraft "${seat.spacecraftIdentifier}" has no reserved slot in progress: book one (get_operational_slots, select_slots) and send during it`,
      );
    const connected = open.filter((relay) => this.present(relay, 'station'));
    const choice = connected.length > 0 ? connected : open;
    if (choice.length === 1) return choice[0];
    const slots = choice.map((relay) => relay.context.slot.id);
    throw new DomainError(
      'VALIDATION',
      'AMBIGUOUS_SLOT',
      `spacecraft "${seat.spacecraftIdentifier}" has ${choice.length} slots in progress (${slots.join(', ')}): name one in "slotId"`,
      { slots },
    );
  }

  /** Opens the relays of the spacecraft's reserved slots in progress, so that their end is noticed. */
  private async openInProgress(spacecraftId: string): Promise<SlotRelay[]> {
    const now = this.clock.now();
    const slots = await this.booking.reservedInProgress(
      spacecraftId,
      now,
      this.config.relay.earlyStartMinutes * 60_000,
    );
    for (const slot of slots) await this.open(slot);
    return this.relaysOf(spacecraftId);
  }

  /** A mission WebSocket session takes part in a slot: audited, and the slot is EXECUTING. */
  private joinSlot(seat: MissionSeat, relay: SlotRelay): void {
    if (!seat.peer) return; // not open yet: attachMission joins it to every slot open then
    this.missionAudit.joined(seat, relay.context.slot.id, seat.userId, seat.peer.connectionId);
    this.markExecuting(relay);
    this.cluster.changed(relay.context.slot.id);
  }

  /**
   * RESERVED → EXECUTING at the slot's first session, in the background: the session does not
   * wait for it. Should it fail (logged), the slot is still completed at its end, since its
   * sessions are in the audit (slot-settlement.ts).
   */
  private markExecuting(relay: SlotRelay): void {
    if (relay.executing) return;
    relay.executing = true;
    const { slot } = relay.context;
    if (slot.state === 'EXECUTING') return;
    this.jobs.fireAndForget(MARK_EXECUTING_JOB, () => this.lifecycle.execute(slot.id), { slotId: slot.id });
  }

  /** A relay nobody uses any more (no station, no M-client, no mission WebSocket session) is closed. */
  private closeIfIdle(relay: SlotRelay): void {
    if (relay.sides.station || this.missionPresent(relay)) return;
    this.relays.delete(relay.context.slot.id);
    this.cluster.close(relay.context.slot.id);
  }

  /** From SATNET_RELAY_EARLY_START_MINUTES before the slot's start until its end (section 9). */
  private isInProgress(slot: OperationalSlot, now: Date): boolean {
    const opensAt = slot.startAt.getTime() - this.config.relay.earlyStartMinutes * 60_000;
    return opensAt <= now.getTime() && now < slot.endAt;
  }

  private relaysOf(spacecraftId: string): SlotRelay[] {
    return [...this.relays.values()].filter((relay) => relay.context.slot.spacecraftId === spacecraftId);
  }

  /** The open mission WebSocket sessions of the slot's spacecraft. */
  private missionSockets(relay: SlotRelay): MissionPeer[] {
    const seats = this.missionSeats.get(relay.context.slot.spacecraftId);
    if (!seats) return [];
    const peers: MissionPeer[] = [];
    for (const seat of seats) if (seat.peer) peers.push(seat.peer);
    return peers;
  }

  /** Whether anyone receives the slot's downlink: the TLS M-client or a mission WebSocket session. */
  private missionPresent(relay: SlotRelay): boolean {
    return Boolean(relay.sides.mission) || this.missionSockets(relay).length > 0;
  }

  private tellMissionSockets(relay: SlotRelay, event: RelayEventId, reason?: DisconnectReason): void {
    const sockets = this.missionSockets(relay);
    if (sockets.length === 0) return;
    const message = missionEvent(relay, event, reason);
    for (const socket of sockets) socket.event(message);
  }

  private active(session: RelaySession): ActiveSession {
    const active = this.relays.get(session.slotId)?.sides[session.side];
    if (active !== session)
      throw new DomainError(
        'STATE',
        'NO_ACTIVE_SESSION',
        'this session has ended; call startRemote again within the slot',
      );
    return active;
  }

  /** The caller's role in the slot; a caller owning both the station and the spacecraft names it. */
  private sideOf(actor: Actor, slot: OperationalSlot, wanted: RelaySide | undefined): RelaySide {
    const owns: Record<RelaySide, boolean> = {
      station: slot.stationOwnerId === actor.userId,
      mission: slot.spacecraftOwnerId === actor.userId,
    };
    if (wanted) {
      if (!owns[wanted])
        throw notYours(slot, `you do not own its ${wanted === 'station' ? 'ground station' : 'spacecraft'}`);
      return wanted;
    }
    if (owns.station && owns.mission)
      throw new DomainError(
        'VALIDATION',
        'SIDE_REQUIRED',
        'you own both the station and the spacecraft of this slot: name the side ("station" or "mission")',
      );
    if (owns.station) return 'station';
    if (owns.mission) return 'mission';
    throw notYours(slot, 'you own neither its ground station nor its spacecraft');
  }

  private checkStartable(slot: OperationalSlot): void {
    const now = this.clock.now();
    if (!OPERABLE_STATES.includes(slot.state))
      throw new DomainError(
        'STATE',
        'SLOT_NOT_RESERVED',
        `slot ${slot.id} is ${slot.state}; only RESERVED (or EXECUTING) slots can be operated`,
      );
    if (now >= slot.endAt) throw slotEnded(slot);
    const opensAt = new Date(slot.startAt.getTime() - this.config.relay.earlyStartMinutes * 60_000);
    if (now < opensAt)
      throw new DomainError(
        'STATE',
        'TOO_EARLY',
        `slot ${slot.id} starts at ${slot.startAt.toISOString()}; clients may connect from ${opensAt.toISOString()}`,
        {
          opensAt: opensAt.toISOString(),
        },
      );
  }

  /** One SlotRelay per slot, even when both clients arrive at the same moment. */
  private async open(slot: OperationalSlot): Promise<SlotRelay> {
    const existing = this.relays.get(slot.id);
    if (existing) return existing;
    let pending = this.opening.get(slot.id);
    if (!pending) {
      pending = Promise.all([
        this.contexts.load(slot),
        this.sequenceLog.last(slot.id),
        this.cluster.open(slot.id),
      ]).then(([context, sequences]) => ({ context, sides: {}, sequences }));
      this.opening.set(slot.id, pending);
    }
    try {
      const relay = this.relays.get(slot.id) ?? (await pending);
      if (!this.relays.has(slot.id) && this.cluster.remote(slot.id, 'station'))
        this.tellMissionSockets(relay, RELAY_EVENT.REMOTE_CONNECTED); // its station is on another instance
      this.relays.set(slot.id, relay);
      // Mission WebSocket sessions of the spacecraft take part in every slot of it that opens.
      for (const seat of this.missionSeats.get(slot.spacecraftId) ?? []) this.joinSlot(seat, relay);
      return relay;
    } finally {
      this.opening.delete(slot.id);
    }
  }
}

function missionEvent(relay: SlotRelay, event: RelayEventId, reason?: DisconnectReason) {
  const { slot } = relay.context;
  return {
    event: EVENT_NAME[event],
    slotId: slot.id,
    groundStation: slot.stationIdentifier,
    ...(reason ? { reason } : {}),
  };
}

function tooManySessions(spacecraftIdentifier: string, limit: number): DomainError {
  return new DomainError(
    'RATE_LIMITED',
    'TOO_MANY_SESSIONS',
    `spacecraft "${spacecraftIdentifier}" already has ${limit} WebSocket sessions, the most allowed; close one first`,
    { limit },
  );
}

function notYours(slot: OperationalSlot, why: string): DomainError {
  return new DomainError('FORBIDDEN', 'NOT_YOUR_SLOT', `slot ${slot.id} is not yours: ${why}`);
}

function slotEnded(slot: OperationalSlot): DomainError {
  return new DomainError('STATE', 'SLOT_ENDED', `slot ${slot.id} ended at ${slot.endAt.toISOString()}`);
}
