// SPDX-License-Identifier: Apache-2.0
import { KeyedQueue } from './keyed-queue';

/** A promise with its resolve function, to hold work open until the test lets it finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedQueue', () => {
  it('runs work on the same key one at a time, in arrival order', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const first = gate();
    const started = gate();
    const a = queue.run(['GS1'], async () => {
      order.push('a starts');
      started.open();
      await first.promise;
      order.push('a ends');
    });
    const b = queue.run(['GS1'], () => {
      order.push('b runs');
      return Promise.resolve('b');
    });
    await started.promise;
    await new Promise((resolve) => setImmediate(resolve)); // b had every chance to start
    expect(order).toEqual(['a starts']);
    first.open();
    await expect(b).resolves.toBe('b');
    await a;
    expect(order).toEqual(['a starts', 'a ends', 'b runs']);
    expect(queue.busyKeys).toBe(0);
  });

  it('lets work on other keys run meanwhile', async () => {
    const queue = new KeyedQueue();
    const held = gate();
    const a = queue.run(['GS1'], () => held.promise);
    await expect(queue.run(['GS2'], () => Promise.resolve('other station'))).resolves.toBe('other station');
    held.open();
    await a;
  });

  it('makes work on several keys wait for each, and never deadlocks on keys named in another order', async () => {
    const queue = new KeyedQueue();
    const held = gate();
    const order: string[] = [];
    const a = queue.run(['GS1'], async () => {
      await held.promise;
      order.push('a');
    });
    const both = queue.run(['GS2', 'GS1'], () => Promise.resolve(order.push('both')));
    const reversed = queue.run(['GS1', 'GS2'], () => Promise.resolve(order.push('reversed')));
    held.open();
    await Promise.all([a, both, reversed]);
    expect(order).toEqual(['a', 'both', 'reversed']);
  });

  it('lets the next caller go when work releases its keys before it ends', async () => {
    const queue = new KeyedQueue();
    const rest = gate();
    const order: string[] = [];
    const a = queue.run(['GS1'], async (release) => {
      order.push('a: the part that needs GS1');
      release();
      await rest.promise;
      order.push('a: the rest');
    });
    await queue.run(['GS1'], () => Promise.resolve(order.push('b')));
    rest.open();
    await a;
    expect(order).toEqual(['a: the part that needs GS1', 'b', 'a: the rest']);
    expect(queue.busyKeys).toBe(0);
  });

  it('moves on to the next caller when work fails', async () => {
    const queue = new KeyedQueue();
    const failing = queue.run(['GS1'], () => Promise.reject(new Error('no')));
    const next = queue.run(['GS1'], () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('no');
    await expect(next).resolves.toBe('next');
    expect(queue.busyKeys).toBe(0);
  });
});
