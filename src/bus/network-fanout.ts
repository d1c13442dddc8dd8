// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import { type BusMessage, MessageBus } from './message-bus';

/** Sends a notice to the listeners of its channel on every instance. Never throws. */
export type FanoutSend<T extends BusMessage> = (message: T) => void;

export interface FanoutListener<T extends BusMessage> {
  /** Each notice sent on the channel by any instance, this one included. */
  readonly deliver: (message: T) => void;
  /**
   * The bus is back after an outage: notices other instances sent meanwhile were lost, so a
   * listener whose notices only say "look again" looks again now.
   */
  readonly resumed?: () => void;
}

/** What crosses the bus: the notice and the instance that sent it. */
interface Envelope {
  from: string;
  message: BusMessage;
}

/**
 * Notices that every instance must hear (e.g. "booking changes committed": /ws/events streams
 * on every instance read them). This instance's listener gets its own notices at once, without
 * the bus, so a single instance, or one cut from Redis, behaves as if alone; other instances get
 * them through the bus. A notice is a wake-up or a live extra, never the record: the record
 * stays in the database.
 */
@Injectable()
export class NetworkFanout {
  private readonly logger = new Logger(NetworkFanout.name);

  constructor(private readonly bus: MessageBus) {}

  /** Listens on `channel` (one listener per channel per instance); returns its `send`. */
  async open<T extends BusMessage>(channel: string, listener: FanoutListener<T>): Promise<FanoutSend<T>> {
    if (this.bus.shared) {
      await this.bus.subscribe(channel, (envelope) => {
        const { from, message } = envelope as Envelope;
        if (from !== this.bus.instanceId) listener.deliver(message as T);
      });
      const resumed = listener.resumed;
      let previous = this.bus.health();
      if (resumed)
        this.bus.onHealthChange((health) => {
          if (health === 'up' && previous === 'degraded') resumed();
          previous = health;
        });
    }
    return (message) => {
      listener.deliver(message);
      if (this.bus.shared) this.publish(channel, { from: this.bus.instanceId, message });
    };
  }

  private publish(channel: string, envelope: Envelope): void {
    this.bus.publish(channel, envelope).catch((error: unknown) =>
      // The other instances' listeners catch up on `resumed` (the bus tells when it is back).
      this.logger.warn({ err: error, channel }, 'notice not sent to the other instances'),
    );
  }
}
