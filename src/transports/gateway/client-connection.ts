// SPDX-License-Identifier: Apache-2.0
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { Clock } from '../../common/clock';
import type { Actor } from '../../common/request-context';
import type { AppConfig } from '../../config/app-config';
import {
  RELAY_EVENT,
  type DisconnectReason,
  type RelayEventId,
  type RelayPeer,
  type RelayPort,
  type RelaySession,
} from '../../relay/relay-port';
import { encodeFrame } from './frame-codec';
import { CLOSE_NOTICE } from './gateway-errors';
import { type MethodHost, noSession } from './gateway-methods';
import { InboundQueue } from './inbound-queue';
import { OutboundWriter } from './outbound-writer';
import { RequestDispatcher } from './request-dispatch';
import { type RpcError, type RpcNotificationFrame, rpcNotification } from './rpc-message';

export { MAX_QUEUED_MESSAGES } from './inbound-queue';

/**
 * One client of the TLS gateway (docs/protocol.md, "Connection lifecycle"), over any Duplex so
 * that tests need no sockets. States: AWAIT_LOGIN → AUTHENTICATED → CLOSING → CLOSED.
 *
 * - Requests are handled one at a time in arrival order: a pipelined startRemote is complete
 *   before the sendMsg behind it runs, and frames reach the relay in the order they were sent.
 * - Answers go out in request order. A sendMsg's answer waits until its frame is in the packet
 *   log (AfterStored), and the answers behind it wait with it; the requests behind it are handled
 *   meanwhile, so a sender's throughput is not bounded by the database's commit latency.
 * - Outgoing frames written in one tick are coalesced into one socket write. A client that stops
 *   reading is first no longer read from, then dropped once its outbound buffer passes
 *   maxBufferedBytes: nothing is buffered without bound.
 * - The inbound queue (inbound-queue.ts), the request dispatcher (request-dispatch.ts) and the
 *   outbound writer with its ordered answers (outbound-writer.ts) do the work; this file keeps
 *   the lifecycle (states, timers, closing) and what the relay and the method table may do.
 * - close() is idempotent; every path ends in CLOSED with no timer or listener left and, if a
 *   session was active, relay.disconnected(session) called exactly once.
 */

export type ConnectionState = 'AWAIT_LOGIN' | 'AUTHENTICATED' | 'CLOSING' | 'CLOSED';

export interface ConnectionLimits {
  loginTimeoutMs: number;
  maxLoginFailures: number;
  /** A heartbeat is sent after this long without sending anything. */
  heartbeatMs: number;
  /** The connection is closed after this long without receiving anything. */
  idleTimeoutMs: number;
  /** Largest message body accepted from the client. */
  maxMessageBytes: number;
  /** Outgoing bytes queued for the client beyond which it is dropped. */
  maxBufferedBytes: number;
  /** How long a closing connection may take to flush its last frames before it is destroyed. */
  closeGraceMs: number;
}

export const CLOSE_GRACE_MS = 2000;

export function connectionLimits(gateway: AppConfig['gateway']): ConnectionLimits {
  return {
    loginTimeoutMs: gateway.loginTimeoutMs,
    maxLoginFailures: gateway.maxLoginFailures,
    heartbeatMs: gateway.heartbeatSeconds * 1000,
    idleTimeoutMs: gateway.idleTimeoutSeconds * 1000,
    maxMessageBytes: gateway.maxMessageBytes,
    maxBufferedBytes: gateway.maxBufferedBytes,
    closeGraceMs: CLOSE_GRACE_MS,
  };
}

export interface ConnectionOptions {
  connectionId: string;
  remoteAddress: string;
  relay: RelayPort;
  /** sendNonScheduled's service; absent, the method is not offered. */
  nonScheduled?: MethodHost['nonScheduled'];
  limits: ConnectionLimits;
  clock: Clock;
  /** Called once, when the connection reaches CLOSED. */
  onClosed?: (connection: ClientConnection) => void;
}

export class ClientConnection implements RelayPeer, MethodHost {
  private static readonly logger = new Logger('GatewayConnection');
  readonly connectionId: string;
  readonly remoteAddress: string;
  readonly relay: RelayPort;
  readonly nonScheduled: MethodHost['nonScheduled'];
  readonly peer: RelayPeer = this;
  private readonly limits: ConnectionLimits;
  private readonly clock: Clock;
  private readonly onClosed: ((connection: ClientConnection) => void) | undefined;
  private readonly connectedAtMs: number;
  private readonly inbound: InboundQueue;
  private readonly outbound: OutboundWriter;
  private readonly dispatcher: RequestDispatcher;
  private stateValue: ConnectionState = 'AWAIT_LOGIN';
  private actorValue: Actor | undefined;
  private sessionValue: RelaySession | undefined;
  private closeReason = '';
  /** What the relay is told when this connection ends with a session (see dropNotReading()). */
  private disconnectReason: DisconnectReason = 'CONNECTION_LOST';
  /** Resolved once the client reads again after its socket backed up (see writable). */
  private writableWaiters: (() => void)[] = [];
  private readonly loginTimer: NodeJS.Timeout;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly idleTimer: NodeJS.Timeout;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Duplex,
    options: ConnectionOptions,
  ) {
    this.connectionId = options.connectionId;
    this.remoteAddress = options.remoteAddress;
    this.relay = options.relay;
    this.nonScheduled = options.nonScheduled;
    this.limits = options.limits;
    this.clock = options.clock;
    this.onClosed = options.onClosed;
    this.connectedAtMs = this.clock.nowMs();
    this.inbound = this.createInbound();
    this.outbound = this.createOutbound();
    this.dispatcher = this.createDispatcher();
    this.loginTimer = unrefTimer(this.loginDeadlinePassed, this.limits.loginTimeoutMs);
    this.heartbeatTimer = unrefTimer(this.heartbeatDue, this.limits.heartbeatMs);
    this.idleTimer = unrefTimer(this.idleTimeoutPassed, this.limits.idleTimeoutMs);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onSocketClose);
    socket.on('drain', this.onDrain);
    // A socket reset before we were handed it emits no more events: finish on our own.
    if (socket.destroyed) process.nextTick(this.onSocketClose);
  }

  /** The inbound half: created once, its hooks read this connection's state when called. */
  private createInbound(): InboundQueue {
    return new InboundQueue(this.socket, {
      connectionId: this.connectionId,
      maxMessageBytes: this.limits.maxMessageBytes,
      isOpen: () => this.isOpen,
      writeBlocked: () => this.outbound.blocked,
      whenReady: () => this.relay.whenReady(),
      received: () => this.idleTimer.refresh(),
      process: (message) => this.dispatcher.process(message),
      close: (reason, notice) => this.close(reason, notice),
      warn: (message) => this.log('warn', message),
      failed: this.failed,
    });
  }

  /** The outbound half, likewise. */
  private createOutbound(): OutboundWriter {
    return new OutboundWriter(this.socket, {
      connectionId: this.connectionId,
      maxBufferedBytes: this.limits.maxBufferedBytes,
      isOpen: () => this.isOpen,
      flushed: () => this.heartbeatTimer.refresh(),
      blocked: () => this.inbound.updateReading(),
      overflow: (waiting) => this.dropNotReading(waiting),
      failed: this.failed,
    });
  }

  /** What each decoded message is handed to. */
  private createDispatcher(): RequestDispatcher {
    return new RequestDispatcher({
      connectionId: this.connectionId,
      maxLoginFailures: this.limits.maxLoginFailures,
      host: this,
      awaitingLogin: () => this.stateValue === 'AWAIT_LOGIN',
      authenticated: () => this.stateValue === 'AUTHENTICATED',
      answer: (response, stored) => this.outbound.answer(response, stored),
      send: (message) => this.outbound.send(message),
      close: (reason, notice) => this.close(reason, notice),
      warn: (message) => this.log('warn', message),
    });
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get actor(): Actor | undefined {
    return this.actorValue;
  }

  get session(): RelaySession | undefined {
    return this.sessionValue;
  }

  private get isOpen(): boolean {
    return this.stateValue === 'AWAIT_LOGIN' || this.stateValue === 'AUTHENTICATED';
  }

  // ---- RelayPeer: what the relay may do to this client -------------------------------------

  notifyMsg(data: Uint8Array, dopplerShiftHz: number, gsTimestamp: string, seq: number): void {
    // Encoded (and so copied) at once: the relay may reuse `data` when this returns. The sequence
    // number trails (docs/protocol.md §14): a client that reads three params is unaffected.
    if (this.stateValue === 'AUTHENTICATED') {
      this.send(rpcNotification('notifyMsg', [data, dopplerShiftHz, gsTimestamp, seq]));
    }
  }

  writable(): Promise<void> | undefined {
    if (!this.isOpen || !this.outbound.blocked) return undefined;
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Whoever waits for this client to read (the resume) goes on: it reads again, or is gone. */
  private releaseWritable(): void {
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }

  notifyEvent(eventId: RelayEventId, reason?: DisconnectReason): void {
    if (this.stateValue !== 'AUTHENTICATED') return;
    // The slot's sessions end with it (the relay closes the connection next): nothing to release.
    if (eventId === RELAY_EVENT.SLOT_END) this.sessionValue = undefined;
    this.send(rpcNotification('notifyEvent', reason ? [eventId, reason] : [eventId]));
  }

  /**
   * Ends the connection: sends `notice` (as an `error` notification) if given, flushes, ends the
   * socket, and destroys it if the client has not closed within closeGraceMs. Idempotent.
   */
  close(reason: string, notice?: RpcError): void {
    if (!this.beginClose(reason)) return;
    this.lingerTimer = unrefTimer(() => this.socket.destroy(), this.limits.closeGraceMs);
    // Answers still waiting for the packet log go out first: the client is told what was stored.
    const last = this.outbound.lastUnstored();
    if (last) last.promise.then(() => this.finishClose(notice)).catch(this.failed);
    else this.finishClose(notice);
  }

  private finishClose(notice: RpcError | undefined): void {
    if (this.socket.destroyed) return;
    this.outbound.releaseAnswers();
    if (notice) this.outbound.write(encodeFrame(rpcNotification('error', [notice])));
    this.outbound.flush();
    this.socket.end();
  }

  /** Ends the connection at once, without flushing (a stuck client, or the server going down). */
  abort(reason: string): void {
    this.beginClose(reason);
    this.outbound.discardAll();
    this.socket.destroy();
  }

  // ---- MethodHost: what the method table may change ----------------------------------------

  loggedIn(actor: Actor): void {
    if (this.stateValue !== 'AWAIT_LOGIN') return; // the deadline passed while the key was checked
    this.actorValue = actor;
    this.stateValue = 'AUTHENTICATED';
    clearTimeout(this.loginTimer);
    this.log('log', `logged in as ${actor.username}`);
  }

  sessionStarted(session: RelaySession): void {
    if (this.isOpen) this.sessionValue = session;
    else this.tellRelayDisconnected(session); // closed while startRemote was in flight
  }

  takeSession(): RelaySession {
    const session = this.sessionValue;
    if (!session) throw noSession();
    this.sessionValue = undefined;
    return session;
  }

  // ---- Timers: public so that tests can drive them instead of waiting ----------------------

  readonly loginDeadlinePassed = (): void => {
    if (this.stateValue !== 'AWAIT_LOGIN') return;
    this.close('login deadline passed', {
      code: CLOSE_NOTICE.LOGIN_TIMEOUT,
      message: `no successful login within ${this.limits.loginTimeoutMs} ms`,
    });
  };

  readonly heartbeatDue = (): void => {
    if (this.isOpen) this.send(rpcNotification('heartbeat', []));
  };

  readonly idleTimeoutPassed = (): void => {
    if (!this.isOpen) return;
    this.close('idle timeout', {
      code: CLOSE_NOTICE.IDLE_TIMEOUT,
      message: `nothing received for ${this.limits.idleTimeoutMs / 1000} s; send ping to stay connected`,
    });
  };

  // ---- Outbound ------------------------------------------------------------------------------

  private send(message: RpcNotificationFrame): void {
    this.outbound.send(message);
  }

  /**
   * A client that stopped reading (docs/protocol.md §8, "Backpressure"): its session ends as
   * CLIENT_NOT_READING, which the other side hears with REMOTE_DISCONNECTED and the audit keeps.
   * The notice is queued behind what it has not read and the socket ended: a client that was
   * only stalled and reads again within closeGraceMs still learns why; otherwise it is destroyed.
   */
  private dropNotReading(waiting: number): void {
    this.log('warn', `dropped: ${waiting} bytes waiting to be sent`);
    this.disconnectReason = 'CLIENT_NOT_READING';
    this.outbound.discardPending(); // not handed to the socket yet: they would never be read either
    this.close('the client stopped reading (outbound buffer full)', {
      code: CLOSE_NOTICE.CLIENT_NOT_READING,
      message: `${waiting} bytes were waiting for you to read them (at most ${this.limits.maxBufferedBytes}); your session has ended`,
    });
  }

  private readonly onDrain = (): void => {
    this.outbound.drained();
    this.releaseWritable();
    this.idleTimer.refresh(); // it reads again: it was not idle, we were not listening
    this.inbound.updateReading();
    this.inbound.wake();
  };

  // ---- Closing -------------------------------------------------------------------------------

  /** CLOSING: timers stopped, input ignored, session released. False if already closing. */
  private beginClose(reason: string): boolean {
    if (!this.isOpen) return false;
    this.stateValue = 'CLOSING';
    this.closeReason = reason;
    clearTimeout(this.loginTimer);
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.idleTimer);
    this.inbound.stop();
    const session = this.sessionValue;
    this.sessionValue = undefined;
    if (session) this.tellRelayDisconnected(session);
    return true;
  }

  private tellRelayDisconnected(session: RelaySession): void {
    try {
      this.relay.disconnected(session, this.disconnectReason);
    } catch (error) {
      ClientConnection.logger.error(
        { err: error, connectionId: this.connectionId },
        'relay.disconnected failed',
      );
    }
  }

  private readonly onEnd = (): void => this.close('the client ended the connection');

  /** Work this connection started on a promise failed: a bug, so the connection is dropped. */
  private readonly failed = (error: unknown): void => {
    ClientConnection.logger.error(
      { err: error, connectionId: this.connectionId },
      'gateway connection failure',
    );
    this.abort('internal error');
  };

  private readonly onError = (error: Error): void => {
    this.log('debug', `socket error: ${error.message}`);
    this.close(`socket error: ${error.message}`);
  };

  private readonly onSocketClose = (): void => {
    if (this.stateValue === 'CLOSED') return;
    this.beginClose('the connection was closed');
    this.stateValue = 'CLOSED';
    clearTimeout(this.lingerTimer);
    this.outbound.discardPending();
    this.inbound.detach();
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onSocketClose);
    this.socket.off('drain', this.onDrain);
    this.releaseWritable();
    const seconds = ((this.clock.nowMs() - this.connectedAtMs) / 1000).toFixed(1);
    this.log('log', `closed after ${seconds} s: ${this.closeReason}`);
    this.onClosed?.(this);
  };

  private log(level: 'log' | 'warn' | 'debug', message: string): void {
    const context = {
      connectionId: this.connectionId,
      remoteAddress: this.remoteAddress,
      username: this.actorValue?.username,
    };
    ClientConnection.logger[level](context, message);
  }
}

function unrefTimer(callback: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(callback, ms).unref();
}
