// SPDX-License-Identifier: Apache-2.0
import type { LinkDirection } from '../orbit/doppler';

/**
 * The packet log's outcomes (PacketOutcome in relay/packet.entity.ts, which this module cannot
 * import: the relay imports it). Should the relay gain one, PacketLog's call here stops compiling.
 */
export type FrameOutcome = 'RELAYED' | 'NOT_DELIVERED' | 'REJECTED' | 'NON_SCHEDULED';

/** What the tally needs of a frame: the packet log's record, or a stored packet. */
export interface TalliedFrame {
  direction: LinkDirection;
  outcome: FrameOutcome;
  frameBytes: number;
  rejectRule: string | null;
}

export interface FrameCount {
  direction: LinkDirection;
  outcome: FrameOutcome;
  frames: number;
  bytes: number;
}

export interface RejectionCount {
  direction: LinkDirection;
  reason: string;
  frames: number;
}

const DIRECTIONS: readonly LinkDirection[] = ['UPLINK', 'DOWNLINK'];
const OUTCOMES: readonly FrameOutcome[] = ['RELAYED', 'NOT_DELIVERED', 'REJECTED', 'NON_SCHEDULED'];

type Cells = Record<LinkDirection, Record<FrameOutcome, { frames: number; bytes: number }>>;

/**
 * Frame counts since the last scrape, in plain numbers: the relay's hot path pays two additions
 * per frame, not a prom-client label lookup; the counters take the sums at scrape (`take`).
 */
export class FrameTally {
  private readonly cells: Cells = newCells();
  /** Refusals by direction, then reason: rare, so a Map per direction is cheap enough. */
  private readonly rejections: Record<LinkDirection, Map<string, number>> = {
    UPLINK: new Map(),
    DOWNLINK: new Map(),
  };

  /** Every combination the tally knows, so that a series exists (at 0) before its first frame. */
  static readonly combinations: readonly { direction: LinkDirection; outcome: FrameOutcome }[] =
    DIRECTIONS.flatMap((direction) => OUTCOMES.map((outcome) => ({ direction, outcome })));

  /** A frame whose direction or outcome is none of the known ones is not counted, and breaks nothing. */
  add(frame: TalliedFrame): void {
    // Typed, yet the packet log must survive a record with a bad value (it stores it repaired).
    const cell = this.cells[frame.direction]?.[frame.outcome] as
      { frames: number; bytes: number } | undefined;
    if (cell === undefined) return;
    cell.frames++;
    cell.bytes += frame.frameBytes;
    if (frame.rejectRule !== null) this.refuse(frame.direction, frame.rejectRule);
  }

  /** A frame refused before the packet log took it (so `add` never sees it). */
  refuse(direction: LinkDirection, reason: string): void {
    const byReason = this.rejections[direction];
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }

  /** The frame counts since the last call (non-zero only), and starts again from zero. */
  takeFrames(): FrameCount[] {
    const counts: FrameCount[] = [];
    for (const { direction, outcome } of FrameTally.combinations) {
      const cell = this.cells[direction][outcome];
      if (cell.frames === 0) continue;
      counts.push({ direction, outcome, frames: cell.frames, bytes: cell.bytes });
      cell.frames = cell.bytes = 0;
    }
    return counts;
  }

  /** The refusals since the last call, and starts again from zero. */
  takeRejections(): RejectionCount[] {
    const counts: RejectionCount[] = [];
    for (const direction of DIRECTIONS) {
      for (const [reason, frames] of this.rejections[direction]) counts.push({ direction, reason, frames });
      this.rejections[direction].clear();
    }
    return counts;
  }
}

function newCells(): Cells {
  const row = () =>
    Object.fromEntries(OUTCOMES.map((outcome) => [outcome, { frames: 0, bytes: 0 }])) as Cells[LinkDirection];
  return { UPLINK: row(), DOWNLINK: row() };
}
