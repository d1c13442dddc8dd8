// SPDX-License-Identifier: Apache-2.0
import type { Clock } from '../common/clock';
import {
  type BusHandler,
  type BusHealth,
  type BusMessage,
  type BusSubscription,
  BusUnavailableError,
  MessageBus,
} from './message-bus';

/**
 * The default bus: one instance, everything in memory. Messages are delivered on a microtask
 * (never inside publish(), as with Redis), in order, and are not copied: handlers must not change
 * them.
 */
export class InProcessBus extends MessageBus {
  readonly shared = false;
  private readonly channels = new Map<string, Set<BusHandler>>();
  /** Lease and group expiry times (clock ms) by key, then by holder or member. */
  private readonly leases = new Map<string, { holder: string; expiresAtMs: number }>();
  private readonly groups = new Map<string, Map<string, number>>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    readonly instanceId: string,
  ) {
    super();
  }

  health(): BusHealth {
    return 'local';
  }

  onHealthChange(): () => void {
    return () => undefined;
  }

  publish(channel: string, message: BusMessage): Promise<number> {
    return this.open(() => {
      const handlers = this.channels.get(channel);
      if (!handlers) return 0;
      for (const handler of handlers) queueMicrotask(() => handler(message));
      return 1; // this instance, the only one
    });
  }

  subscribe(channel: string, handler: BusHandler): Promise<BusSubscription> {
    return this.open(() => {
      // A wrapper per subscription, so subscribing one function twice gives two deliveries.
      const delivery: BusHandler = (message) => handler(message);
      const handlers = this.channels.get(channel) ?? new Set<BusHandler>();
      handlers.add(delivery);
      this.channels.set(channel, handlers);
      const unsubscribe = (): Promise<void> => {
        handlers.delete(delivery);
        if (handlers.size === 0 && this.channels.get(channel) === handlers) this.channels.delete(channel);
        return Promise.resolve();
      };
      return { unsubscribe };
    });
  }

  claim(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.open(() => {
      const now = this.clock.nowMs();
      const lease = this.leases.get(key);
      if (lease && lease.holder !== holder && lease.expiresAtMs > now) return false;
      this.leases.set(key, { holder, expiresAtMs: now + ttlMs });
      return true;
    });
  }

  release(key: string, holder: string): Promise<void> {
    return this.open(() => {
      if (this.leases.get(key)?.holder === holder) this.leases.delete(key);
    });
  }

  holder(key: string): Promise<string | undefined> {
    return this.open(() => {
      const lease = this.leases.get(key);
      return lease && lease.expiresAtMs > this.clock.nowMs() ? lease.holder : undefined;
    });
  }

  enrol(key: string, member: string, ttlMs: number, limit = Infinity): Promise<boolean> {
    return this.open(() => {
      const group = this.liveGroup(key);
      const others = group.has(member) ? group.size - 1 : group.size;
      if (others >= limit) return false;
      group.set(member, this.clock.nowMs() + ttlMs);
      this.groups.set(key, group);
      return true;
    });
  }

  withdraw(key: string, member: string): Promise<void> {
    return this.open(() => {
      this.groups.get(key)?.delete(member);
    });
  }

  members(key: string): Promise<string[]> {
    return this.open(() => [...this.liveGroup(key).keys()]);
  }

  close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    return Promise.resolve();
  }

  /** The group without its expired members (which are forgotten). */
  private liveGroup(key: string): Map<string, number> {
    const group = this.groups.get(key) ?? new Map<string, number>();
    const now = this.clock.nowMs();
    for (const [member, expiresAtMs] of group) if (expiresAtMs <= now) group.delete(member);
    return group;
  }

  /** Does `work` now, as a promise like the Redis adapter's; rejected once closed. */
  private open<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new BusUnavailableError('the bus is closed'));
    return Promise.resolve(work());
  }
}
