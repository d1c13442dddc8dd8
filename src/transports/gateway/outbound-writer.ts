// SPDX-License-Identifier: Apache-2.0
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { Stored } from '../../relay/relay-port';
import { encodeFrame } from './frame-codec';
import { INTERNAL_RPC_ERROR } from './gateway-errors';
import { RPC_TYPE, rpcErrorResponse, type RpcNotificationFrame, type RpcResponseFrame } from './rpc-message';

/**
 * The outbound half of one gateway connection (see client-connection.ts): frames written in one
 * tick are coalesced into one socket write; answers go out in request order, a sendMsg's answer
 * (and those behind it) only once its frame is in the packet log (AfterStored); the socket's
 * writable length is watched so that a client that stops reading first blocks its own requests,
 * then is handed to `overflow` once its outbound buffer passes maxBufferedBytes.
 */

/** What the writer needs from its connection; called synchronously, never stored elsewhere. */
export interface OutboundHooks {
  readonly connectionId: string;
  /** Outgoing bytes queued for the client beyond which it is dropped. */
  readonly maxBufferedBytes: number;
  /** False once the connection is closing: nothing new is sent, nothing counts as overflow. */
  isOpen(): boolean;
  /** Bytes were handed to the socket (the heartbeat can wait). */
  flushed(): void;
  /** The socket stopped taking writes: reading may need to pause. */
  blocked(): void;
  /** More than maxBufferedBytes wait for the client. */
  overflow(waiting: number): void;
  /** Work started on a promise failed: a bug. */
  readonly failed: (error: unknown) => void;
}

/**
 * Coalesced frames are written at the end of the tick, or as soon as this many bytes wait (one
 * full TLS record), so a burst of answers is never mistaken for a client that stopped reading.
 */
const FLUSH_BYTES = 16 * 1024;

/** Most outbound bytes a client may leave unread before its requests wait (see flush). */
const MAX_PAUSE_BYTES = 256 * 1024;

export class OutboundWriter {
  private static readonly logger = new Logger('GatewayConnection');
  /** Outbound bytes waiting in the socket beyond which requests wait and reading pauses. */
  private readonly pauseBytes: number;
  // Answers waiting for their frame's group commit (or behind one that does), in request order.
  // Encoded when they go out: a frame's answer may change until then (delivered, docs §17).
  private unanswered: { response: RpcResponseFrame; stored: Stored | undefined }[] = [];
  private unansweredHead = 0;
  /** The last group commit this connection subscribed to: each is awaited once. */
  private awaitedStore: Stored | undefined;
  // Frames written this tick, flushed together.
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private writeBlocked = false;

  constructor(
    private readonly socket: Duplex,
    private readonly hooks: OutboundHooks,
  ) {
    this.pauseBytes = Math.min(MAX_PAUSE_BYTES, Math.floor(hooks.maxBufferedBytes / 4));
  }

  /** True while the client leaves more than pauseBytes unread: requests wait for 'drain'. */
  get blocked(): boolean {
    return this.writeBlocked;
  }

  /** The socket drained: requests may run again. */
  drained(): void {
    this.writeBlocked = false;
  }

  /**
   * The latest commit a waiting answer waits for, if it is not done yet: once it is, every
   * waiting answer can go (commits complete in order), even those behind it that wait for none.
   */
  lastUnstored(): Stored | undefined {
    const waiting = this.unansweredHead < this.unanswered.length;
    const last = this.awaitedStore;
    return waiting && last && !last.done ? last : undefined;
  }

  /** Forgets the frames not yet handed to the socket (they would never be read). */
  discardPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Forgets everything not yet handed to the socket, waiting answers included. */
  discardAll(): void {
    this.discardPending();
    this.unanswered = [];
    this.unansweredHead = 0;
  }

  send(message: RpcNotificationFrame): void {
    if (!this.hooks.isOpen()) return;
    const frame = this.encode(message);
    if (frame) this.write(frame);
  }

  /**
   * Sends a response in request order: at once when nothing before it waits and its frame (if
   * any) is stored; otherwise after everything before it, once `stored` is done.
   */
  answer(response: RpcResponseFrame, stored?: Stored): void {
    if (!this.hooks.isOpen()) return;
    const waiting = this.unansweredHead < this.unanswered.length;
    if (!waiting && (!stored || stored.done)) {
      this.writeAnswer(response);
      return;
    }
    this.unanswered.push({ response, stored });
    if (stored && !stored.done && stored !== this.awaitedStore) {
      this.awaitedStore = stored;
      stored.promise.then(this.releaseAnswers).catch(this.hooks.failed);
    }
  }

  /** Writes the waiting answers up to the first whose frame is not stored yet. */
  readonly releaseAnswers = (): void => {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    const waiting = this.unanswered;
    let head = this.unansweredHead;
    while (head < waiting.length && (waiting[head].stored?.done ?? true))
      this.writeAnswer(waiting[head++].response);
    if (head === waiting.length) {
      this.unanswered = [];
      this.unansweredHead = 0;
    } else this.unansweredHead = head;
  };

  private writeAnswer(response: RpcResponseFrame): void {
    const frame = this.encode(response);
    if (frame) this.write(frame);
  }

  private encode(message: RpcResponseFrame | RpcNotificationFrame): Buffer | undefined {
    try {
      return encodeFrame(message);
    } catch (error) {
      // A result or error detail with no msgpack form is a bug; the client still gets an answer.
      OutboundWriter.logger.error(
        { err: error, connectionId: this.hooks.connectionId },
        'unencodable message',
      );
      if (message[0] !== RPC_TYPE.RESPONSE) return undefined;
      return encodeFrame(rpcErrorResponse(message[1], INTERNAL_RPC_ERROR));
    }
  }

  /** Queues an encoded frame for this tick's write; past maxBufferedBytes, see `overflow`. */
  write(frame: Buffer): void {
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    const waiting = this.socket.writableLength + this.pendingBytes;
    if (this.hooks.isOpen() && waiting > this.hooks.maxBufferedBytes) {
      this.hooks.overflow(waiting);
      return;
    }
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** One socket write for everything sent this tick (a TLS record each, not one per frame). */
  readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.pending.length === 0 || this.socket.destroyed) return;
    const pending = this.pending;
    const data = pending.length === 1 ? pending[0] : Buffer.concat(pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.hooks.flushed();
    // write() says false past the socket's 16 KiB high-water mark, which one coalesced flush
    // reaches: taken literally, every flush would stall the queue until 'drain'. The client
    // counts as not reading only once a quarter of its drop limit is waiting.
    if (!this.socket.write(data) && this.socket.writableLength > this.pauseBytes) {
      this.writeBlocked = true;
      this.hooks.blocked();
    }
  };
}
