import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { OperationalSlot } from '../booking/operational-slot.entity';
import { SlotsRepository } from '../booking/slots.repository';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import type { Actor } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { validateCspFrame } from '../csp/csp-frame';
import type { LinkDirection } from '../orbit/doppler';
import { PacketLog } from './packet-log';
import {
  RELAY_EVENT,
  type RelayPeer,
  RelayPort,
  type RelaySession,
  type RelaySide,
  type SendResult,
  START_REMOTE,
  type StartRemoteResult,
} from './relay-port';
import { RelaySessionAudit } from './relay-session-audit';
import { SlotContextLoader } from './slot-context-loader';
import type { SlotContext } from './slot-context';

interface ActiveSession extends RelaySession {
  readonly auditId: string;
  readonly peer: RelayPeer;
}

interface SlotRelay {
  context: SlotContext;
  sides: Partial<Record<RelaySide, ActiveSession>>;
}

const OTHER: Record<RelaySide, RelaySide> = { station: 'mission', mission: 'station' };
/** Frames from the station travel down from the spacecraft; the mission's go up to it. */
const DIRECTION: Record<RelaySide, LinkDirection> = { station: 'DOWNLINK', mission: 'UPLINK' };
const SLOT_END_CHECK_MS = 1000;

/**
 * Live sessions between the G-client and the M-client of reserved slots (Annex E, DESIGN §4,
 * docs/protocol.md "Slot rules"). Sessions are a cache of live sockets; what must outlast the
 * process (the packet log, the session audit) is written to the database.
 */
@Injectable()
export class RelayService extends RelayPort implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RelayService.name);
  private readonly relays = new Map<string, SlotRelay>();
  private readonly opening = new Map<string, Promise<SlotRelay>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly accounts: AccountsService,
    private readonly slots: SlotsRepository,
    private readonly contexts: SlotContextLoader,
    private readonly packets: PacketLog,
    private readonly audit: RelaySessionAudit,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.endFinishedSlots(), SLOT_END_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  authenticate(apiKey: string): Promise<Actor> {
    return this.accounts.authenticateApiKey(apiKey);
  }

  async startRemote(
    actor: Actor,
    slotId: string,
    side: RelaySide | undefined,
    peer: RelayPeer,
  ): Promise<StartRemoteResult> {
    const slot = (await this.slots.findByIds([slotId]))[0];
    if (!slot) throw new DomainError('NOT_FOUND', 'SLOT_NOT_FOUND', `no slot ${slotId}`);
    const chosen = this.sideOf(actor, slot, side);
    this.checkStartable(slot);
    const relay = await this.open(slot);
    if (relay.sides[chosen])
      return { code: START_REMOTE.CLIENTS_COINCIDE, session: { slotId, side: chosen } };
    const session: ActiveSession = { slotId, side: chosen, auditId: randomUUID(), peer };
    relay.sides[chosen] = session;
    await this.audit.started(
      session.auditId,
      slotId,
      chosen,
      actor.userId,
      peer.connectionId,
      this.clock.now(),
    );
    const other = relay.sides[OTHER[chosen]];
    this.logger.log(
      { slotId, side: chosen, user: actor.username, otherConnected: Boolean(other) },
      'relay session started',
    );
    if (!other) return { code: START_REMOTE.REMOTE_NOT_CONNECTED, session };
    other.peer.notifyEvent(RELAY_EVENT.REMOTE_CONNECTED);
    return { code: START_REMOTE.REMOTE_READY, session };
  }

  /** Synchronous: nothing here waits, and the gateway then needs no promise per frame. */
  sendMsg(session: RelaySession, data: Uint8Array, clientTimestamp: string | number): SendResult {
    const active = this.active(session);
    const relay = this.relays.get(session.slotId) as SlotRelay;
    const received = this.clock.now();
    if (received >= relay.context.slot.endAt) {
      void this.endSlot(session.slotId);
      throw slotEnded(relay.context.slot);
    }
    const gsTime = active.side === 'station' ? parseClientTimestamp(clientTimestamp) : received;
    const direction = DIRECTION[active.side];
    const dopplerShiftHz = relay.context.dopplerHz(direction, gsTime);
    const verdict = validateCspFrame(data, direction, relay.context.csp, {
      maxFrameBytes: this.config.relay.maxCspFrameBytes,
    });
    const header = verdict.header;
    const other = relay.sides[OTHER[active.side]];
    const outcome = !verdict.ok ? 'REJECTED' : other ? 'RELAYED' : 'NOT_DELIVERED';
    // Logged first: a frame the log cannot take is refused, never relayed unrecorded.
    this.packets.append({
      slotId: session.slotId,
      fromSide: active.side,
      direction,
      frameBytes: data.length,
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      clientTimestamp: String(clientTimestamp),
      serverReceivedAt: received,
      gsTimestamp: gsTime,
      dopplerShiftHz,
      outcome,
      rejectRule: verdict.ok ? null : verdict.rule,
      cspSource: header?.source ?? null,
      cspDestination: header?.destination ?? null,
      cspSourcePort: header?.sourcePort ?? null,
      cspDestinationPort: header?.destinationPort ?? null,
    });
    if (!verdict.ok)
      throw new DomainError('VALIDATION', 'FRAME_REJECTED', verdict.message, { rule: verdict.rule });
    const gsTimestamp = gsTime.toISOString();
    other?.peer.notifyMsg(data, dopplerShiftHz, gsTimestamp);
    return { delivered: outcome === 'RELAYED', dopplerShiftHz, gsTimestamp };
  }

  whenReady(): Promise<void> | undefined {
    return this.packets.caughtUp();
  }

  async endRemote(session: RelaySession): Promise<void> {
    await this.finish(session, RELAY_EVENT.END_REMOTE, 'END_REMOTE');
  }

  disconnected(session: RelaySession): void {
    void this.finish(session, RELAY_EVENT.REMOTE_DISCONNECTED, 'REMOTE_DISCONNECTED').catch(
      (error: unknown) =>
        this.logger.error({ err: error, slotId: session.slotId }, 'could not record a lost connection'),
    );
  }

  async drain(): Promise<void> {
    for (const relay of this.relays.values())
      for (const session of Object.values(relay.sides))
        if (session) await this.audit.ended(session.auditId, this.clock.now(), 'SHUTDOWN');
    this.relays.clear();
    await this.packets.flush();
    this.logger.log('relay drained: sessions closed, packet log flushed');
  }

  /** Ends the sessions of every slot whose end has passed: SLOT_END to both, then close (PRT-FUN-140). */
  async endFinishedSlots(): Promise<number> {
    const now = this.clock.now();
    const ended = [...this.relays.values()].filter((relay) => relay.context.slot.endAt <= now);
    for (const relay of ended) await this.endSlot(relay.context.slot.id);
    return ended.length;
  }

  private async endSlot(slotId: string): Promise<void> {
    const relay = this.relays.get(slotId);
    if (!relay) return;
    this.relays.delete(slotId);
    for (const session of Object.values(relay.sides)) {
      if (!session) continue;
      session.peer.notifyEvent(RELAY_EVENT.SLOT_END);
      session.peer.close('slot ended');
      await this.audit.ended(session.auditId, this.clock.now(), 'SLOT_END');
    }
    await this.packets.flush();
    this.logger.log({ slotId }, 'slot ended: sessions closed, packet log flushed');
  }

  private async finish(session: RelaySession, event: number, reason: string): Promise<void> {
    const relay = this.relays.get(session.slotId);
    const active = relay?.sides[session.side];
    if (!relay || active !== session) return; // already ended (slot end, shutdown) or never started
    delete relay.sides[session.side];
    relay.sides[OTHER[session.side]]?.peer.notifyEvent(event as typeof RELAY_EVENT.END_REMOTE);
    if (!relay.sides.station && !relay.sides.mission) this.relays.delete(session.slotId);
    await this.audit.ended(active.auditId, this.clock.now(), reason);
    this.logger.log({ slotId: session.slotId, side: session.side, reason }, 'relay session ended');
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
    if (slot.state !== 'RESERVED')
      throw new DomainError(
        'STATE',
        'SLOT_NOT_RESERVED',
        `slot ${slot.id} is ${slot.state}; only RESERVED slots can be operated`,
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
      pending = this.contexts.load(slot).then((context) => ({ context, sides: {} }));
      this.opening.set(slot.id, pending);
    }
    try {
      const relay = this.relays.get(slot.id) ?? (await pending);
      this.relays.set(slot.id, relay);
      return relay;
    } finally {
      this.opening.delete(slot.id);
    }
  }
}

function notYours(slot: OperationalSlot, why: string): DomainError {
  return new DomainError('FORBIDDEN', 'NOT_YOUR_SLOT', `slot ${slot.id} is not yours: ${why}`);
}

function slotEnded(slot: OperationalSlot): DomainError {
  return new DomainError('STATE', 'SLOT_ENDED', `slot ${slot.id} ended at ${slot.endAt.toISOString()}`);
}

/** ISO 8601 or milliseconds since the epoch, as the station's client timestamped the frame. */
function parseClientTimestamp(value: string | number): Date {
  const time = typeof value === 'number' ? new Date(value) : new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new DomainError(
      'VALIDATION',
      'INVALID_TIMESTAMP',
      `timestamp ${JSON.stringify(value)} is neither ISO 8601 nor epoch milliseconds`,
    );
  return time;
}
