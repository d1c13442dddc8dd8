// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BusUnavailableError, type BusHealth, type BusSubscription, MessageBus } from '../bus/message-bus';
import { DomainError } from '../common/errors';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { LinkDirection } from '../orbit/doppler';
import { parseSlotMessage, type RelayedFrame, slotChannel, type SlotMessage } from './cluster-messages';
import {
  type DisconnectReason,
  type DownlinkDelivery,
  RELAY_EVENT,
  type RelayEventId,
  type RelaySide,
} from './relay-port';
import { type PresenceSnapshot, RemotePresence } from './remote-presence';

/** Renews this instance's presence and checks the others' (every third of the presence ttl). */
export const PRESENCE_JOB = 'relay.presence';

/** What this instance has in a slot now: its sessions' connection ids, and whether it has mission receivers. */
export interface LocalPresence {
  station?: string;
  mission?: string;
  /** A TLS M-client or a mission WebSocket session receives the slot's downlink here. */
  receivers: boolean;
}

/** The relay as the cluster presence calls it back. */
export interface ClusterListener {
  /** A frame another instance relayed in a slot open here. */
  remoteFrame(slotId: string, direction: LinkDirection, frame: DownlinkDelivery): void;
  /** The other instances' `side` of the slot appeared or vanished as a whole. */
  remoteChanged(
    slotId: string,
    side: RelaySide,
    present: boolean,
    event?: RelayEventId,
    reason?: DisconnectReason,
  ): void;
  remoteSlotEnd(slotId: string): void;
  localPresence(slotId: string): LocalPresence;
  /** A session here whose lease another client holds now: this instance was cut off too long. */
  superseded(slotId: string, side: RelaySide): void;
  /** Once per presence round, for work that follows the clock (mission sessions joining new slots). */
  presenceRound(): Promise<void>;
}

interface SlotPresence {
  readonly remote: RemotePresence;
  /** What the other instances were last told of this instance's sides. */
  readonly published: Record<RelaySide, boolean>;
  subscription?: Promise<BusSubscription | undefined>;
  /** Messages that arrive while the slot is joined, applied after its snapshot. */
  buffered?: SlotMessage[];
}

/** Frames relayed here in one tick for other instances, and who waits to hear they crossed. */
interface OutgoingFrames {
  readonly frames: RelayedFrame[];
  readonly crossed: Promise<boolean>;
  readonly settle: (crossed: boolean) => void;
}

interface Seat {
  readonly spacecraftId: string;
  readonly limit: number;
}

const SIDES: readonly RelaySide[] = ['station', 'mission'];
/** Frames per bus message at most (a gateway read may hold many frames of one sender). */
const MAX_FRAMES_PER_MESSAGE = 256;

/**
 * Presence of a slot's clients across instances (DESIGN §5, docs/protocol.md §17), over the
 * MessageBus: a side's session holds the lease `relay:slot:<id>:<side>` (`<instance>/<connection>`,
 * so a second client of that side anywhere gets CLIENTS_COINCIDE); an instance with mission
 * receivers in a slot is a member of `relay:slot:<id>:receivers`; a mission WebSocket session is a
 * member of `relay:ws:<spacecraft>`, whose limit holds across instances. The owning instance
 * renews all of them every third of the ttl; an instance that dies stops renewing and the others
 * notice at their next round. Frames and presence changes travel on the slot's channel.
 *
 * With the in-process bus (one instance) nothing here runs: `shared` is false and the relay
 * behaves as it always did.
 */
@Injectable()
export class ClusterPresence implements OnApplicationBootstrap {
  private readonly logger = new Logger(ClusterPresence.name);
  readonly shared: boolean;
  readonly ttlMs: number;
  private readonly slots = new Map<string, SlotPresence>();
  private readonly seats = new Map<string, Seat>();
  /** Leases whose release failed while the store was unreachable: holder by key. */
  private readonly unreleased = new Map<string, string>();
  /** Frames relayed here in this tick, for other instances, by slot. */
  private readonly outgoing = new Map<string, OutgoingFrames>();
  private flushScheduled = false;
  private listener?: ClusterListener;

  constructor(
    private readonly bus: MessageBus,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jobs: JobRunner,
  ) {
    this.shared = bus.shared;
    this.ttlMs = config.relay.presenceTtlSeconds * 1000;
  }

  listen(listener: ClusterListener): void {
    this.listener = listener;
  }

  onApplicationBootstrap(): void {
    if (!this.shared) return;
    this.jobs.every(PRESENCE_JOB, Math.floor(this.ttlMs / 3), () => this.round());
    this.bus.onHealthChange((health) => this.healthChanged(health));
  }

  /** This instance's name (MessageBus.instanceId). */
  get instanceId(): string {
    return this.bus.instanceId;
  }

  /**
   * Says this instance is alive (a lease renewed every presence round), so that an instance
   * starting up leaves its relay sessions alone. Nothing to say without a shared bus.
   */
  async announce(): Promise<void> {
    if (!this.shared) return;
    await this.bus
      .claim(instanceKey(this.bus.instanceId), this.bus.instanceId, this.ttlMs)
      .catch((error: unknown) =>
        this.failed(error, 'could not say this instance is alive', this.bus.instanceId),
      );
  }

  /**
   * Whether the instance `instanceId` is alive: this one is; another is while it renews its
   * lease; without a shared bus there is no other. Unknown (store unreachable) counts as alive,
   * so nothing of a live instance is ended on a guess.
   */
  async instanceAlive(instanceId: string): Promise<boolean> {
    if (instanceId === this.bus.instanceId) return true;
    if (!this.shared) return false;
    try {
      return (await this.bus.holder(instanceKey(instanceId))) !== undefined;
    } catch {
      return true;
    }
  }

  /** False while the shared store is unreachable: nothing crosses instances then. */
  get reachable(): boolean {
    return this.bus.health() !== 'degraded';
  }

  /** Whether another instance has `side` of the slot (and can be reached now). */
  remote(slotId: string, side: RelaySide): boolean {
    return this.reachable && this.slots.get(slotId)?.remote.has(side) === true;
  }

  /** Joins the slot's channel, then learns who is present elsewhere; messages meanwhile wait. */
  async open(slotId: string): Promise<void> {
    if (!this.shared || this.slots.has(slotId)) return;
    const slot: SlotPresence = {
      remote: new RemotePresence(),
      published: { station: false, mission: false },
      buffered: [],
    };
    this.slots.set(slotId, slot);
    slot.subscription = this.bus
      .subscribe(slotChannel(slotId), (message) => this.received(slotId, slot, message))
      .catch((error: unknown) => this.failed(error, 'could not join a slot channel', slotId));
    await slot.subscription;
    const snapshot = await this.snapshot(slotId);
    if (snapshot) slot.remote.merge(snapshot);
    const buffered = slot.buffered ?? [];
    slot.buffered = undefined;
    for (const message of buffered) this.apply(slotId, slot, message);
  }

  /** Leaves the slot's channel; this instance's presence there ends. */
  close(slotId: string): void {
    const slot = this.slots.get(slotId);
    if (!slot) return;
    this.slots.delete(slotId);
    this.background('relay.leave-slot', slotId, async () => {
      if (slot.published.mission) await this.bus.withdraw(receiversKey(slotId), this.bus.instanceId);
      await (await slot.subscription)?.unsubscribe();
    });
  }

  /**
   * After a change of this instance's clients in the slot: the other instances are told what
   * changed (`event` and `reason`: what their clients hear when a side left), then the receivers
   * group follows. Messages and commands share one connection, so they reach the store in order.
   */
  changed(slotId: string, event?: RelayEventId, reason?: DisconnectReason): void {
    const slot = this.slots.get(slotId);
    if (!slot || !this.listener) return;
    const local = this.listener.localPresence(slotId);
    const now: Record<RelaySide, boolean> = {
      station: local.station !== undefined,
      mission: local.receivers,
    };
    for (const side of SIDES) {
      if (now[side] === slot.published[side]) continue;
      slot.published[side] = now[side];
      const left = now[side] ? {} : { event: event ?? RELAY_EVENT.REMOTE_DISCONNECTED, reason };
      this.publish(slotId, {
        kind: 'presence',
        from: this.bus.instanceId,
        side,
        present: now[side],
        ...left,
      });
      if (side === 'mission') this.updateReceivers(slotId, now.mission);
    }
  }

  /**
   * A frame this instance relayed, for the other side's clients on other instances. Resolves
   * (one promise for the frames of one bus message) with whether the message reached every
   * instance present in the slot (docs/protocol.md §17).
   */
  forward(slotId: string, direction: LinkDirection, frame: DownlinkDelivery): Promise<boolean> {
    const { data, dopplerShiftHz, gsTimestamp, serverTime, seq } = frame;
    let batch = this.outgoing.get(slotId);
    if (!batch) {
      let settle!: (crossed: boolean) => void;
      const crossed = new Promise<boolean>((resolve) => (settle = resolve));
      batch = { frames: [], crossed, settle };
      this.outgoing.set(slotId, batch);
    }
    batch.frames.push({ direction, data, dopplerShiftHz, gsTimestamp, serverTime, seq });
    const { crossed } = batch;
    if (batch.frames.length >= MAX_FRAMES_PER_MESSAGE) this.flushFrames(slotId);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Once the frames read in this tick are relayed, before the next turn of the event loop:
      // the packet log's commit of this turn (setImmediate; on SQLite it blocks the loop) and
      // the reading of other sockets come after the frames left for the other instances.
      process.nextTick(this.flushAllFrames);
    }
    return crossed;
  }

  /** The frames of this tick, one message per slot: one bus command carries many frames. */
  private readonly flushAllFrames = (): void => {
    this.flushScheduled = false;
    for (const slotId of [...this.outgoing.keys()]) this.flushFrames(slotId);
  };

  private flushFrames(slotId: string): void {
    const batch = this.outgoing.get(slotId);
    if (!batch) return;
    this.outgoing.delete(slotId);
    // This instance's own subscription and one per other instance present: an instance cut off
    // from the store (its subscription gone) is missing from the count.
    const expected = 1 + (this.slots.get(slotId)?.remote.instanceCount() ?? 0);
    this.bus
      .publish(slotChannel(slotId), {
        kind: 'frames',
        from: this.bus.instanceId,
        frames: batch.frames,
      } satisfies SlotMessage)
      .then(
        (reached) => batch.settle(reached >= expected),
        (error: unknown) => {
          batch.settle(false);
          this.failed(error, 'could not publish relayed frames', slotId);
        },
      );
  }

  slotEnded(slotId: string): void {
    this.publish(slotId, { kind: 'slot-end', from: this.bus.instanceId });
  }

  /**
   * Reads the slot's presence elsewhere again and adds what this instance missed (while the store
   * was unreachable, or before it was back): before a session starts, so its answer is right.
   */
  async refresh(slotId: string): Promise<void> {
    const slot = this.slots.get(slotId);
    const live = slot && (await this.snapshot(slotId));
    if (!live || this.slots.get(slotId) !== slot) return;
    for (const side of slot.remote.merge(live))
      this.listener?.remoteChanged(slotId, side, true, RELAY_EVENT.REMOTE_CONNECTED);
  }

  /** Takes the side's lease for a session: `taken` when another client has it anywhere. */
  async claim(
    slotId: string,
    side: RelaySide,
    connectionId: string,
  ): Promise<'held' | 'taken' | 'unavailable'> {
    try {
      return (await this.bus.claim(sideKey(slotId, side), this.holder(connectionId), this.ttlMs))
        ? 'held'
        : 'taken';
    } catch (error) {
      if (error instanceof BusUnavailableError) return 'unavailable';
      throw error;
    }
  }

  /**
   * Gives the side's lease up (the session ended here); never fails. Unreachable now, it is given
   * up when the store is back: the side's next client must not wait for it to expire.
   */
  release(slotId: string, side: RelaySide, connectionId: string): void {
    if (!this.shared) return;
    const key = sideKey(slotId, side);
    const holder = this.holder(connectionId);
    this.bus.release(key, holder).catch((error: unknown) => {
      if (error instanceof BusUnavailableError) this.unreleased.set(key, holder);
      else this.failed(error, 'could not release a lease', slotId);
    });
  }

  /**
   * Takes a seat among the spacecraft's WebSocket sessions on every instance; false when `limit`
   * are taken. RELAY_UNAVAILABLE while the shared store is unreachable: the limit cannot be checked.
   */
  async admitSeat(spacecraftId: string, seatId: string, limit: number): Promise<boolean> {
    try {
      const admitted = await this.bus.enrol(seatsKey(spacecraftId), this.holder(seatId), this.ttlMs, limit);
      if (admitted) this.seats.set(seatId, { spacecraftId, limit });
      return admitted;
    } catch (error) {
      if (error instanceof BusUnavailableError) throw relayUnavailable();
      throw error;
    }
  }

  withdrawSeat(spacecraftId: string, seatId: string): void {
    if (!this.seats.delete(seatId)) return;
    this.background('relay.withdraw-seat', spacecraftId, () =>
      this.bus.withdraw(seatsKey(spacecraftId), this.holder(seatId)),
    );
  }

  /** Graceful shutdown: the other instances hear that this one's clients left, and its leases go. */
  async drain(): Promise<void> {
    const work: Promise<unknown>[] = [];
    for (const [slotId, slot] of this.slots) {
      this.flushFrames(slotId);
      const local = this.listener?.localPresence(slotId);
      for (const side of SIDES)
        if (slot.published[side])
          work.push(
            this.bus.publish(slotChannel(slotId), {
              kind: 'presence',
              from: this.bus.instanceId,
              side,
              present: false,
              event: RELAY_EVENT.REMOTE_DISCONNECTED,
              reason: 'CONNECTION_LOST',
            } satisfies SlotMessage),
          );
      if (local?.station) work.push(this.bus.release(sideKey(slotId, 'station'), this.holder(local.station)));
      if (local?.mission) work.push(this.bus.release(sideKey(slotId, 'mission'), this.holder(local.mission)));
      if (slot.published.mission) work.push(this.bus.withdraw(receiversKey(slotId), this.bus.instanceId));
    }
    for (const [seatId, seat] of this.seats)
      work.push(this.bus.withdraw(seatsKey(seat.spacecraftId), this.holder(seatId)));
    this.slots.clear();
    this.seats.clear();
    await Promise.allSettled(work);
  }

  /**
   * One presence round: this instance's leases renewed and its presence said again (so that an
   * instance that lost it, e.g. after an outage, has it back), then the others' checked: an
   * instance whose leases expired died without goodbye, and its side vanished.
   */
  async round(): Promise<void> {
    if (!this.reachable) return;
    await this.announce();
    for (const [slotId, slot] of this.slots) {
      await this.renew(slotId, slot);
      const live = await this.snapshot(slotId);
      if (!live || this.slots.get(slotId) !== slot) continue;
      for (const side of slot.remote.retain(live))
        this.listener?.remoteChanged(slotId, side, false, RELAY_EVENT.REMOTE_DISCONNECTED, 'CONNECTION_LOST');
    }
    for (const [seatId, seat] of this.seats)
      await this.bus
        .enrol(seatsKey(seat.spacecraftId), this.holder(seatId), this.ttlMs, seat.limit)
        .catch((error: unknown) => this.failed(error, 'could not renew a WebSocket seat', seat.spacecraftId));
    await this.listener?.presenceRound();
  }

  private async renew(slotId: string, slot: SlotPresence): Promise<void> {
    const local = this.listener?.localPresence(slotId);
    if (!local) return;
    for (const side of SIDES) {
      const connectionId = local[side];
      if (connectionId === undefined) continue;
      if ((await this.claim(slotId, side, connectionId)) === 'taken') this.listener?.superseded(slotId, side);
    }
    for (const side of SIDES)
      if (slot.published[side])
        this.publish(slotId, { kind: 'presence', from: this.bus.instanceId, side, present: true });
    if (slot.published.mission) this.updateReceivers(slotId, true);
  }

  /** Other instances' presence in the slot now; undefined when the store cannot say. */
  private async snapshot(slotId: string): Promise<PresenceSnapshot | undefined> {
    try {
      const [station, receivers] = await Promise.all([
        this.bus.holder(sideKey(slotId, 'station')),
        this.bus.members(receiversKey(slotId)),
      ]);
      const self = this.bus.instanceId;
      const stationInstance = station === undefined ? undefined : instanceOf(station);
      return {
        station: stationInstance === self ? undefined : stationInstance,
        missions: receivers.filter((instance) => instance !== self),
      };
    } catch (error) {
      this.failed(error, 'could not read the presence of a slot', slotId);
      return undefined;
    }
  }

  private healthChanged(health: BusHealth): void {
    if (health === 'degraded') {
      // Nothing crosses instances now: the clients here hear that the other side went away.
      for (const [slotId, slot] of this.slots)
        for (const side of slot.remote.clear())
          this.listener?.remoteChanged(
            slotId,
            side,
            false,
            RELAY_EVENT.REMOTE_DISCONNECTED,
            'CONNECTION_LOST',
          );
      return;
    }
    if (health !== 'up') return;
    this.jobs.fireAndForget('relay.presence-recovered', async () => {
      for (const [key, holder] of [...this.unreleased]) {
        this.unreleased.delete(key);
        await this.bus
          .release(key, holder)
          .catch((error: unknown) => this.failed(error, 'could not release a lease', key));
      }
      for (const slotId of [...this.slots.keys()]) await this.refresh(slotId);
      await this.round();
    });
  }

  private received(slotId: string, slot: SlotPresence, value: unknown): void {
    // This instance's own messages come back: delivered here directly, they are not even checked.
    if (fromInstance(value) === this.bus.instanceId) return;
    const message = parseSlotMessage(value);
    if (!message) {
      this.logger.error({ slotId }, 'a relay message of an unknown form was dropped');
      return;
    }
    if (slot.buffered) slot.buffered.push(message);
    else this.apply(slotId, slot, message);
  }

  private apply(slotId: string, slot: SlotPresence, message: SlotMessage): void {
    if (this.slots.get(slotId) !== slot || !this.listener) return;
    switch (message.kind) {
      case 'frames':
        for (const frame of message.frames)
          this.listener.remoteFrame(slotId, frame.direction, { ...frame, slotId, groundStation: '' });
        return;
      case 'presence':
        if (slot.remote.set(message.side, message.from, message.present))
          this.listener.remoteChanged(slotId, message.side, message.present, message.event, message.reason);
        return;
      case 'slot-end':
        this.listener.remoteSlotEnd(slotId);
        return;
    }
  }

  private updateReceivers(slotId: string, present: boolean): void {
    const key = receiversKey(slotId);
    this.background('relay.receivers', slotId, () =>
      present
        ? this.bus.enrol(key, this.bus.instanceId, this.ttlMs)
        : this.bus.withdraw(key, this.bus.instanceId),
    );
  }

  private publish(slotId: string, message: SlotMessage): void {
    this.flushFrames(slotId); // frames relayed before an event go before it
    this.bus
      .publish(slotChannel(slotId), message)
      .catch((error: unknown) => this.failed(error, 'could not publish a relay message', slotId));
  }

  private background(name: string, slotId: string, work: () => Promise<unknown>): void {
    work().catch((error: unknown) => this.failed(error, `${name} failed`, slotId));
  }

  /** An unreachable store is expected (health reports it); anything else is a bug. */
  private failed(error: unknown, what: string, id: string): undefined {
    if (error instanceof BusUnavailableError) this.logger.debug({ id }, `${what}: the bus is unavailable`);
    else this.logger.error({ err: error, id }, what);
    return undefined;
  }

  private holder(connectionId: string): string {
    return `${this.bus.instanceId}/${connectionId}`;
  }
}

/** The client the relay cannot reach across instances now (docs/protocol.md §17). */
export function relayUnavailable(): DomainError {
  return new DomainError(
    'UNAVAILABLE',
    'RELAY_UNAVAILABLE',
    "the server's instances cannot reach each other right now, so the other side of this slot cannot be reached; try again in a few seconds",
  );
}

function sideKey(slotId: string, side: RelaySide): string {
  return `relay:slot:${slotId}:${side}`;
}

function receiversKey(slotId: string): string {
  return `relay:slot:${slotId}:receivers`;
}

function instanceKey(instanceId: string): string {
  return `relay:instance:${instanceId}`;
}

function seatsKey(spacecraftId: string): string {
  return `relay:ws:${spacecraftId}`;
}

/** The `from` of a bus message, if it has one. */
function fromInstance(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { from?: unknown }).from : undefined;
}

/** A holder is `<instance>/<connection>`; connection ids have no slash, instance names may. */
function instanceOf(holder: string): string {
  return holder.slice(0, holder.lastIndexOf('/'));
}
