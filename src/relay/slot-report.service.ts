// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { BookingService } from '../booking/booking.service';
import { slotView, type SlotView } from '../booking/slot-views';
import { Clock } from '../common/clock';
import type { RequestContext } from '../common/request-context';
import type { Packet } from './packet.entity';
import { RelaySessionsRepository } from './relay-sessions.repository';
import { type SlotFrameGroup, SlotReportRepository } from './slot-report.repository';

export interface FrameCount {
  frames: number;
  bytes: number;
}

/** What happened in one direction of a slot (docs/api.md "Slot report"). */
export interface DirectionReport {
  relayed: FrameCount;
  notDelivered: FrameCount;
  rejected: FrameCount & { byRule: Record<string, number> };
  firstFrameAt: string | null;
  lastFrameAt: string | null;
  longestGap: { ms: number; from: string; to: string } | null;
}

export interface SessionReport {
  side: 'station' | 'mission';
  /** `tls` for a gateway client, `websocket` for a mission WebSocket session. */
  transport: 'tls' | 'websocket';
  /** Null once the account is gone. */
  user: string | null;
  connectionId: string;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

/** What a completed slot stores (slot_summaries). */
type SlotFigures = Pick<SlotReport, 'downlink' | 'uplink'>;

export interface SlotReport {
  slot: SlotView;
  state: SlotView['state'];
  failureReason: string | null;
  /** True once the slot is COMPLETED or FAILED: the figures no longer change. */
  final: boolean;
  generatedAt: string;
  downlink: DirectionReport;
  uplink: DirectionReport;
  sessions: SessionReport[];
}

/**
 * A slot's report for either of its owners (DESIGN §4): computed when asked from the packet log
 * and the session audit, so it is available while the slot executes and after it ended.
 */
@Injectable()
export class SlotReportService {
  constructor(
    private readonly clock: Clock,
    private readonly booking: BookingService,
    private readonly accounts: AccountsService,
    private readonly figures: SlotReportRepository,
    private readonly sessions: RelaySessionsRepository,
  ) {}

  /** `side`: what the identifier must name (REST routes name it; JSON-RPC takes either). */
  async report(
    ctx: RequestContext,
    identifier: string,
    slotId: string,
    side: 'station' | 'spacecraft' | 'either',
  ): Promise<SlotReport> {
    const slot = await this.booking.slotOf(ctx, identifier, slotId, side);
    const [figures, sessions] = await Promise.all([
      this.figuresOf(slot.id, slot.state === 'COMPLETED'),
      this.sessions.ofSlot(slot.id),
    ]);
    const users = new Map(
      (await this.accounts.findUsers([...new Set(sessions.map((s) => s.userId))])).map((u) => [u.id, u]),
    );
    const now = this.clock.now();
    const view = slotView(slot, now);
    return {
      slot: view,
      state: view.state,
      failureReason: view.failureReason ?? null,
      final: view.state === 'COMPLETED' || view.state === 'FAILED',
      generatedAt: now.toISOString(),
      ...figures,
      sessions: sessions.map((session) => ({
        side: session.side,
        transport: session.transport,
        user: users.get(session.userId)?.username ?? null,
        connectionId: session.connectionId,
        startedAt: session.startedAt.toISOString(),
        endedAt: session.endedAt?.toISOString() ?? null,
        endReason: session.endReason,
      })),
    };
  }

  /**
   * Computes and stores the figures of slots that just completed (SlotSettlement), one at a time.
   * Should it fail, their reports compute them when asked, as before completion.
   */
  async summarize(slotIds: string[]): Promise<void> {
    for (const slotId of slotIds)
      await this.figures.saveSummary({
        slotId,
        figures: JSON.stringify(await this.compute(slotId)),
        computedAt: this.clock.now(),
      });
  }

  private async figuresOf(slotId: string, completed: boolean): Promise<SlotFigures> {
    const stored = completed ? await this.figures.summary(slotId) : null;
    return stored ? (JSON.parse(stored.figures) as SlotFigures) : this.compute(slotId);
  }

  private async compute(slotId: string): Promise<SlotFigures> {
    const [groups, downGap, upGap] = await Promise.all([
      this.figures.frameGroups(slotId),
      this.figures.longestGap(slotId, 'DOWNLINK'),
      this.figures.longestGap(slotId, 'UPLINK'),
    ]);
    return { downlink: direction(groups, 'DOWNLINK', downGap), uplink: direction(groups, 'UPLINK', upGap) };
  }
}

function direction(
  groups: SlotFrameGroup[],
  which: Packet['direction'],
  gap: { from: Date; to: Date } | null,
): DirectionReport {
  const own = groups.filter((group) => group.direction === which);
  const count = (outcome: Packet['outcome']): FrameCount => {
    const of = own.filter((group) => group.outcome === outcome);
    return {
      frames: of.reduce((sum, group) => sum + group.frames, 0),
      bytes: of.reduce((sum, group) => sum + group.bytes, 0),
    };
  };
  const byRule: Record<string, number> = {};
  for (const group of own)
    if (group.outcome === 'REJECTED') byRule[group.rejectRule ?? 'UNKNOWN'] = group.frames;
  const first = own.reduce<Date | null>((min, g) => (min && min <= g.first ? min : g.first), null);
  const last = own.reduce<Date | null>((max, g) => (max && max >= g.last ? max : g.last), null);
  return {
    relayed: count('RELAYED'),
    notDelivered: count('NOT_DELIVERED'),
    rejected: { ...count('REJECTED'), byRule },
    firstFrameAt: first?.toISOString() ?? null,
    lastFrameAt: last?.toISOString() ?? null,
    longestGap: gap
      ? { ms: gap.to.getTime() - gap.from.getTime(), from: gap.from.toISOString(), to: gap.to.toISOString() }
      : null,
  };
}
