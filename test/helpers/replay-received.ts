// SPDX-License-Identifier: Apache-2.0
import type { PacketReplayClient, ReplayBatchMessage, ReplayItem } from '../../src/client/websocket-client';

/** What one /ws/packets subscription received: every packet in order, and whether it ended or went live. */
export class Received {
  readonly items: ReplayItem[] = [];
  readonly batchSizes: number[] = [];
  ended = false;
  live = false;

  constructor(client: PacketReplayClient, id: string) {
    client.on('batch', (message: ReplayBatchMessage) => {
      if (message.id !== id) return;
      this.batchSizes.push(message.packets.length);
      if (message.packets.length === 0) this.ended = true;
      this.items.push(...message.packets);
    });
    client.on('live', (message: { id: string }) => {
      if (message.id === id) this.live = true;
    });
  }

  get ids(): number[] {
    return this.items.map((item) => item.id);
  }
}

/** Resolves once `condition` holds (checked on every turn of the event loop; no fixed sleep). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 20_000,
): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
