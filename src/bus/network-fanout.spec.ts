// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ManualClock } from '../common/clock';
import { InProcessBus } from './in-process-bus';
import type { MessageBus } from './message-bus';
import { NetworkFanout } from './network-fanout';
import { RedisBus } from './redis-bus';
import { healthBecomes } from './testing/health-becomes';
import { TcpProxy } from './testing/tcp-proxy';

/** A listener that records what it hears and can wait for the n-th notice. */
function recorder() {
  const heard: unknown[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  return {
    heard,
    deliver: (message: unknown) => {
      heard.push(message);
      if (waiting && heard.length >= waiting.count) waiting.resolve();
    },
    until: (count: number) =>
      heard.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => (waiting = { count, resolve })),
  };
}

describe('NetworkFanout', () => {
  const clock = new ManualClock('2030-01-01T00:00:00Z');
  const opened: MessageBus[] = [];
  const proxies: TcpProxy[] = [];

  const redisBus = async (name: string, prefix: string, port = 6379) => {
    const bus = new RedisBus(clock, name, `redis://127.0.0.1:${port}/0`, prefix);
    opened.push(bus);
    await bus.connect();
    return bus;
  };

  beforeEach(() => {
    for (const level of ['log', 'warn', 'debug'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterEach(async () => {
    for (const bus of opened.splice(0)) await bus.close();
    for (const proxy of proxies.splice(0)) await proxy.stop();
    jest.restoreAllMocks();
  });

  it('in process: a notice reaches the listener at once, exactly once', async () => {
    const listener = recorder();
    const send = await new NetworkFanout(new InProcessBus(clock, 'solo')).open('news', listener);
    send({ n: 1 });
    expect(listener.heard).toEqual([{ n: 1 }]);
    await new Promise((resolve) => setImmediate(resolve)); // nothing comes back through the bus
    expect(listener.heard).toEqual([{ n: 1 }]);
  });

  it("over Redis: the sender's listener hears it at once and once, the other instance's through the bus", async () => {
    const prefix = `satnet-test:${randomUUID()}:`;
    const [atA, atB] = [recorder(), recorder()];
    const sendA = await new NetworkFanout(await redisBus('A', prefix)).open('news', atA);
    const sendB = await new NetworkFanout(await redisBus('B', prefix)).open('news', atB);
    sendA({ n: 1 });
    expect(atA.heard).toEqual([{ n: 1 }]);
    sendB({ n: 2 });
    await Promise.all([atA.until(2), atB.until(2)]);
    expect(atA.heard).toEqual([{ n: 1 }, { n: 2 }]);
    expect(atB.heard).toEqual([{ n: 2 }, { n: 1 }]);
  });

  it('an instance cut from Redis still hears its own notices, and is told to look again when it is back', async () => {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    proxies.push(proxy);
    const bus = await redisBus('A', `satnet-test:${randomUUID()}:`, await proxy.start());
    let resumed = 0;
    const listener = recorder();
    const send = await new NetworkFanout(bus).open('news', { ...listener, resumed: () => resumed++ });
    const degraded = healthBecomes(bus, 'degraded');
    await proxy.cut();
    await degraded;
    send('while cut');
    expect(listener.heard).toEqual(['while cut']);
    const up = healthBecomes(bus, 'up');
    await proxy.start();
    await up;
    expect(resumed).toBe(1);
  });
});
