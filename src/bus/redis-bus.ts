// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import type { Clock } from '../common/clock';
import {
  type BusHandler,
  type BusHealth,
  type BusMessage,
  type BusSubscription,
  BusUnavailableError,
  MessageBus,
} from './message-bus';
import { OwnEchoes } from './own-echoes';

/** How long Redis keeps a lease or group nobody renews: far past any ttl, only to collect garbage. */
const GARBAGE_AFTER_MS = 15 * 60_000;
/** Reconnection back-off: quick at first, then every 2 s for as long as it takes. */
const retryDelayMs = (attempt: number): number => Math.min(attempt * 100, 2_000);

// Leases are hashes {h: holder, e: expiry in clock ms}; the caller passes the clock's now, so
// expiry follows the Clock every instance reads (see MessageBus), not Redis's own time.
const CLAIM = `
local lease = redis.call('HMGET', KEYS[1], 'h', 'e')
if lease[1] and lease[1] ~= ARGV[1] and tonumber(lease[2]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'e', tonumber(ARGV[2]) + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;
const RELEASE = `
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;
// Groups are sorted sets scored by each member's expiry; ARGV[4] < 0 means no limit.
const ENROL = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local others = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then others = others - 1 end
local limit = tonumber(ARGV[4])
if limit >= 0 and others >= limit then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

interface LeaseCommands {
  satnetClaim(key: string, holder: string, now: number, ttl: number, garbage: number): Promise<number>;
  satnetRelease(key: string, holder: string): Promise<number>;
  satnetEnrol(
    key: string,
    member: string,
    now: number,
    ttl: number,
    limit: number,
    garbage: number,
  ): Promise<number>;
}

/**
 * The bus over Redis: pub/sub for messages (msgpack, so bytes stay bytes), Lua scripts for
 * leases and groups. Two connections, since a subscribed connection can do nothing else. Commands
 * fail at once while Redis is unreachable (no offline queue: a frame queued for seconds is worse
 * than an error) and both connections reconnect by themselves, resubscribing their channels.
 */
export class RedisBus extends MessageBus {
  readonly shared = true;
  private readonly logger = new Logger(RedisBus.name);
  private readonly packr = new Packr({ useRecords: false });
  private readonly commands: Redis & LeaseCommands;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, Set<BusHandler>>();
  private readonly echoes = new OwnEchoes();
  private readonly listeners = new Set<(health: BusHealth) => void>();
  private current: BusHealth = 'degraded';
  private closed = false;

  constructor(
    private readonly clock: Clock,
    readonly instanceId: string,
    url: string,
    private readonly prefix: string,
  ) {
    super();
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: retryDelayMs,
      lazyConnect: true,
      connectionName: `satnet-${instanceId}`,
      // Each command is written at once. Auto-pipelining would hold it until the next turn of the
      // event loop (setImmediate), behind the packet log's commit and other sockets' reads, for
      // nothing: the relay already sends a tick's frames of a slot as one message.
      enableAutoPipelining: false,
    };
    this.commands = new Redis(url, options) as Redis & LeaseCommands;
    this.subscriber = new Redis(url, { ...options, autoResubscribe: false });
    this.commands.defineCommand('satnetClaim', { numberOfKeys: 1, lua: CLAIM });
    this.commands.defineCommand('satnetRelease', { numberOfKeys: 1, lua: RELEASE });
    this.commands.defineCommand('satnetEnrol', { numberOfKeys: 1, lua: ENROL });
    this.subscriber.on('ready', () => this.resubscribeAll());
    this.subscriber.on('close', () => this.echoes.forget()); // what was published will not come back
    for (const connection of [this.commands, this.subscriber]) {
      connection.on('ready', () => this.updateHealth());
      connection.on('close', () => this.updateHealth());
      connection.on('error', (error: Error) => this.logger.debug({ err: error }, 'Redis connection error'));
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => this.deliver(channel, payload));
  }

  /** Connects both connections; rejects when Redis cannot be reached now (it keeps trying). */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
  }

  health(): BusHealth {
    return this.current;
  }

  onHealthChange(listener: (health: BusHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Each instance subscribes on one connection: PUBLISH's count of receiving clients is the instances'. */
  async publish(channel: string, message: BusMessage): Promise<number> {
    return this.run(() => {
      const payload = this.packr.pack(message);
      // Subscribed here too, this instance gets it back: then it need not decode it again.
      if (this.channels.has(channel) && this.subscriber.status === 'ready')
        this.echoes.published(channel, payload, message);
      return this.commands.publish(this.prefix + channel, payload);
    });
  }

  async subscribe(channel: string, handler: BusHandler): Promise<BusSubscription> {
    const delivery: BusHandler = (message) => handler(message);
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
      // While Redis is unreachable the channel is subscribed on reconnection (resubscribeAll).
      if (this.subscriber.status === 'ready')
        await this.subscriber.subscribe(this.prefix + channel).catch(() => undefined);
    }
    handlers.add(delivery);
    const owned = handlers;
    return {
      unsubscribe: async () => {
        if (!owned.delete(delivery) || owned.size > 0 || this.channels.get(channel) !== owned) return;
        this.channels.delete(channel);
        this.echoes.forget(channel);
        if (this.subscriber.status === 'ready')
          await this.subscriber.unsubscribe(this.prefix + channel).catch(() => undefined);
      },
    };
  }

  async claim(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const taken = await this.run(() =>
      this.commands.satnetClaim(this.prefix + key, holder, this.clock.nowMs(), ttlMs, garbageAfter(ttlMs)),
    );
    return taken === 1;
  }

  async release(key: string, holder: string): Promise<void> {
    await this.run(() => this.commands.satnetRelease(this.prefix + key, holder));
  }

  async holder(key: string): Promise<string | undefined> {
    const [holder, expiresAtMs] = await this.run(() => this.commands.hmget(this.prefix + key, 'h', 'e'));
    return holder !== null && Number(expiresAtMs) > this.clock.nowMs() ? holder : undefined;
  }

  async enrol(key: string, member: string, ttlMs: number, limit = Infinity): Promise<boolean> {
    const noLimit = -1;
    const added = await this.run(() =>
      this.commands.satnetEnrol(
        this.prefix + key,
        member,
        this.clock.nowMs(),
        ttlMs,
        Number.isFinite(limit) ? limit : noLimit,
        garbageAfter(ttlMs),
      ),
    );
    return added === 1;
  }

  async withdraw(key: string, member: string): Promise<void> {
    await this.run(() => this.commands.zrem(this.prefix + key, member));
  }

  async members(key: string): Promise<string[]> {
    return this.run(() => this.commands.zrangebyscore(this.prefix + key, `(${this.clock.nowMs()}`, '+inf'));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.channels.clear();
    this.echoes.forget();
    this.listeners.clear();
    this.commands.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }

  /** Runs a command, turning "Redis unreachable" into BusUnavailableError. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.closed) throw new BusUnavailableError('the bus is closed');
    if (this.commands.status !== 'ready') throw new BusUnavailableError(`Redis is ${this.commands.status}`);
    try {
      return await command();
    } catch (error) {
      // Commands fail with "Stream isn't writeable" when the connection drops under them, before
      // the status says so.
      const lost =
        this.commands.status !== 'ready' ||
        (error instanceof Error &&
          (error.name === 'MaxRetriesPerRequestError' ||
            /Stream isn't writeable|Connection is closed/.test(error.message)));
      if (!lost) throw error;
      throw new BusUnavailableError(error instanceof Error ? error.message : String(error));
    }
  }

  /** After a (re)connection: the channels subscribed meanwhile or before the outage. */
  private resubscribeAll(): void {
    const channels = [...this.channels.keys()].map((channel) => this.prefix + channel);
    if (channels.length === 0) return;
    this.subscriber
      .subscribe(...channels)
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error },
          'resubscribing to the bus channels failed; retrying on the next connection',
        ),
      );
  }

  private deliver(channel: Buffer, payload: Buffer): void {
    const name = channel.toString('utf8').slice(this.prefix.length);
    const handlers = this.channels.get(name);
    if (!handlers) return;
    const echo = this.echoes.take(name, payload);
    let message: BusMessage;
    try {
      message = echo.found ? echo.message : this.packr.unpack(payload);
    } catch (error) {
      this.logger.error({ err: error, channel: channel.toString('utf8') }, 'undecodable bus message dropped');
      return;
    }
    for (const handler of handlers) handler(message);
  }

  private updateHealth(): void {
    const up = this.commands.status === 'ready' && this.subscriber.status === 'ready';
    const health: BusHealth = up ? 'up' : 'degraded';
    if (health === this.current) return;
    this.current = health;
    if (this.closed) return;
    if (up) this.logger.log('Redis reachable: instances share relay, presence, events and jobs');
    else this.logger.warn('Redis unreachable: cross-instance work fails until it is back; reconnecting');
    for (const listener of this.listeners) listener(health);
  }
}

function garbageAfter(ttlMs: number): number {
  return Math.max(GARBAGE_AFTER_MS, ttlMs * 10);
}
