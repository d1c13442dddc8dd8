// SPDX-License-Identifier: Apache-2.0
import { Duplex } from 'node:stream';
import { FrameDecoder } from './frame-codec';
import { type OutboundHooks, OutboundWriter } from './outbound-writer';
import { rpcNotification, rpcResult } from './rpc-message';
import { stuckDuplex } from './testing/duplex-pair';
import { PendingStore } from './testing/fake-relay';

/** A socket that completes every write at once and keeps each write's bytes apart. */
function recordingSocket(): { socket: Duplex; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk);
      callback();
    },
  });
  return { socket, writes };
}

function hooks(overrides: Partial<OutboundHooks> = {}): jest.Mocked<OutboundHooks> {
  return {
    connectionId: 'connection-1',
    maxBufferedBytes: 64 * 1024,
    isOpen: jest.fn(() => true),
    flushed: jest.fn(),
    blocked: jest.fn(),
    overflow: jest.fn(),
    failed: jest.fn(),
    ...overrides,
  } as jest.Mocked<OutboundHooks>;
}

function decoded(writes: Buffer[]): unknown[] {
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20, maxBufferedBytes: 1 << 21 });
  return writes.flatMap((chunk) => decoder.push(chunk));
}

const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('OutboundWriter', () => {
  it('coalesces the frames of one tick into one socket write', async () => {
    const { socket, writes } = recordingSocket();
    const calls = hooks();
    const writer = new OutboundWriter(socket, calls);
    writer.send(rpcNotification('heartbeat', []));
    writer.answer(rpcResult(1, 'pong'));
    expect(writes).toHaveLength(0);
    await tick();
    expect(writes).toHaveLength(1);
    expect(decoded(writes)).toEqual([
      [2, 'heartbeat', []],
      [1, 1, null, 'pong'],
    ]);
    expect(calls.flushed).toHaveBeenCalledTimes(1);
  });

  it('writes at once when a full TLS record (16 KiB) waits', () => {
    const { socket, writes } = recordingSocket();
    const writer = new OutboundWriter(socket, hooks());
    writer.answer(rpcResult(1, Buffer.alloc(16 * 1024)));
    expect(writes).toHaveLength(1);
  });

  it('holds an answer until its frame is stored, and the answers behind it with it', async () => {
    const { socket, writes } = recordingSocket();
    const writer = new OutboundWriter(socket, hooks());
    const stored = new PendingStore();
    const done = new PendingStore();
    done.complete();
    writer.answer(rpcResult(1, 'first'), done);
    writer.answer(rpcResult(2, 'second'), stored);
    expect(writer.lastUnstored()).toBe(stored);
    writer.answer(rpcResult(3, 'third'));
    await tick();
    expect(decoded(writes)).toEqual([[1, 1, null, 'first']]);
    stored.complete();
    await stored.promise;
    await tick();
    expect(decoded(writes).map((m) => (m as unknown[])[1])).toEqual([1, 2, 3]);
    expect(writer.lastUnstored()).toBeUndefined();
  });

  it('forgets waiting answers on discardAll', async () => {
    const { socket, writes } = recordingSocket();
    const writer = new OutboundWriter(socket, hooks());
    const stored = new PendingStore();
    writer.answer(rpcResult(1, 'late'), stored);
    writer.discardAll();
    stored.complete();
    await stored.promise;
    await tick();
    expect(writes).toHaveLength(0);
  });

  it('sends nothing new once the connection is closing', async () => {
    const { socket, writes } = recordingSocket();
    const writer = new OutboundWriter(socket, hooks({ isOpen: jest.fn(() => false) }));
    writer.send(rpcNotification('heartbeat', []));
    writer.answer(rpcResult(1, 'pong'));
    await tick();
    expect(writes).toHaveLength(0);
  });

  it('reports a client that leaves more than maxBufferedBytes unread, only while open', () => {
    let open = true;
    const calls = hooks({ maxBufferedBytes: 1000, isOpen: jest.fn(() => open) });
    const writer = new OutboundWriter(stuckDuplex(), calls);
    writer.write(Buffer.alloc(600));
    expect(calls.overflow).not.toHaveBeenCalled();
    writer.write(Buffer.alloc(600));
    expect(calls.overflow).toHaveBeenCalledWith(1200);
    open = false;
    writer.write(Buffer.alloc(600));
    expect(calls.overflow).toHaveBeenCalledTimes(1);
  });

  it('blocks once a quarter of the drop limit waits in the socket, until drained', () => {
    const calls = hooks({ maxBufferedBytes: 64 * 1024 });
    const writer = new OutboundWriter(stuckDuplex(), calls);
    writer.write(Buffer.alloc(16 * 1024)); // flushed at once, under a quarter: not blocked
    expect(writer.blocked).toBe(false);
    writer.write(Buffer.alloc(16 * 1024));
    expect(writer.blocked).toBe(true);
    expect(calls.blocked).toHaveBeenCalledTimes(1);
    writer.drained();
    expect(writer.blocked).toBe(false);
  });
});
