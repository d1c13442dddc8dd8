// SPDX-License-Identifier: Apache-2.0
import type { BusMessage } from './message-bus';

/** Messages kept per channel at most while their echo is awaited (the oldest go first). */
const KEPT_PER_CHANNEL = 64;

interface Sent {
  readonly payload: Buffer;
  readonly message: BusMessage;
}

/**
 * What an instance published on channels it subscribes to itself, until the store sends each
 * message back (the bus delivers to every subscriber, the publisher included): the echo is known
 * by its bytes and handed over as the object that was published, not decoded again. A relay
 * instance hears every batch of frames it sends to another instance come back this way; decoding
 * them cost its event loop some 2 µs a frame, and garbage, for a message it drops.
 *
 * Only an exact match of the bytes counts, so what is delivered is the same whichever way: a
 * message that matches none (another instance's, or one forgotten) is decoded as usual. The
 * store sends a publisher's messages back in the order they were published, so when one comes
 * back, those published before it that did not (published while the subscription was being made
 * again, say) never will: they are forgotten with it.
 */
export class OwnEchoes {
  private readonly sent = new Map<string, Sent[]>();

  constructor(private readonly keptPerChannel = KEPT_PER_CHANNEL) {}

  /** `message`, encoded as `payload`, was published on `channel`, which this instance subscribes to. */
  published(channel: string, payload: Buffer, message: BusMessage): void {
    let queue = this.sent.get(channel);
    if (!queue) {
      queue = [];
      this.sent.set(channel, queue);
    }
    queue.push({ payload, message });
    if (queue.length > this.keptPerChannel) queue.shift();
  }

  /**
   * The message published here whose bytes `payload` are (`found` false when none is: decode
   * it). A match is forgotten, and so is everything published before it on that channel.
   */
  take(channel: string, payload: Buffer): { found: true; message: BusMessage } | { found: false } {
    const queue = this.sent.get(channel);
    if (!queue) return { found: false };
    const at = queue.findIndex(
      (sent) => sent.payload.length === payload.length && sent.payload.equals(payload),
    );
    if (at < 0) return { found: false };
    const { message } = queue[at];
    if (at === queue.length - 1) this.sent.delete(channel);
    else queue.splice(0, at + 1);
    return { found: true, message };
  }

  /** The channel's echoes will not come (unsubscribed), or none will (the connection was lost). */
  forget(channel?: string): void {
    if (channel === undefined) this.sent.clear();
    else this.sent.delete(channel);
  }
}
