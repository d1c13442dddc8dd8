// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import type { Packet } from './packet.entity';

export type PacketListener = (packets: readonly Packet[]) => void;

/**
 * Packets as they are committed to the archive, with their ids, in commit order: how a reader of
 * the archive (a replay stream) follows what arrives after its history, with no gap and no
 * duplicate at the hand-over (the ids tell). Whoever commits packets publishes them here.
 */
@Injectable()
export class PacketFeed {
  private readonly logger = new Logger(PacketFeed.name);
  private readonly listeners = new Set<PacketListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: PacketListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after the commit. A failing listener is logged and does not stop the others. */
  publish(packets: readonly Packet[]): void {
    if (packets.length === 0) return;
    for (const listener of this.listeners)
      try {
        listener(packets);
      } catch (error) {
        this.logger.error({ err: error }, 'a packet feed listener failed');
      }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
