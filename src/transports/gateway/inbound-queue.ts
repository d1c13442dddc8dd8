// SPDX-License-Identifier: Apache-2.0
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { FRAME_HEADER_BYTES, FrameDecoder, FrameError } from './frame-codec';
import { INTERNAL_RPC_ERROR } from './gateway-errors';
import type { RpcError } from './rpc-message';

/**
 * The inbound half of one gateway connection (see client-connection.ts): decodes the socket's
 * bytes into messages, keeps them in arrival order and hands them to `process` one at a time,
 * waiting while the client does not read its answers or the relay's packet log catches up
 * (RelayPort.whenReady); reading pauses while either lasts or too many messages wait.
 */

/** What the queue needs from its connection. */
export interface InboundHooks {
  readonly connectionId: string;
  /** Largest message body accepted from the client. */
  readonly maxMessageBytes: number;
  /** False once the connection is closing: nothing more is handled. */
  isOpen(): boolean;
  /** True while the client leaves its answers unread (see OutboundWriter.blocked). */
  writeBlocked(): boolean;
  /** The relay's back-pressure: a promise while its packet log catches up. */
  whenReady(): Promise<void> | undefined;
  /** Bytes arrived (the client is not idle). */
  received(): void;
  /** Handles one message; a promise only while its handler is still at work. */
  process(message: unknown): Promise<void> | undefined;
  close(reason: string, notice: RpcError): void;
  warn(message: string): void;
  /** Work started on a promise failed: a bug. */
  readonly failed: (error: unknown) => void;
}

/** Decoded messages waiting for their turn beyond which the socket is no longer read. */
export const MAX_QUEUED_MESSAGES = 1024;

/** Queued after the messages that preceded a bad frame: close once they are handled. */
const FATAL = Symbol('fatal');

export class InboundQueue {
  private static readonly logger = new Logger('GatewayConnection');
  private readonly decoder: FrameDecoder;
  // Decoded messages in arrival order; `head` is the next one to handle.
  private queue: unknown[] = [];
  private head = 0;
  private pumping = false;
  private fatal: { reason: string; notice: RpcError } | undefined;
  private drainWaiter: (() => void) | undefined;
  private readingPaused = false;

  constructor(
    private readonly socket: Duplex,
    private readonly hooks: InboundHooks,
  ) {
    this.decoder = new FrameDecoder({
      maxFrameBytes: hooks.maxMessageBytes,
      maxBufferedBytes: hooks.maxMessageBytes + FRAME_HEADER_BYTES,
      // An integer parameter sent as a float is refused even when the float is whole (§5.3).
      markWholeFloats: true,
    });
    socket.on('data', this.onData);
  }

  /** Closing: input is ignored and discarded (so that the client's end is seen), the queue dropped. */
  stop(): void {
    this.socket.off('data', this.onData);
    this.socket.resume();
    this.queue = [];
    this.head = 0;
    this.wake();
  }

  /** Closed: the listener is gone (again, in case the socket closed before stop()). */
  detach(): void {
    this.socket.off('data', this.onData);
  }

  /** The socket drained: a queue waiting for it runs again. */
  wake(): void {
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.();
  }

  /** Stops reading while our writes are blocked or too many messages wait to be handled. */
  updateReading(): void {
    if (!this.hooks.isOpen() || this.fatal) return;
    const pause = this.hooks.writeBlocked() || this.queue.length - this.head > MAX_QUEUED_MESSAGES;
    if (pause === this.readingPaused) return;
    this.readingPaused = pause;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.hooks.received();
    let messages: unknown[];
    try {
      messages = this.decoder.push(chunk);
    } catch (error) {
      this.inputFailed(error);
      return;
    }
    for (let i = 0; i < messages.length; i++) this.queue.push(messages[i]);
    this.updateReading();
    this.pump();
  };

  /** A bad frame: answer what came before it, then send the reason and close. */
  private inputFailed(error: unknown): void {
    if (!(error instanceof FrameError)) {
      InboundQueue.logger.error(
        { err: error, connectionId: this.hooks.connectionId },
        'frame decoder failure',
      );
      this.hooks.close('frame decoder failure', INTERNAL_RPC_ERROR);
      return;
    }
    this.hooks.warn(`bad frame from the client: ${error.message}`);
    this.fatal = {
      reason: `bad frame (${error.reason})`,
      notice: { code: error.reason, message: error.message },
    };
    // The stream position is lost: nothing after the bad frame counts. Paused, not discarded,
    // so that the client's end is not seen before the frames ahead of the bad one are answered.
    this.socket.off('data', this.onData);
    this.socket.pause();
    for (const message of error.decodedBefore) this.queue.push(message);
    this.queue.push(FATAL);
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.runQueue().catch(this.hooks.failed);
  }

  /** Handles queued messages strictly one after another; never rejects. */
  private async runQueue(): Promise<void> {
    try {
      while (this.head < this.queue.length && this.hooks.isOpen()) {
        // A client that does not read its answers gets no more of them until it does.
        if (this.hooks.writeBlocked()) await this.drained();
        // Nor does anyone while the relay's packet log catches up: reading pauses once the queue
        // fills, and TCP slows the senders down (RelayPort.whenReady).
        const relayBusy = this.hooks.whenReady();
        if (relayBusy) await relayBusy;
        if (!this.hooks.isOpen()) break;
        const item = this.queue[this.head];
        this.queue[this.head++] = undefined; // let the chunk it points into go
        if (item === FATAL && this.fatal) this.hooks.close(this.fatal.reason, this.fatal.notice);
        else {
          // Awaited only when the handler is asynchronous: a relayed frame is answered in the
          // same turn, without a promise per frame (see RelayPort.sendMsg).
          const pending = this.hooks.process(item);
          if (pending) await pending;
        }
        this.compactQueue();
        this.updateReading();
      }
    } catch (error) {
      InboundQueue.logger.error(
        { err: error, connectionId: this.hooks.connectionId },
        'gateway queue failure',
      );
      this.hooks.close('internal error', INTERNAL_RPC_ERROR);
    } finally {
      this.pumping = false;
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => (this.drainWaiter = resolve));
  }

  private compactQueue(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= MAX_QUEUED_MESSAGES) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
