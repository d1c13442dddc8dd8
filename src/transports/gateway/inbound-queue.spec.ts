// SPDX-License-Identifier: Apache-2.0
import { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { encodeFrame } from './frame-codec';
import { type InboundHooks, InboundQueue, MAX_QUEUED_MESSAGES } from './inbound-queue';

function hooks(overrides: Partial<InboundHooks> = {}): jest.Mocked<InboundHooks> {
  return {
    connectionId: 'connection-1',
    maxMessageBytes: 4096,
    isOpen: jest.fn(() => true),
    writeBlocked: jest.fn(() => false),
    whenReady: jest.fn(() => undefined),
    received: jest.fn(),
    process: jest.fn(() => undefined),
    close: jest.fn(),
    warn: jest.fn(),
    failed: jest.fn(),
    ...overrides,
  } as jest.Mocked<InboundHooks>;
}

function socket(): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/** A deferred promise, resolved by the test. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  jest.spyOn(Logger.prototype, 'error').mockImplementation();
});

afterEach(() => jest.restoreAllMocks());

describe('InboundQueue', () => {
  it('hands messages over one at a time, in arrival order', async () => {
    const first = deferred();
    const calls = hooks({ process: jest.fn((m: unknown) => (m === 'a' ? first.promise : undefined)) });
    const stream = socket();
    new InboundQueue(stream, calls);
    stream.emit('data', Buffer.concat([encodeFrame('a'), encodeFrame('b')]));
    await settle();
    expect(calls.process.mock.calls).toEqual([['a']]);
    expect(calls.received).toHaveBeenCalledTimes(1);
    first.resolve();
    await settle();
    expect(calls.process.mock.calls).toEqual([['a'], ['b']]);
  });

  it('handles a synchronous message in the same turn', () => {
    const calls = hooks();
    const stream = socket();
    new InboundQueue(stream, calls);
    stream.emit('data', encodeFrame('a'));
    expect(calls.process).toHaveBeenCalledWith('a');
  });

  it('waits for the relay while its packet log catches up', async () => {
    const ready = deferred();
    const calls = hooks({ whenReady: jest.fn(() => ready.promise) });
    const stream = socket();
    new InboundQueue(stream, calls);
    stream.emit('data', encodeFrame('a'));
    await settle();
    expect(calls.process).not.toHaveBeenCalled();
    ready.resolve();
    await settle();
    expect(calls.process).toHaveBeenCalledWith('a');
  });

  it('waits while the client leaves its answers unread, until woken', async () => {
    let blocked = true;
    const calls = hooks({ writeBlocked: jest.fn(() => blocked) });
    const stream = socket();
    const queue = new InboundQueue(stream, calls);
    stream.emit('data', encodeFrame('a'));
    await settle();
    expect(calls.process).not.toHaveBeenCalled();
    blocked = false;
    queue.wake();
    await settle();
    expect(calls.process).toHaveBeenCalledWith('a');
  });

  it('after a bad frame, handles what came before it, then closes with its reason', async () => {
    const calls = hooks();
    const stream = socket();
    new InboundQueue(stream, calls);
    const tooLarge = Buffer.alloc(4);
    tooLarge.writeUInt32BE(1_000_000, 0);
    stream.emit('data', Buffer.concat([encodeFrame('a'), tooLarge]));
    await settle();
    expect(calls.process.mock.calls).toEqual([['a']]);
    expect(calls.close).toHaveBeenCalledWith(
      'bad frame (FRAME_TOO_LARGE)',
      expect.objectContaining({ code: 'FRAME_TOO_LARGE' }),
    );
    expect(calls.warn).toHaveBeenCalledTimes(1);
    expect(stream.listenerCount('data')).toBe(0);
    expect(stream.isPaused()).toBe(true);
  });

  it(`pauses reading past ${MAX_QUEUED_MESSAGES} waiting messages and resumes once they are handled`, async () => {
    const first = deferred();
    const calls = hooks({ process: jest.fn((m: unknown) => (m === 0 ? first.promise : undefined)) });
    const stream = socket();
    new InboundQueue(stream, calls);
    const frames = Array.from({ length: MAX_QUEUED_MESSAGES + 2 }, (_, i) => encodeFrame(i));
    stream.emit('data', Buffer.concat(frames));
    expect(stream.isPaused()).toBe(true);
    first.resolve();
    await settle();
    expect(calls.process).toHaveBeenCalledTimes(MAX_QUEUED_MESSAGES + 2);
    expect(stream.isPaused()).toBe(false);
  });

  it('drops the queue and its listener on stop', async () => {
    const first = deferred();
    const calls = hooks({ process: jest.fn(() => first.promise) });
    const stream = socket();
    const queue = new InboundQueue(stream, calls);
    stream.emit('data', Buffer.concat([encodeFrame('a'), encodeFrame('b')]));
    queue.stop();
    first.resolve();
    await settle();
    expect(calls.process.mock.calls).toEqual([['a']]);
    expect(stream.listenerCount('data')).toBe(0);
  });
});
