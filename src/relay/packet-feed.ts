// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import { type FeedPacket, type FeedTopic, topicsOf } from './packet-feed-messages';

export type { FeedPacket, FeedTopic } from './packet-feed-messages';

/** A reader of one topic's committed packets (a replay stream of a spacecraft or a station). */
export interface FeedListener {
  /** Packets of its topic, each instance's in its commit order. */
  packets(packets: readonly FeedPacket[]): void;
  /**
   * Packets committed on other instances may have been missed (the instances lost each other,
   * docs/protocol.md §17): the listener cannot go on without a gap. Called at most once.
   */
  lost(): void;
}

/**
 * The other instances' side of the feed (ClusterPacketFeed, over the message bus); absent with
 * one instance.
 */
export interface RemoteFeed {
  /**
   * This instance starts listening to the topic: resolves true once every other instance sends
   * it the topic's packets it commits; false when that could not be arranged.
   */
  listen(topic: FeedTopic): Promise<boolean>;
  /** Its last local listener of the topic is gone. */
  unlisten(topic: FeedTopic): void;
  /** Whether another instance listens to the topic. */
  wanted(topic: FeedTopic): boolean;
  /** Whether another instance listens to any topic. */
  readonly wantedAnywhere: boolean;
  /** Packets committed here, for the other instances that listen to their topic. */
  send(topic: FeedTopic, packets: readonly FeedPacket[]): void;
}

interface Listening {
  readonly listeners: Set<FeedListener>;
  /** ready: every instance sends this one the topic's packets. */
  readonly ready: Promise<boolean>;
}

/**
 * Packets as they are committed to the archive, with their ids, by topic (their spacecraft, their
 * station): how a reader of the archive (a replay stream) follows what arrives after its history,
 * with no gap and no duplicate at the hand-over (the ids tell). Whoever commits packets publishes
 * them here; with several instances, the packets committed on the others arrive here too
 * (RemoteFeed), for the topics this instance listens to, and only those: nothing crosses the bus
 * for a topic nobody follows.
 */
@Injectable()
export class PacketFeed {
  private readonly logger = new Logger(PacketFeed.name);
  private readonly listening = new Map<FeedTopic, Listening>();
  private remote: RemoteFeed | undefined;

  /** With several instances: where packets for, and interest from, the other instances go. */
  connect(remote: RemoteFeed): void {
    this.remote = remote;
  }

  /**
   * Listens to the topic's packets committed from now on, here and (once this resolves) on every
   * other instance. Returns the unsubscribe function.
   */
  async subscribe(topic: FeedTopic, listener: FeedListener): Promise<() => void> {
    let listening = this.listening.get(topic);
    if (!listening) {
      const ready = this.remote?.listen(topic) ?? Promise.resolve(true);
      listening = { listeners: new Set(), ready };
      this.listening.set(topic, listening);
    }
    const joined = listening;
    joined.listeners.add(listener);
    const unsubscribe = (): void => {
      if (!joined.listeners.delete(listener) || joined.listeners.size > 0) return;
      if (this.listening.get(topic) !== joined) return;
      this.listening.delete(topic);
      this.remote?.unlisten(topic);
    };
    if (!(await joined.ready)) {
      // Not every instance sends here: the next subscriber tries again.
      if (this.listening.get(topic) === joined) this.listening.delete(topic);
      this.tell(listener, (l) => l.lost());
    }
    return unsubscribe;
  }

  /** Whether publishing would reach anyone: the packet log builds nothing otherwise. */
  get wanted(): boolean {
    return this.listening.size > 0 || this.remote?.wantedAnywhere === true;
  }

  /** Packets committed here, called after the commit: to listeners here and on other instances. */
  publish(packets: readonly FeedPacket[]): void {
    if (packets.length === 0 || !this.wanted) return;
    const byTopic = new Map<FeedTopic, FeedPacket[]>();
    for (const packet of packets)
      for (const topic of topicsOf(packet)) {
        const group = byTopic.get(topic);
        if (group) group.push(packet);
        else byTopic.set(topic, [packet]);
      }
    for (const [topic, group] of byTopic) {
      this.deliver(topic, group);
      if (this.remote?.wanted(topic)) this.remote.send(topic, group);
    }
  }

  /** Packets another instance committed. */
  deliver(topic: FeedTopic, packets: readonly FeedPacket[]): void {
    const listening = this.listening.get(topic);
    if (listening) for (const listener of listening.listeners) this.tell(listener, (l) => l.packets(packets));
  }

  /** Packets of other instances may have been missed: for one topic, or for all. */
  lost(topic?: FeedTopic): void {
    const affected = topic === undefined ? [...this.listening.values()] : [this.listening.get(topic)];
    for (const listening of affected)
      for (const listener of [...(listening?.listeners ?? [])]) this.tell(listener, (l) => l.lost());
  }

  /** The topics this instance listens to. */
  get topics(): FeedTopic[] {
    return [...this.listening.keys()];
  }

  /** A failing listener is logged and does not stop the others. */
  private tell(listener: FeedListener, call: (listener: FeedListener) => void): void {
    try {
      call(listener);
    } catch (error) {
      this.logger.error({ err: error }, 'a packet feed listener failed');
    }
  }
}
