// SPDX-License-Identifier: Apache-2.0
import type { PacketReplayClient, ReplayBatchMessage, ReplayItem } from '../../src/client/websocket-client';

/**
 * What one /ws/packets subscription received: every packet in order, whether it ended or went
 * live, and the error that ended it, if any.
 */
export class Received {
  readonly items: ReplayItem[] = [];
  readonly batchSizes: number[] = [];
  ended = false;
  live = false;
  error: { code: string; message: string } | undefined;

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
    client.on('error', (message: { id?: string; code: string; message: string }) => {
      if (message.id === id) this.error = message;
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

/**
 * Keeps a station sending (`sendChunk`, its chunk number, 20 frames each) while a playback-then-live
 * subscription (`got`) reads its history, hands over and goes live, until `afterLive` frames went
 * out live. `subscribed()` says the subscription was added; `sent` resolves with how many frames
 * went out while it played back (the hand-over is tested only if some did).
 */
export function sendThroughHandOver(
  got: Received,
  sendChunk: (chunk: number) => Promise<unknown>,
  afterLive: number,
): { subscribed: () => void; sent: Promise<number> } {
  let subscribed = false;
  const sent = (async () => {
    let live = 0;
    let duringPlayback = 0;
    for (let chunk = 0; live < afterLive; chunk++) {
      const wasPlayingBack = subscribed && !got.live;
      await sendChunk(chunk);
      if (got.live) live += 20;
      else if (wasPlayingBack) duringPlayback += 20;
    }
    return duringPlayback;
  })();
  return { subscribed: () => (subscribed = true), sent };
}
