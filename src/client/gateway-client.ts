// SPDX-License-Identifier: Apache-2.0
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { RELAY_EVENT, type RelaySide, START_REMOTE, type StartRemoteCode } from '../relay/relay-port';
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from '../transports/gateway/frame-codec';
import {
  MAX_MSGID,
  parseRpcMessage,
  type RpcError,
  type RpcNotification,
  type RpcResponse,
  rpcRequest,
} from '../transports/gateway/rpc-message';

/**
 * TypeScript client of the TLS gateway (docs/protocol.md): a promise per request, any number of
 * requests in flight (pipelining: answers are matched by msgid), events for what the server
 * sends on its own. Used by the e2e tests, the command-line client and the benchmarks.
 */

export const DEFAULT_GATEWAY_PORT = 25345;
/** A third of the server's default idle timeout (60 s): a lost ping or two is survived. */
export const DEFAULT_KEEP_ALIVE_MS = 20_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Coalesced requests are written at the end of the tick, or once this many bytes wait. */
const FLUSH_BYTES = 16 * 1024;
/** Bytes waiting in the socket beyond which the client holds further writes until 'drain'. */
const HOLD_BYTES = 256 * 1024;

export interface GatewayClientOptions {
  host: string;
  port?: number;
  /** PEM certificate(s) to verify the server with; the development certificate is its own CA. */
  ca?: string | Buffer;
  /**
   * SHA-256 fingerprint of the server certificate (hex, colons and case ignored). Without `ca`
   * it replaces CA verification: exactly that certificate is accepted.
   */
  fingerprint256?: string;
  /** Accept any certificate. Development only: anyone in the path can read the traffic. */
  insecure?: boolean;
  /** TLS server name, when `host` is an address and the certificate names a host. */
  servername?: string;
  /** After login, ping when nothing was sent for this long (0: never). */
  keepAliveMs?: number;
  connectTimeoutMs?: number;
  /** Largest message accepted from the server. */
  maxMessageBytes?: number;
}

export interface SendMsgResult {
  delivered: boolean;
  /** Hz */
  dopplerShift: number;
  gsTimestamp: string;
  /** The frame's sequence number in the slot and direction. */
  seq: number;
}

export interface NonScheduledFrame {
  data: Uint8Array;
  gsTimestamp: string | number;
  frequencyHz?: number;
}

export interface NonScheduledResult {
  groundStation: string;
  stored: number;
  duplicates: number;
  attributed: number;
  frames: { index: number; status: 'STORED' | 'DUPLICATE'; id: number; spacecraft: string | null }[];
}

export interface GatewayClientEvents {
  /** A frame from the other side. `data` is a view into the received bytes: copy what you keep. */
  /** `seq`: its sequence number in the slot and direction; pass the last one to startRemote to resume. */
  notifyMsg: [data: Buffer, dopplerShift: number, gsTimestamp: string, seq: number | undefined];
  /** `reason` comes with REMOTE_DISCONNECTED: CONNECTION_LOST or CLIENT_NOT_READING. */
  notifyEvent: [eventId: number, name: string, reason: string | undefined];
  heartbeat: [];
  /** The server's `error` notification: usually the reason it is about to close. */
  serverError: [error: RpcError];
  close: [reason: string];
}

/** An error response from the server. */
export class GatewayRpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(`${code}: ${message}`);
    this.name = 'GatewayRpcError';
  }
}

/** The connection closed before the answer came. */
export class GatewayClosedError extends Error {
  constructor(reason: string) {
    super(`the gateway connection is closed (${reason})`);
    this.name = 'GatewayClosedError';
  }
}

export function eventName(eventId: number): string {
  const entry = Object.entries(RELAY_EVENT).find(([, id]) => id === eventId);
  return entry ? entry[0] : `EVENT_${eventId}`;
}

export function startRemoteName(code: number): string {
  const entry = Object.entries(START_REMOTE).find(([, value]) => value === code);
  return entry ? entry[0] : `CODE_${code}`;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class GatewayClient extends EventEmitter {
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private readonly keepAliveMs: number;
  private nextMsgid = 1;
  private outgoing: Buffer[] = [];
  private outgoingBytes = 0;
  private flushScheduled = false;
  private blocked = false;
  private writableWaiters: (() => void)[] = [];
  private keepAliveTimer: NodeJS.Timeout | undefined;
  /** The `seq` of the last notifyMsg received: what startRemote's `lastSeq` takes after a drop. */
  lastSeq: number | undefined;
  private closedReason: string | undefined;
  private serverError: RpcError | undefined;
  private socketError: Error | undefined;

  /** Connects over TLS and checks the certificate (CA, pinned fingerprint, or neither when insecure). */
  static async connect(options: GatewayClientOptions): Promise<GatewayClient> {
    const pin =
      options.fingerprint256 === undefined ? undefined : normalizeFingerprint(options.fingerprint256);
    const socket = tlsConnect({
      host: options.host,
      port: options.port ?? DEFAULT_GATEWAY_PORT,
      ca: options.ca,
      servername: options.servername,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: !options.insecure && (pin === undefined || options.ca !== undefined),
    });
    await secureConnect(socket, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    const actual = socket.getPeerCertificate().fingerprint256;
    if (pin !== undefined && actual !== pin) {
      socket.destroy();
      throw new Error(`the server certificate's SHA-256 fingerprint is ${actual}, not the pinned ${pin}`);
    }
    socket.setNoDelay(true);
    return new GatewayClient(socket, options);
  }

  /** Over an already connected stream (tests use in-memory pairs). */
  constructor(
    private readonly stream: Duplex,
    options: Pick<GatewayClientOptions, 'keepAliveMs' | 'maxMessageBytes'> = {},
  ) {
    super();
    const maxFrameBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.decoder = new FrameDecoder({ maxFrameBytes, maxBufferedBytes: maxFrameBytes + FRAME_HEADER_BYTES });
    this.keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    stream.on('data', this.onData);
    stream.on('drain', this.onDrain);
    stream.on('error', (error: Error) => (this.socketError ??= error));
    stream.on('end', () => stream.end()); // the server closed: close our side too
    stream.on('close', this.onClose);
  }

  override on<E extends keyof GatewayClientEvents>(
    event: E,
    listener: (...args: GatewayClientEvents[E]) => void,
  ): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<E extends keyof GatewayClientEvents>(
    event: E,
    listener: (...args: GatewayClientEvents[E]) => void,
  ): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Bytes written by the caller and not yet handed to the kernel. */
  get bufferedBytes(): number {
    return this.outgoingBytes + this.stream.writableLength;
  }

  /** The TLS details of the connection (undefined over a plain stream). */
  get tls(): { protocol: string | null; fingerprint256: string } | undefined {
    const socket = this.stream as Partial<TLSSocket>;
    if (typeof socket.getProtocol !== 'function' || typeof socket.getPeerCertificate !== 'function')
      return undefined;
    return { protocol: socket.getProtocol(), fingerprint256: socket.getPeerCertificate().fingerprint256 };
  }

  async login(apiKey: string): Promise<{ username: string }> {
    const result = (await this.call('login', [apiKey])) as { username: string };
    this.startKeepAlive();
    return result;
  }

  /**
   * `lastSeq`: resume after the last frame received in this slot (its notifyMsg `seq`); the missed
   * frames arrive as notifyMsg before this resolves (docs/protocol.md §14.1).
   */
  async startRemote(slotId: string, side?: RelaySide, lastSeq?: number): Promise<StartRemoteCode> {
    const params: unknown[] = [slotId];
    if (side !== undefined || lastSeq !== undefined) params.push(side ?? null);
    if (lastSeq !== undefined) params.push(lastSeq);
    return (await this.call('startRemote', params)) as StartRemoteCode;
  }

  /** `timestamp`: when the frame was produced; ISO 8601 or milliseconds since the epoch (default now). */
  async sendMsg(data: Uint8Array, timestamp: string | number = Date.now()): Promise<SendMsgResult> {
    return (await this.call('sendMsg', [data, timestamp])) as SendMsgResult;
  }

  async endRemote(): Promise<void> {
    await this.call('endRemote', []);
  }

  /** Frames your station heard outside any slot (docs/protocol.md §14); no session needed. */
  async sendNonScheduled(groundStation: string, frames: NonScheduledFrame[]): Promise<NonScheduledResult> {
    return (await this.call('sendNonScheduled', [groundStation, frames])) as NonScheduledResult;
  }

  async ping(): Promise<string> {
    return (await this.call('ping', [])) as string;
  }

  /** Any request; resolves with its result, rejects with GatewayRpcError or GatewayClosedError. */
  call(method: string, params: unknown[]): Promise<unknown> {
    if (this.closedReason !== undefined) return Promise.reject(new GatewayClosedError(this.closedReason));
    const msgid = this.allocateMsgid();
    const frame = encodeFrame(rpcRequest(msgid, method, params));
    return new Promise((resolve, reject) => {
      this.pending.set(msgid, { resolve, reject });
      this.write(frame);
    });
  }

  /** Resolves when the client's own writes are no longer held back by the socket. */
  whenWritable(): Promise<void> {
    if (!this.blocked || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Ends the connection after what was written is sent; resolves once closed. */
  async close(): Promise<void> {
    if (this.closedReason !== undefined) return;
    const closed = new Promise<void>((resolve) => this.stream.once('close', () => resolve()));
    this.flush();
    this.stream.end();
    await closed;
  }

  /** Ends the connection at once. */
  destroy(): void {
    this.stream.destroy();
  }

  private allocateMsgid(): number {
    let msgid = this.nextMsgid;
    while (this.pending.has(msgid)) msgid = msgid >= MAX_MSGID ? 0 : msgid + 1;
    this.nextMsgid = msgid >= MAX_MSGID ? 0 : msgid + 1;
    return msgid;
  }

  // ---- Outbound ------------------------------------------------------------------------------

  private write(frame: Buffer): void {
    this.outgoing.push(frame);
    this.outgoingBytes += frame.length;
    if (this.outgoingBytes >= FLUSH_BYTES && !this.blocked) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** One write for everything requested this tick; held back while the socket is full. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.blocked || this.outgoing.length === 0 || this.stream.destroyed) return;
    const outgoing = this.outgoing;
    const data = outgoing.length === 1 ? outgoing[0] : Buffer.concat(outgoing, this.outgoingBytes);
    this.outgoing = [];
    this.outgoingBytes = 0;
    this.keepAliveTimer?.refresh();
    // write() says false past the socket's 16 KiB high-water mark, which one coalesced flush
    // reaches; holding back at that point would stall pipelining on every flush.
    if (!this.stream.write(data) && this.stream.writableLength > HOLD_BYTES) this.blocked = true;
  };

  private readonly onDrain = (): void => {
    this.blocked = false;
    this.flush();
    if (this.blocked) return;
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  };

  private startKeepAlive(): void {
    if (this.keepAliveMs <= 0 || this.keepAliveTimer || this.closed) return;
    this.keepAliveTimer = setInterval(this.keepAlive, this.keepAliveMs).unref();
  }

  private readonly keepAlive = (): void => {
    this.ping().catch((error: unknown) => {
      // Only a closing connection fails a ping, and 'close' reports why; anything else is news.
      if (!(error instanceof GatewayClosedError))
        this.protocolViolation(`ping failed: ${(error as Error).message}`);
    });
  };

  // ---- Inbound -------------------------------------------------------------------------------

  private readonly onData = (chunk: Buffer): void => {
    let messages: unknown[];
    try {
      messages = this.decoder.push(chunk);
    } catch (error) {
      this.socketError = error as Error; // the server broke the framing: nothing more can be read
      this.stream.destroy();
      return;
    }
    for (const message of messages) this.dispatch(message);
  };

  private dispatch(value: unknown): void {
    const message = parseRpcMessage(value);
    if ('invalid' in message)
      return this.protocolViolation(`invalid message from the server: ${message.invalid}`);
    switch (message.type) {
      case 'response':
        return this.settle(message);
      case 'notification':
        return this.notified(message);
      case 'request':
        return this.protocolViolation(`the server called ${message.method}; clients take no requests`);
    }
  }

  private settle({ msgid, error, result }: RpcResponse): void {
    const pending = this.pending.get(msgid);
    if (!pending) return this.protocolViolation(`an answer to msgid ${msgid}, which was not asked`);
    this.pending.delete(msgid);
    if (error) pending.reject(new GatewayRpcError(error.code, error.message, error.data));
    else pending.resolve(result);
  }

  private notified({ method, params }: RpcNotification): void {
    switch (method) {
      case 'notifyMsg': {
        const [data, dopplerShift, gsTimestamp, seq] = params as [Buffer, number, string, number?];
        if (seq !== undefined) this.lastSeq = seq;
        this.emit('notifyMsg', data, dopplerShift, gsTimestamp, seq);
        return;
      }
      case 'notifyEvent': {
        const [eventId, reason] = params as [number, string | undefined];
        this.emit('notifyEvent', eventId, eventName(eventId), reason);
        return;
      }
      case 'heartbeat':
        this.emit('heartbeat');
        return;
      case 'error':
        this.serverError = params[0] as RpcError;
        this.emit('serverError', this.serverError);
        return;
      default:
        return; // a newer server's notification: ignored, as the protocol asks
    }
  }

  private protocolViolation(message: string): void {
    this.socketError ??= new Error(message);
    this.stream.destroy();
  }

  private readonly onClose = (): void => {
    const reason = this.serverError
      ? `${this.serverError.code}: ${this.serverError.message}`
      : (this.socketError?.message ?? 'closed');
    this.closedReason = reason;
    clearInterval(this.keepAliveTimer);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) request.reject(new GatewayClosedError(reason));
    for (const resolve of this.writableWaiters) resolve();
    this.writableWaiters = [];
    this.emit('close', reason);
  };
}

function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex))
    throw new Error(`a SHA-256 fingerprint has 64 hex digits, got "${fingerprint}"`);
  return hex.replace(/(..)(?!$)/g, '$1:');
}

function secureConnect(socket: TLSSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TLS connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const failed = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', failed);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      resolve();
    });
  });
}
