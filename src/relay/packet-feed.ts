// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import type { FeedPacket } from './packet-feed-messages';

export type { FeedPacket } from './packet-feed-messages';

/** A reader of one spacecraft's committed packets (a replay stream). */
export interface FeedListener {
  /** Packets of its spacecraft, each instance's in its commit order. */
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
   * This instance starts listening to the spacecraft: resolves true once every other instance
   * sends it the spacecraft's packets it commits; false when that could not be arranged.
   */
  listen(spacecraftId: string): Promise<boolean>;
  /** Its last local listener of the spacecraft is gone. */
  unlisten(spacecraftId: string): void;
  /** Whether another instance listens to the spacecraft. */
  wanted(spacecraftId: string): boolean;
  /** Whether another instance listens to any spacecraft. */
  readonly wantedAnywhere: boolean;
  /** Packets committed here, for the other instances that listen to their spacecraft. */
  send(spacecraftId: string, packets: readonly FeedPacket[]): void;
}

interface Listening {
  readonly listeners: Set<FeedListener>;
  /** ready: every instance sends this one the spacecraft's packets. */
  readonly ready: Promise<boolean>;
}

/**
 * Packets as they are committed to the archive, with their ids, by spacecraft: how a reader of
 * the archive (a replay stream) follows what arrives after its history, with no gap and no
 * duplicate at the hand-over (the ids tell). Whoever commits packets publishes them here; with
 * several instances, the packets committed on the others arrive here too (RemoteFeed), for the
 * spacecraft this instance listens to, and only those: nothing crosses the bus for a spacecraft
 * nobody follows.
 */
@Injectable()
export class PacketFeed {
  private readonly logger = new Logger(PacketFeed.name);
  private readonly listening = new Map<string, Listening>();
  private remote: RemoteFeed | undefined;

  /** With several instances: where packets for, and interest from, the other instances go. */
  connect(remote: RemoteFeed): void {
    this.remote = remote;
  }

  /**
   * Listens to the spacecraft's packets committed from now on, here and (once this resolves) on
   * every other instance. Returns the unsubscribe function.
   */
  async subscribe(spacecraftId: string, listener: FeedListener): Promise<() => void> {
    let listening = this.listening.get(spacecraftId);
    if (!listening) {
      const ready = this.remote?.listen(spacecraftId) ?? Promise.resolve(true);
      listening = { listeners: new Set(), ready };
      this.listening.set(spacecraftId, listening);
    }
    const joined = listening;
    joined.listeners.add(listener);
    const unsubscribe = (): void => {
      if (!joined.listeners.delete(listener) || joined.listeners.size > 0) return;
      if (this.listening.get(spacecraftId) !== joined) return;
      this.listening.delete(spacecraftId);
      this.remote?.unlisten(spacecraftId);
    };
    if (!(await joined.ready)) {
      // Not every instance sends here: the next subscriber tries again.
      if (this.listening.get(spacecraftId) === joined) this.listening.delete(spacecraftId);
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
    const bySpacecraft = new Map<string, FeedPacket[]>();
    for (const packet of packets) {
      if (packet.spacecraftId === null) continue; // nobody can subscribe to an unattributed frame
      const group = bySpacecraft.get(packet.spacecraftId);
      if (group) group.push(packet);
      else bySpacecraft.set(packet.spacecraftId, [packet]);
    }
    for (const [spacecraftId, group] of bySpacecraft) {
      this.deliver(spacecraftId, group);
      if (this.remote?.wanted(spacecraftId)) this.remote.send(spacecraftId, group);
    }
  }

  /** Packets another instance committed. */
  deliver(spacecraftId: string, packets: readonly FeedPacket[]): void {
    const listening = this.listening.get(spacecraftId);
    if (listening) for (const listener of listening.listeners) this.tell(listener, (l) => l.packets(packets));
  }

  /** Packets of other instances may have been missed: for one spacecraft, or for all. */
  lost(spacecraftId?: string): void {
    const affected =
      spacecraftId === undefined ? [...this.listening.values()] : [this.listening.get(spacecraftId)];
    for (const listening of affected)
      for (const listener of [...(listening?.listeners ?? [])]) this.tell(listener, (l) => l.lost());
  }

  /** The spacecraft this instance listens to. */
  get spacecraft(): string[] {
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
