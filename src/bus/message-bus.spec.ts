// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../common/clock';
import { InProcessBus } from './in-process-bus';
import { type BusMessage, BusUnavailableError, type MessageBus } from './message-bus';
import { RedisBus } from './redis-bus';
import { healthBecomes } from './testing/health-becomes';
import { TcpProxy } from './testing/tcp-proxy';

const REDIS_HOST = '127.0.0.1';
const REDIS_PORT = 6379;

/** Messages of one subscription, and a promise for the n-th (no sleeps: tests await arrivals). */
class Inbox {
  readonly messages: BusMessage[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  readonly handler = (message: BusMessage): void => {
    this.messages.push(message);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.messages.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };

  async until(count: number): Promise<BusMessage[]> {
    if (this.messages.length < count)
      await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    return this.messages;
  }
}

interface Adapter {
  name: string;
  /** Two instances sharing one bus (the in-process adapter is shared only within its process). */
  pair(clock: ManualClock): Promise<[MessageBus, MessageBus]>;
}

const opened: MessageBus[] = [];

async function redisBus(clock: ManualClock, instanceId: string, prefix: string, port = REDIS_PORT) {
  const bus = new RedisBus(clock, instanceId, `redis://${REDIS_HOST}:${port}/0`, prefix);
  opened.push(bus);
  await bus.connect();
  return bus;
}

const ADAPTERS: Adapter[] = [
  {
    name: 'in-process',
    pair: (clock) => {
      const bus = new InProcessBus(clock, 'solo');
      opened.push(bus);
      return Promise.resolve([bus, bus]);
    },
  },
  {
    name: 'Redis',
    pair: async (clock) => {
      // Each test its own prefix: channels and keys never meet another test's or file's.
      const prefix = `satnet-test:${randomUUID()}:`;
      return [await redisBus(clock, 'a', prefix), await redisBus(clock, 'b', prefix)];
    },
  },
];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});

describe.each(ADAPTERS)('MessageBus contract: $name', ({ pair }) => {
  let clock: ManualClock;
  let a: MessageBus;
  let b: MessageBus;

  beforeEach(async () => {
    clock = new ManualClock('2030-01-01T00:00:00Z');
    [a, b] = await pair(clock);
  });

  it('delivers messages to every subscriber, in order, with bytes intact', async () => {
    const first = new Inbox();
    const second = new Inbox();
    await a.subscribe('frames', first.handler);
    await b.subscribe('frames', second.handler);
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    for (let n = 0; n < 50; n++) await b.publish('frames', { n, bytes });
    for (const inbox of [first, second]) {
      const got = (await inbox.until(50)) as { n: number; bytes: Uint8Array }[];
      expect(got.map((message) => message.n)).toEqual([...Array(50).keys()]);
      expect(Buffer.from(got[0].bytes)).toEqual(Buffer.from(bytes));
    }
  });

  it("delivers a publisher's own messages to it too, in order among the others', each once", async () => {
    const inbox = new Inbox();
    await a.subscribe('mixed', inbox.handler);
    const bytes = Uint8Array.from([7, 8, 9]);
    // The same content from both: each publication is one delivery, whichever instance made it.
    for (let n = 0; n < 20; n++) {
      await a.publish('mixed', { from: 'a', n, bytes });
      await b.publish('mixed', { from: n % 2 === 0 ? 'a' : 'b', n, bytes });
    }
    const got = (await inbox.until(40)) as { from: string; n: number; bytes: Uint8Array }[];
    expect(got.map((message) => message.n)).toEqual([...Array(20).keys()].flatMap((n) => [n, n]));
    expect(got.map((message) => message.from)).toEqual(
      [...Array(20).keys()].flatMap((n) => ['a', n % 2 === 0 ? 'a' : 'b']),
    );
    for (const message of got) expect(Buffer.from(message.bytes)).toEqual(Buffer.from(bytes));
    await b.publish('mixed', 'marker');
    expect(await inbox.until(41)).toHaveLength(41); // nothing delivered twice meanwhile
  });

  it('stops delivering once unsubscribed, and keeps other channels apart', async () => {
    const gone = new Inbox();
    const stays = new Inbox();
    const subscription = await a.subscribe('one', gone.handler);
    await a.subscribe('two', stays.handler);
    await subscription.unsubscribe();
    await subscription.unsubscribe();
    await b.publish('one', 'lost');
    await b.publish('two', 'marker');
    await stays.until(1);
    expect(gone.messages).toEqual([]);
    expect(stays.messages).toEqual(['marker']);
  });

  it('tells the publisher how many instances its message reached', async () => {
    expect(await b.publish('counted', 'nobody listens')).toBe(0);
    await a.subscribe('counted', new Inbox().handler);
    await a.subscribe('counted', new Inbox().handler); // one instance, however many handlers
    expect(await b.publish('counted', 'one instance')).toBe(1);
    await b.subscribe('counted', new Inbox().handler);
    // The in-process adapter is one instance; over Redis, a and b are two.
    expect(await b.publish('counted', 'every instance')).toBe(a === b ? 1 : 2);
  });

  it('gives a lease to one holder until it expires by the clock, and lets its holder renew it', async () => {
    expect(await a.claim('sweeper', 'A', 10_000)).toBe(true);
    expect(await b.claim('sweeper', 'B', 10_000)).toBe(false);
    expect(await b.holder('sweeper')).toBe('A');
    clock.advance(9_000);
    expect(await a.claim('sweeper', 'A', 10_000)).toBe(true);
    clock.advance(9_000);
    expect(await b.claim('sweeper', 'B', 10_000)).toBe(false);
    clock.advance(1_001);
    expect(await a.holder('sweeper')).toBeUndefined();
    expect(await b.claim('sweeper', 'B', 10_000)).toBe(true);
    expect(await a.holder('sweeper')).toBe('B');
  });

  it('releases a lease only for its holder', async () => {
    await a.claim('slot', 'A', 10_000);
    await b.release('slot', 'B');
    expect(await b.holder('slot')).toBe('A');
    await a.release('slot', 'A');
    expect(await b.holder('slot')).toBeUndefined();
    expect(await b.claim('slot', 'B', 10_000)).toBe(true);
  });

  it('keeps a group within its limit across instances, counting only unexpired members', async () => {
    expect(await a.enrol('sessions', 's1', 10_000, 2)).toBe(true);
    expect(await b.enrol('sessions', 's2', 10_000, 2)).toBe(true);
    expect(await a.enrol('sessions', 's3', 10_000, 2)).toBe(false);
    expect(await a.enrol('sessions', 's1', 10_000, 2)).toBe(true);
    expect((await b.members('sessions')).sort()).toEqual(['s1', 's2']);
    await b.withdraw('sessions', 's2');
    expect(await a.enrol('sessions', 's3', 10_000, 2)).toBe(true);
    clock.advance(10_001);
    expect(await a.members('sessions')).toEqual([]);
    expect(await b.enrol('sessions', 's4', 10_000)).toBe(true);
  });

  it('refuses work once closed, with BusUnavailableError', async () => {
    await a.close();
    await a.close();
    await expect(a.publish('x', 1)).rejects.toBeInstanceOf(BusUnavailableError);
    await expect(a.claim('x', 'A', 1_000)).rejects.toBeInstanceOf(BusUnavailableError);
  });
});

describe('RedisBus when Redis becomes unreachable', () => {
  it('reports degraded, fails cross-instance work clearly, and resumes its subscriptions when Redis is back', async () => {
    const clock = new ManualClock();
    const prefix = `satnet-test:${randomUUID()}:`;
    const proxy = new TcpProxy(REDIS_HOST, REDIS_PORT);
    const port = await proxy.start();
    try {
      const cut = await redisBus(clock, 'behind-proxy', prefix, port);
      const other = await redisBus(clock, 'direct', prefix);
      const inbox = new Inbox();
      await cut.subscribe('events', inbox.handler);
      expect(cut.health()).toBe('up');
      expect(other.shared).toBe(true);

      await proxy.cut();
      await healthBecomes(cut, 'degraded');
      await expect(cut.publish('events', 'during')).rejects.toBeInstanceOf(BusUnavailableError);
      await expect(cut.claim('lease', 'x', 1_000)).rejects.toThrow(/unavailable/);
      // The other instance's messages no longer reach it, and its publisher can tell.
      expect(await other.publish('events', 'missed')).toBe(0);

      await proxy.start();
      await healthBecomes(cut, 'up');
      // Resubscription follows 'ready'; publish until the first message arrives.
      let sent = 0;
      while (inbox.messages.length === 0) {
        await other.publish('events', `after-${sent++}`);
        await new Promise((resolve) => setImmediate(resolve));
        if (sent > 1_000) throw new Error('no message after Redis came back');
      }
      expect(inbox.messages[0]).toMatch(/^after-/);
    } finally {
      await proxy.stop();
    }
  });
});
