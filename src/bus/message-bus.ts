// SPDX-License-Identifier: Apache-2.0
/**
 * The one port for whatever several N-Server instances share (DESIGN §5): messages on named
 * channels, and leases — a key held by one holder until it stops renewing it. Two adapters:
 * in-process (the default; one instance, no Redis) and Redis (SATNET_REDIS_URL). Nothing outside
 * src/bus/ knows which one runs.
 *
 * Leases expire by the injected Clock's time, not by the store's, so an instance that dies
 * without saying goodbye loses its leases after `ttlMs` of the clock every instance reads, and
 * tests move that clock instead of waiting.
 */

/** A message: plain data (objects, arrays, strings, numbers, booleans, null, Uint8Array). */
export type BusMessage = unknown;

/**
 * Called once per message, in publication order per channel and publisher. Must not throw, nor
 * change the message: on the publishing instance it may be the very object published.
 */
export type BusHandler = (message: BusMessage) => void;

export interface BusSubscription {
  /** Stops delivery to this handler; idempotent. */
  unsubscribe(): Promise<void>;
}

/**
 * `local`: in-process, nothing to lose. `up`: connected to the shared store. `degraded`: the
 * shared store is unreachable; the adapter reconnects by itself and cross-instance work fails
 * with BusUnavailableError meanwhile.
 */
export type BusHealth = 'local' | 'up' | 'degraded';

/** The shared store cannot be reached: cross-instance work cannot be done right now. */
export class BusUnavailableError extends Error {
  constructor(detail: string) {
    super(`the instances' shared message bus is unavailable: ${detail}`);
    this.name = 'BusUnavailableError';
  }
}

export abstract class MessageBus {
  /** This instance's name, unique among the instances sharing the bus (metrics, lease holders). */
  abstract readonly instanceId: string;

  /** False for the in-process adapter: every client is on this instance. */
  abstract readonly shared: boolean;

  abstract health(): BusHealth;

  /** Calls `listener` on every change of health(); returns a function that stops it. */
  abstract onHealthChange(listener: (health: BusHealth) => void): () => void;

  /**
   * Sends `message` to every subscriber of `channel` on every instance, this one included.
   * Resolves once handed to the store, with how many instances subscribed to `channel` it reached
   * (an instance cut off from the store is not among them); rejects with BusUnavailableError when
   * the store is unreachable.
   */
  abstract publish(channel: string, message: BusMessage): Promise<number>;

  /** Delivers the messages published on `channel` from now on. */
  abstract subscribe(channel: string, handler: BusHandler): Promise<BusSubscription>;

  /**
   * Takes the lease `key` for `holder` until clock-now + `ttlMs`, or renews it when `holder`
   * already has it. False when another holder has it and it has not expired.
   */
  abstract claim(key: string, holder: string, ttlMs: number): Promise<boolean>;

  /** Gives the lease up if `holder` has it; nothing otherwise. */
  abstract release(key: string, holder: string): Promise<void>;

  /** Who holds the lease now (undefined when free or expired). */
  abstract holder(key: string): Promise<string | undefined>;

  /**
   * Adds (or renews) `member` in the group `key` until clock-now + `ttlMs`, unless the group
   * already counts `limit` unexpired members other than it: then false, and nothing changes.
   * For limits that hold across instances (sessions per mission).
   */
  abstract enrol(key: string, member: string, ttlMs: number, limit?: number): Promise<boolean>;

  /** Removes `member` from the group `key`. */
  abstract withdraw(key: string, member: string): Promise<void>;

  /** The group's unexpired members. */
  abstract members(key: string): Promise<string[]>;

  /** Closes connections; later calls fail. Idempotent. */
  abstract close(): Promise<void>;
}
