// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { type RawData, WebSocket } from 'ws';
import type { AppConfig } from '../../config/app-config';

/** Close codes the server uses (RFC 6455 §7.4.1); docs/protocol.md §13 lists them for clients. */
export const WS_CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY_VIOLATION: 1008,
  TRY_AGAIN_LATER: 1013,
} as const;

/**
 * Why a session ended. The client's own close is CLOSED; a connection that broke, or stopped
 * answering pings, is CONNECTION_LOST; the rest are the server's decisions.
 */
export type WsEndReason =
  | 'CLOSED'
  | 'CONNECTION_LOST'
  | 'CLIENT_NOT_READING'
  | 'INVALID_MESSAGES'
  | 'MESSAGE_TOO_BIG'
  | 'SLOT_END'
  | 'SHUTDOWN'
  /** The server could not read the packet log to resume the session (docs/protocol.md §14.3). */
  | 'RESUME_FAILED';

/** What a route does with an open session: handle its text messages and hear of its end. */
export interface WsHandlers {
  message(text: string): void;
  ended(reason: WsEndReason): void;
  /** Resolves once every answer owed to the client has been sent (shutdown waits for it). */
  settled?(): Promise<void>;
}

export interface WsLimits {
  maxMessageBytes: number;
  maxBufferedBytes: number;
  maxInvalidMessages: number;
}

export function wsLimits(config: AppConfig['websocket']): WsLimits {
  return {
    maxMessageBytes: config.maxMessageBytes,
    maxBufferedBytes: config.maxBufferedBytes,
    maxInvalidMessages: config.maxInvalidMessages,
  };
}

/** An error message to the client (docs/protocol.md §13.2). */
export interface WsErrorMessage {
  type: 'error';
  code: string;
  message: string;
  id?: string | number;
  details?: Record<string, unknown>;
}

/**
 * One accepted WebSocket: JSON out with a bound on what may queue for a client that stopped
 * reading, keep-alive by ping/pong, a limit on invalid messages in a row, and one end reason.
 * What the session carries belongs to its route (mission packets, booking events).
 *
 * Messages sent in one turn of the event loop leave in one socket write: the connection is corked
 * at the first and uncorked when the turn's I/O is done (setImmediate), so a burst of downlinks,
 * however many reads from the station it came in, costs one system call, not one per message.
 * `ws` frames every message (no hand-made frames); each downlink is serialized once for all the
 * mission's sessions.
 */
export class WsSession {
  private readonly logger = new Logger('WsSession');
  readonly id = randomUUID();
  private handlers: WsHandlers | undefined;
  private answeredPing = true;
  private invalidInARow = 0;
  private endReason: WsEndReason | undefined;
  /** Resolves when the socket has closed (after the close handshake, or cut). */
  readonly whenClosed: Promise<void>;

  private corked = false;
  /** Producers waiting in whenBufferedBelow: released on drain or at the end. */
  private readonly drainWaiters = new Set<() => void>();
  /** The route has been told of the end (once). */
  private finished = false;

  constructor(
    private readonly socket: WebSocket,
    /** The upgraded connection under `socket`, corked while a tick's messages are written. */
    private readonly connection: Duplex,
    readonly remoteAddress: string,
    readonly path: string,
    private readonly limits: WsLimits,
    private readonly onEnded: (session: WsSession) => void,
  ) {
    socket.on('message', this.received);
    socket.on('pong', () => (this.answeredPing = true));
    socket.on('close', this.closed);
    this.whenClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    // A reset or a protocol error from the client: 'close' follows, with 1006 or the code ws chose.
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.endReason ??= 'MESSAGE_TOO_BIG';
      this.logger.debug(`WebSocket ${this.id} error: ${error.message}`);
    });
  }

  /** Starts delivering messages to the route. */
  start(handlers: WsHandlers): void {
    this.handlers = handlers;
  }

  get isOpen(): boolean {
    return this.endReason === undefined && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Sends one JSON message. A client that lets more than maxBufferedBytes queue up is not reading:
   * its session is closed (1013) rather than buffered without limit, and nothing more is queued.
   */
  send(message: object): void {
    this.write(JSON.stringify(message));
  }

  /**
   * Sends a message already serialized as UTF-8 JSON: one downlink serialized once for each of
   * the mission's sessions. Same bound as `send`.
   */
  sendEncoded(json: Buffer): void {
    this.write(json);
  }

  /**
   * Undefined while the client reads; otherwise a promise that resolves once its socket drained
   * (or closed): a sender of many messages (the resume) paces itself on it.
   */
  writable(): Promise<void> | undefined {
    if (!this.isOpen || this.socket.bufferedAmount <= this.limits.maxBufferedBytes / 4) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.connection.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.connection.once('drain', done);
      this.socket.once('close', done);
    });
  }

  private write(json: string | Buffer): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.logger.warn(
        {
          session: this.id,
          path: this.path,
          remote: this.remoteAddress,
          buffered: this.socket.bufferedAmount,
        },
        'WebSocket client is not reading: session closed',
      );
      this.close(
        'CLIENT_NOT_READING',
        WS_CLOSE.TRY_AGAIN_LATER,
        'send buffer full: the client is not reading',
      );
      return;
    }
    if (!this.corked) {
      this.corked = true;
      this.connection.cork();
      setImmediate(this.uncork);
    }
    this.socket.send(json, { binary: false });
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.connection.uncork();
  };

  /** A valid message arrived: the count of invalid ones in a row starts again. */
  valid(): void {
    this.invalidInARow = 0;
  }

  /** Answers an invalid message; too many in a row close the session (1008). */
  invalid(error: WsErrorMessage): void {
    this.send(error);
    this.invalidInARow += 1;
    if (this.invalidInARow < this.limits.maxInvalidMessages) return;
    this.logger.warn(
      { session: this.id, path: this.path, remote: this.remoteAddress, invalid: this.invalidInARow },
      'WebSocket session closed after too many invalid messages',
    );
    this.close(
      'INVALID_MESSAGES',
      WS_CLOSE.POLICY_VIOLATION,
      `${this.invalidInARow} invalid messages in a row`,
    );
  }

  /**
   * Undefined while at most `bytes` wait to be sent to the client; else resolves once less is
   * waiting, or the session ended. A producer that can wait (a replay of the archive) waits here
   * instead of filling the buffer up to maxBufferedBytes.
   */
  whenBufferedBelow(bytes: number): Promise<void> | undefined {
    if (!this.isOpen || this.socket.bufferedAmount <= bytes) return undefined;
    return new Promise((resolve) => {
      const check = () => {
        if (this.isOpen && this.socket.bufferedAmount > bytes) return;
        this.connection.off('drain', check);
        this.drainWaiters.delete(check);
        resolve();
      };
      // 'drain' comes once the connection's buffer is empty (it was over its high-water mark).
      this.connection.on('drain', check);
      this.drainWaiters.add(check);
    });
  }

  /** Bytes waiting to be sent to the client. */
  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** Resolves once the route has sent every answer it owes (at once for a route that owes none). */
  settled(): Promise<void> {
    return this.handlers?.settled?.() ?? Promise.resolve();
  }

  /** Holds (or resumes) reading from the client: backpressure from the packet log. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /**
   * The keep-alive check (run every pingSeconds): a session that has not answered the previous
   * ping is gone and is cut; otherwise it is pinged again.
   */
  keepAlive(): void {
    if (this.endReason !== undefined) return;
    if (!this.answeredPing) {
      this.logger.log({ session: this.id, path: this.path }, 'WebSocket session did not answer a ping: cut');
      this.endReason = 'CONNECTION_LOST';
      this.socket.terminate();
      return;
    }
    this.answeredPing = false;
    this.socket.ping();
  }

  /** Closes the session with a close frame; `reason` is what the route and the log are told. */
  close(reason: WsEndReason, code: number, text: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    this.socket.close(code, text.slice(0, 120)); // a close reason is at most 123 bytes
    // The session ends now for the route: nothing more is sent to or taken from it.
    this.finish();
  }

  /** Cuts the connection without a close handshake (shutdown's last resort). */
  terminate(): void {
    this.endReason ??= 'SHUTDOWN';
    this.socket.terminate();
  }

  private readonly received = (data: RawData, isBinary: boolean): void => {
    if (this.endReason !== undefined) return;
    this.answeredPing = true; // anything from the client shows it is alive
    if (isBinary) {
      this.invalid({
        type: 'error',
        code: 'INVALID_MESSAGE',
        message: 'send text frames holding JSON; binary frames are not accepted',
      });
      return;
    }
    this.handlers?.message(rawText(data));
  };

  private readonly closed = (code: number): void => {
    this.endReason ??=
      code === WS_CLOSE.NORMAL || code === WS_CLOSE.GOING_AWAY ? 'CLOSED' : 'CONNECTION_LOST';
    this.finish();
  };

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const waiter of [...this.drainWaiters]) waiter();
    this.onEnded(this);
    this.handlers?.ended(this.endReason ?? 'CONNECTION_LOST');
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
