// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/errors';
import type { LinkDirection } from '../orbit/doppler';
import { PacketLog } from './packet-log';
import type { Packet } from './packet.entity';
import type { MissionPeer, RelayPeer } from './relay-port';
import { type PacketRecord, PacketsRepository } from './packets.repository';

/** Rows per database read of a resume. */
const READ_PAGE = 500;
/** A resume sends this many frame bytes, then waits for the client to read them (see catchUp). */
const RESUME_CHUNK_BYTES = 16 * 1024;

/**
 * Per-slot, per-direction sequence numbers and the resume of a receiver that reconnects within
 * its slot (DESIGN §4 "Packets", docs/protocol.md §14). Numbered: the frames a receiver gets or
 * would have got, RELAYED and NOT_DELIVERED; a REJECTED frame has none (it never travels).
 */

/** Outcomes that carry a sequence number: what the resume sends again. */
export const NUMBERED_OUTCOMES = ['RELAYED', 'NOT_DELIVERED'] as const;

export type Sequences = Record<LinkDirection, number>;

/** Where a receiver resumes: the last sequence number it got of a slot and direction. */
export interface ResumePoint {
  slotId: string;
  direction: LinkDirection;
  lastSeq: number;
}

/** A numbered frame as the packet log has it (committed or still queued). */
export type NumberedFrame = PacketRecord & { sequence: number };

/** The packet log as the resume reads it: what is committed plus what is still queued. */
@Injectable()
export class SequenceLog {
  private readonly logger = new Logger(SequenceLog.name);

  constructor(
    private readonly log: PacketLog,
    private readonly packets: PacketsRepository,
  ) {}

  /**
   * The last sequence number per direction of a slot, so that numbering continues where the log
   * stops (after a restart, or when a slot's relay opens again). The queue is read first: a frame
   * committed meanwhile is then in the database read.
   */
  async last(slotId: string): Promise<Sequences> {
    const queued = { DOWNLINK: 0, UPLINK: 0 };
    for (const direction of ['DOWNLINK', 'UPLINK'] as const)
      for (const record of this.log.unwritten(slotId, direction)) {
        queued[direction] = Math.max(queued[direction], record.sequence ?? 0);
      }
    const stored = await this.packets.lastSequences(slotId);
    return {
      DOWNLINK: Math.max(queued.DOWNLINK, stored.DOWNLINK),
      UPLINK: Math.max(queued.UPLINK, stored.UPLINK),
    };
  }

  /**
   * Starts reading the frames after `from.lastSeq`, in sequence order, each once. Call it in the
   * same turn of the event loop as the receiver starts to be held (HeldDelivery): the queue is
   * read now, the database next, so a frame is either among these or reaches the receiver live.
   */
  missed(from: ResumePoint): Promise<NumberedFrame[]> {
    const queued = this.log.unwritten(from.slotId, from.direction, from.lastSeq);
    return this.stored(from).then((stored) => {
      // A frame committed while it was read may be in both: each sequence number once.
      const bySequence = new Map<number, NumberedFrame>();
      for (const frame of [...stored, ...queued])
        if (frame.sequence !== null) bySequence.set(frame.sequence, frame as NumberedFrame);
      return [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
    });
  }

  /**
   * Sends a resuming receiver the frames after its last sequence number from the packet log, in
   * order, a chunk at a time as it reads them, then releases what was held meanwhile. Called in
   * the turn the receiver starts to be held: missed() reads the queue at once.
   */
  async catchUp(
    point: ResumePoint,
    held: HeldDelivery,
    reader: { writable(): Promise<void> | undefined },
    send: (frame: NumberedFrame) => void,
  ): Promise<void> {
    const missed = await this.missed(point);
    let sent = point.lastSeq;
    let bytes = 0;
    for (const frame of missed) {
      send(frame);
      sent = frame.sequence;
      bytes += frame.frameBytes;
      if (bytes < RESUME_CHUNK_BYTES) continue;
      bytes = 0;
      // A turn for everyone else, and no more than the client reads: it must not be dropped as
      // a client that stopped reading because the server sent it a burst.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await reader.writable();
    }
    held.release(sent);
    this.logger.log(
      { slotId: point.slotId, direction: point.direction, from: point.lastSeq, sent },
      'resumed',
    );
  }

  /** Every committed numbered frame after `from.lastSeq`, a page at a time. */
  private async stored(from: ResumePoint): Promise<PacketRecord[]> {
    const frames: Packet[] = [];
    for (;;) {
      const last = frames.at(-1);
      const page = await this.packets.page({
        slotId: from.slotId,
        direction: from.direction,
        outcomes: NUMBERED_OUTCOMES,
        sequenceAfter: from.lastSeq,
        after: last && { time: last.serverReceivedAt, id: last.id },
        limit: READ_PAGE,
      });
      frames.push(...page);
      if (page.length < READ_PAGE) return frames;
    }
  }
}

/**
 * Checks a resume point against the last sequence number of its slot and direction and the
 * window (docs/protocol.md §14.3): INVALID_LAST_SEQ, RESUME_WINDOW_EXCEEDED.
 */
export function checkResume(point: ResumePoint, last: number, maxFrames: number): void {
  const { lastSeq, slotId, direction } = point;
  const what = `the ${direction.toLowerCase()} of slot ${slotId}`;
  if (lastSeq > last)
    throw new DomainError(
      'VALIDATION',
      'INVALID_LAST_SEQ',
      `lastSeq ${lastSeq} is beyond the last sequence number of ${what} (${last})`,
      { lastSeq, last },
    );
  if (last - lastSeq > maxFrames)
    throw new DomainError(
      'STATE',
      'RESUME_WINDOW_EXCEEDED',
      `${last - lastSeq} frames of ${what} came after lastSeq ${lastSeq}, more than the ${maxFrames} a resume sends: ` +
        'read them from the packet history, then resume from a later lastSeq (or start without one)',
      { lastSeq, last, maxFrames },
    );
}

/** Whether a resume parameter is a usable sequence number (0 = from the slot's first frame). */
export function isSequence(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** One delivery to a receiver; `seq` set for a frame of the slot being resumed. */
interface HeldItem {
  slotId: string;
  seq: number | undefined;
  send: () => void;
}

/**
 * A receiver catching up: live deliveries wait here while the missed frames are sent, then go
 * out in order, those the catch-up already sent dropped (by sequence number): no gap, no
 * duplicate at the hand-over.
 */
export class HeldDelivery {
  private held: HeldItem[] | undefined = [];

  constructor(private readonly point: ResumePoint) {}

  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Sends at once, or holds while catching up. */
  deliver(slotId: string, seq: number | undefined, send: () => void): void {
    if (this.held) this.held.push({ slotId, seq, send });
    else send();
  }

  /** Sends what was held, skipping frames of the resumed slot up to `sentUpTo`, and stops holding. */
  release(sentUpTo: number): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const item of held) {
      const repeat = item.slotId === this.point.slotId && item.seq !== undefined && item.seq <= sentUpTo;
      if (!repeat) item.send();
    }
  }
}

/** A TLS client's stand-in while it resumes: frames and events wait in `held`. */
export function heldPeer(peer: RelayPeer, held: HeldDelivery, slotId: string): RelayPeer {
  return {
    connectionId: peer.connectionId,
    notifyMsg: (data, dopplerShiftHz, gsTimestamp, seq) =>
      held.deliver(slotId, seq, () => peer.notifyMsg(data, dopplerShiftHz, gsTimestamp, seq)),
    notifyEvent: (eventId, reason) =>
      held.deliver(slotId, undefined, () => peer.notifyEvent(eventId, reason)),
    writable: () => peer.writable(),
    close: (reason) => peer.close(reason),
  };
}

/** A mission WebSocket session's stand-in while it resumes. */
export function heldMissionPeer(peer: MissionPeer, held: HeldDelivery): MissionPeer {
  return {
    connectionId: peer.connectionId,
    downlink: (frame) => held.deliver(frame.slotId, frame.seq, () => peer.downlink(frame)),
    event: (event) => held.deliver(event.slotId, undefined, () => peer.event(event)),
    writable: () => peer.writable(),
    close: (reason, retry) => peer.close(reason, retry),
  };
}

/** A numbered frame always has its ground-station time (only timestamp refusals lack one). */
function isoTime(time: Date | null): string {
  return (time ?? new Date(0)).toISOString();
}

/** How a TLS client gets a missed frame: as the live one, a notifyMsg with its sequence number. */
export function missedNotification(peer: RelayPeer): (frame: NumberedFrame) => void {
  return (frame) =>
    peer.notifyMsg(frame.data, frame.dopplerShiftHz ?? 0, isoTime(frame.gsTimestamp), frame.sequence);
}

/** How a mission WebSocket session gets a missed downlink: as the live one. */
export function missedDownlink(
  peer: MissionPeer,
  point: ResumePoint & { groundStation: string },
): (frame: NumberedFrame) => void {
  return (frame) =>
    peer.downlink({
      data: frame.data,
      slotId: point.slotId,
      groundStation: point.groundStation,
      dopplerShiftHz: frame.dopplerShiftHz ?? 0,
      gsTimestamp: isoTime(frame.gsTimestamp),
      serverTime: frame.serverReceivedAt.toISOString(),
      seq: frame.sequence,
    });
}
