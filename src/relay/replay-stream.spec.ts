// SPDX-License-Identifier: Apache-2.0
import type { FeedListener } from './packet-feed';
import { Packet } from './packet.entity';
import type { PacketQuery } from './packets.repository';
import { REPLAY_PAGE, type ReplayPacket, type ReplaySink, ReplayStream } from './replay-stream';

const SPACECRAFT = 'sc-1';
const T0 = Date.parse('2026-12-02T12:00:00Z');

/**
 * An archive in memory: `commit` makes packets visible to page reads at once, `announce` hands
 * them to the feed later, as the packet log does a few microtasks after its commit.
 */
class Archive {
  private readonly rows: Packet[] = [];
  private readonly listeners = new Set<FeedListener>();
  private nextId = 1;

  /** Called once after the next page read (what commits while the stream reads). */
  afterRead: (() => void) | undefined;

  commit(count: number): Packet[] {
    const packets = Array.from({ length: count }, () => this.reserve());
    this.rows.push(...packets);
    return packets;
  }

  /** A packet whose id and time are taken and whose commit is still under way (on another instance). */
  reserve(): Packet {
    const id = this.nextId++;
    return Object.assign(new Packet(), {
      id,
      spacecraftId: SPACECRAFT,
      serverReceivedAt: new Date(T0 + id),
      direction: 'downlink',
      outcome: 'RELAYED',
    });
  }

  /** Commits a reserved packet: visible to the reads from now on. */
  land(packet: Packet): void {
    this.rows.push(packet);
  }

  announce(packets: Packet[]): void {
    for (const listener of this.listeners) listener.packets(packets);
  }

  lose(): void {
    for (const listener of this.listeners) listener.lost();
  }

  readonly source = {
    page: (query: PacketQuery): Promise<ReplayPacket[]> => {
      const after = query.after;
      const afterRead = this.afterRead;
      this.afterRead = undefined;
      queueMicrotask(() => afterRead?.());
      return Promise.resolve(
        this.rows
          .filter((row) => row.serverReceivedAt >= (query.from as Date))
          .filter((row) => !after || row.id > after.id)
          .slice(0, query.limit),
      );
    },
    subscribe: (_spacecraftId: string, listener: FeedListener) => {
      this.listeners.add(listener);
      return Promise.resolve(() => void this.listeners.delete(listener));
    },
    now: () => new Date(T0),
    prepare: () => Promise.resolve(),
  };
}

function sink(): ReplaySink & { ids: number[]; isLive: boolean; wasInterrupted: boolean } {
  const received = {
    ids: [] as number[],
    isLive: false,
    wasInterrupted: false,
    open: true,
    batch: (packets: readonly ReplayPacket[]) => received.ids.push(...packets.map(({ id }) => id)),
    end: () => undefined,
    live: () => (received.isLive = true),
    behind: () => undefined,
    interrupted: () => (received.wasInterrupted = true),
    failed: (error: unknown) => {
      throw error;
    },
    writable: () => undefined,
  };
  return received;
}

/** Lets the stream's live pump (one setImmediate away) run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ReplayStream hand-over from playback to live', () => {
  it('sends once a packet the last page read before the feed announced it', async () => {
    const archive = new Archive();
    archive.announce(archive.commit(REPLAY_PAGE + 10));
    const lateAnnounced = archive.commit(20); // committed, visible to reads, not yet on the feed
    const received = sink();

    await new ReplayStream({ spacecraftId: SPACECRAFT, from: new Date(T0) }, archive.source, received).run();
    expect(received.isLive).toBe(true);
    archive.announce(lateAnnounced);
    archive.announce(archive.commit(5));
    await nextTurn();

    expect(received.ids).toEqual(Array.from({ length: REPLAY_PAGE + 35 }, (_, i) => i + 1));
  });

  it('sends once what the feed announced while the history was read', async () => {
    const archive = new Archive();
    archive.announce(archive.commit(REPLAY_PAGE * 2 + 1));
    const received = sink();
    const stream = new ReplayStream(
      { spacecraftId: SPACECRAFT, from: new Date(T0) },
      archive.source,
      received,
    );

    const running = stream.run();
    archive.announce(archive.commit(30)); // during playback: read by a page and held from the feed
    await running;
    archive.announce(archive.commit(3));
    await nextTurn();

    expect(received.ids).toEqual(Array.from({ length: REPLAY_PAGE * 2 + 34 }, (_, i) => i + 1));
  });
  it('sends a packet committed after the read though its position is before the last one played (another instance)', async () => {
    const archive = new Archive();
    // Its id and time were taken on another instance before these, its commit came after the read.
    const late = archive.reserve();
    archive.announce(archive.commit(10));
    archive.afterRead = () => {
      archive.land(late);
      archive.announce([late]);
    };
    const received = sink();

    await new ReplayStream({ spacecraftId: SPACECRAFT, from: new Date(T0) }, archive.source, received).run();
    await nextTurn();

    expect(received.ids).toEqual([...Array.from({ length: 10 }, (_, i) => i + 2), late.id]);
  });

  it('stops and says so when the feed may have lost packets of other instances', async () => {
    const archive = new Archive();
    const received = sink();
    await new ReplayStream({ spacecraftId: SPACECRAFT }, archive.source, received).run();
    archive.lose();
    archive.announce(archive.commit(3));
    await nextTurn();

    expect(received.wasInterrupted).toBe(true);
    expect(received.ids).toEqual([]);
  });
});
