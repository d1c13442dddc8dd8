// SPDX-License-Identifier: Apache-2.0
import type { FeedListener, FeedPacket, FeedTopic } from './packet-feed';
import type { REPLAY_FIELDS } from './packet-feed-messages';
import type { Packet, PacketOutcome } from './packet.entity';
import type { PacketFields, PacketPosition, PacketQuery } from './packets.repository';

/** Packets per batch handed to the reader (COSMOS's streaming API batches up to 100). */
export const REPLAY_BATCH = 100;
/** Rows read from the archive per query: one page is all the history a stream holds in memory. */
export const REPLAY_PAGE = 500;
/**
 * Live packets a stream holds while it is still reading history (the hand-over) or while its
 * reader has not taken them yet. Beyond that, during playback the held packets are dropped and
 * read again from the archive (they are committed); live, the reader is too far behind.
 */
export const REPLAY_MAX_PENDING = 10_000;
/**
 * How much earlier than its subscription a packet the feed brings may have been received: the
 * packet log's delay, and with several instances the bus's and the instances' clock difference.
 * Packets played back from that time on are remembered, so that the feed does not send them again.
 */
export const HANDOVER_MARGIN_MS = 60_000;

// What a replayed packet carries: the archive reads only these columns (packet-feed-messages.ts).
export { REPLAY_FIELDS } from './packet-feed-messages';

export type ReplayPacket = PacketFields<(typeof REPLAY_FIELDS)[number]>;

/**
 * Whose packets a subscription reads (docs/protocol.md §16.2): a spacecraft's, or those a ground
 * station carried (any spacecraft's, through it), never both.
 */
export type ReplayOwner =
  { spacecraftId: string; stationId?: never } | { stationId: string; spacecraftId?: never };

/** What one subscription asks for (docs/protocol.md §16.2). */
export type ReplayRequest = ReplayOwner & ReplayFilters;

export interface ReplayFilters {
  /** Only this slot's packets (a slot of the owner: checked before the stream is made). */
  slotId?: string;
  direction?: Packet['direction'];
  outcomes?: readonly PacketOutcome[];
  /** serverReceivedAt at or after; absent: live only. */
  from?: Date;
  /** serverReceivedAt before; with `from`: history only, then the end marker. */
  to?: Date;
}

/** Where a stream reads: the archive in (serverReceivedAt, id) order and the committed-packet feed. */
export interface ReplaySource {
  page(query: PacketQuery): Promise<ReplayPacket[]>;
  /** The feed of a spacecraft's or station's packets, here and on every instance once it resolves. */
  subscribe(topic: FeedTopic, listener: FeedListener): Promise<() => void>;
  /** The server's time (the packets' serverReceivedAt clock). */
  now(): Date;
  /** Loads what delivering `packets` needs (their stations' identifiers) before they are sent. */
  prepare(packets: readonly ReplayPacket[]): Promise<void>;
}

/** Where a stream delivers; the transport's side (a WebSocket subscription). */
export interface ReplaySink {
  /** At most REPLAY_BATCH packets, in order. */
  batch(packets: readonly ReplayPacket[]): void;
  /** History-only: everything was sent. */
  end(): void;
  /** The history is delivered; from now on packets come as they are committed. */
  live(): void;
  /** Live packets came faster than the reader took them (more than REPLAY_MAX_PENDING). */
  behind(): void;
  /** Packets committed on other instances may have been missed (docs/protocol.md §17); stopped. */
  interrupted(): void;
  /** Live delivery failed (the stream has stopped). */
  failed(error: unknown): void;
  /** Undefined while the reader keeps up; else resolves once it caught up (or went away). */
  writable(): Promise<void> | undefined;
  readonly open: boolean;
}

type Phase = 'history' | 'live' | 'stopped';

/**
 * One replay subscription with COSMOS semantics: no `from`, live only; `from` without `to`,
 * playback then live; both, history then the end marker.
 *
 * The hand-over has no gap and no duplicate: the stream subscribes to the feed before it reads
 * the archive, holds what the feed brings while it reads (bounded: if too much comes, it drops
 * it and reads on, since all of it is committed), and once a page comes back short it delivers
 * the held packets it did not play back, in archive order. Whether the archive had a packet is told
 * by its id, not by its position: a packet committed on another instance, or by another writer,
 * may come after packets with a later position (its id is taken before its commit, its time on
 * another clock), and a commit is visible to the archive before its packets reach the feed (a
 * few microtasks here, the bus's delay from elsewhere), also after the hand-over. So the ids of
 * the packets played back that the feed may bring (received from HANDOVER_MARGIN_MS before the
 * subscription on) are kept, and the feed's packets among them are not sent again.
 * Playback sends a batch only when the reader has taken the earlier ones (`writable`), and reads
 * one page ahead: a reader that does not read pauses it, and the stream holds at most two pages
 * of history.
 */
export class ReplayStream {
  private phase: Phase = 'history';
  private last: PacketPosition | undefined;
  private pending: ReplayPacket[] = [];
  /** Ids of packets played back that the feed may announce too (see HANDOVER_MARGIN_MS). */
  private readonly played = new Set<number>();
  /** serverReceivedAt (ms) from which played packets are remembered; none without the feed. */
  private rememberFromMs = Infinity;
  private overflowed = false;
  private pumping = false;
  private unsubscribe: (() => void) | undefined;
  /** Figures for tests and logs: archive queries made, packets delivered, waits for the reader. */
  readonly stats = { pagesRead: 0, packetsSent: 0, waitingForReader: false };

  constructor(
    private readonly request: ReplayRequest,
    private readonly source: ReplaySource,
    private readonly sink: ReplaySink,
  ) {}

  /** Runs the playback (if any) and starts live delivery; resolves once live or ended. */
  async run(): Promise<void> {
    const { from, to } = this.request;
    if (to === undefined) {
      this.rememberFromMs = this.source.now().getTime() - HANDOVER_MARGIN_MS;
      const unsubscribe = await this.source.subscribe(topicOf(this.request), this.listener);
      if (this.phase === 'stopped') {
        unsubscribe();
        return;
      }
      this.unsubscribe = unsubscribe;
    }
    if (from !== undefined) {
      do {
        this.overflowed = false;
        this.pending = [];
        if (!(await this.playback())) return;
      } while (this.overflowed);
    }
    if (to !== undefined) {
      this.stop();
      this.sink.end();
      return;
    }
    this.pending = this.pending.filter((packet) => !this.played.has(packet.id)).sort(byPosition);
    this.phase = 'live';
    this.sink.live();
    this.pump();
  }

  stop(): void {
    this.phase = 'stopped';
    this.pending = [];
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Reads the archive after the last delivered position until a short page; false if stopped. */
  private async playback(): Promise<boolean> {
    const { spacecraftId, stationId, slotId, direction, outcomes, from, to } = this.request;
    const read = (after: PacketPosition | undefined) =>
      this.source.page({
        spacecraftId,
        stationId,
        slotId,
        direction,
        outcomes,
        from,
        to,
        after,
        limit: REPLAY_PAGE,
      });
    let next = read(this.last);
    for (;;) {
      const page = await next;
      this.stats.pagesRead += 1;
      const full = page.length === REPLAY_PAGE;
      const last = page.length > 0 ? positionOf(page[page.length - 1]) : this.last;
      if (full) {
        // The next page is read while this one is sent (on MySQL the database works meanwhile):
        // two pages held at most. Its failure is seen when it is awaited, not as unhandled.
        next = read(last);
        next.catch(() => undefined);
      }
      await this.source.prepare(page);
      for (const packet of page)
        if (packet.serverReceivedAt.getTime() >= this.rememberFromMs) this.played.add(packet.id);
      for (let start = 0; start < page.length; start += REPLAY_BATCH) {
        if (!(await this.readerReady())) return false;
        this.deliver(page.slice(start, start + REPLAY_BATCH));
      }
      if (this.phase === 'stopped' || !this.sink.open) return false;
      this.last = last;
      if (!full) return true;
    }
  }

  private async readerReady(): Promise<boolean> {
    const waiting = this.sink.writable();
    if (waiting) {
      this.stats.waitingForReader = true;
      await waiting;
      this.stats.waitingForReader = false;
    }
    return this.phase !== 'stopped' && this.sink.open;
  }

  private deliver(packets: readonly ReplayPacket[]): void {
    if (packets.length === 0) return;
    this.stats.packetsSent += packets.length;
    this.sink.batch(packets);
  }

  /** The feed's listener: runs inside the packet log's commit, so it only filters and queues. */
  private readonly listener: FeedListener = {
    packets: (packets) => this.received(packets),
    lost: () => {
      if (this.phase === 'stopped') return;
      this.stop();
      this.sink.interrupted();
    },
  };

  private received(packets: readonly FeedPacket[]): void {
    if (this.phase === 'stopped' || this.overflowed) return;
    for (const packet of packets)
      if (this.matches(packet) && !this.played.has(packet.id)) this.pending.push(packet);
    if (this.pending.length <= REPLAY_MAX_PENDING) {
      if (this.phase === 'live' && this.pending.length > 0) this.pump();
      return;
    }
    this.pending = [];
    if (this.phase === 'history')
      this.overflowed = true; // read again from the archive
    else {
      this.stop();
      this.sink.behind();
    }
  }

  private matches(packet: FeedPacket): boolean {
    const { spacecraftId, stationId, slotId, direction, outcomes, from } = this.request;
    return (
      (spacecraftId === undefined || packet.spacecraftId === spacecraftId) &&
      (stationId === undefined || packet.stationId === stationId) &&
      (slotId === undefined || packet.slotId === slotId) &&
      (direction === undefined || packet.direction === direction) &&
      (outcomes === undefined || outcomes.includes(packet.outcome)) &&
      (from === undefined || packet.serverReceivedAt >= from)
    );
  }

  /**
   * Live: sends what is pending in batches, from the next turn of the event loop (the packet
   * log's commit does not wait for the serialization), one pump at a time so order is kept.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.sendPending().then(
      () => (this.pumping = false),
      (error: unknown) => {
        this.pumping = false;
        this.stop();
        this.sink.failed(error);
      },
    );
  }

  private async sendPending(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.phase === 'live' && this.pending.length > 0 && this.sink.open) {
      const pending = this.pending;
      this.pending = [];
      await this.source.prepare(pending);
      for (
        let start = 0;
        start < pending.length && this.phase === 'live' && this.sink.open;
        start += REPLAY_BATCH
      )
        this.deliver(pending.slice(start, start + REPLAY_BATCH));
    }
  }
}

function positionOf(packet: ReplayPacket): PacketPosition {
  return { time: packet.serverReceivedAt, id: packet.id };
}

/** The archive's order: serverReceivedAt, then id. */
function byPosition(a: ReplayPacket, b: ReplayPacket): number {
  return a.serverReceivedAt.getTime() - b.serverReceivedAt.getTime() || a.id - b.id;
}

/** The feed a request follows: its spacecraft's packets, or its station's. */
function topicOf({ spacecraftId, stationId }: ReplayRequest): FeedTopic {
  if (spacecraftId !== undefined) return `spacecraft:${spacecraftId}`;
  if (stationId !== undefined) return `station:${stationId}`;
  throw new Error('a replay request names a spacecraft or a station');
}
