// SPDX-License-Identifier: Apache-2.0
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';

/**
 * TypeScript clients of the WebSocket endpoints (docs/protocol.md §13): the mission CSP gateway
 * and the booking event stream. Used by the e2e tests, the command-line client and the benchmark.
 */

/** The subprotocol the server selects (offered with `bearer.<token>` when the token travels in it). */
export const SATNET_SUBPROTOCOL = 'satnet.v1';

/** How the token reaches the server: a header (best), a subprotocol or the query (browsers). */
export type WsAuthMode = 'header' | 'subprotocol' | 'query';

export interface WsConnectOptions {
  /** The server's HTTP base URL, e.g. http://127.0.0.1:8080 (https → wss). */
  baseUrl: string;
  /** Login token or API key. */
  token: string;
  auth?: WsAuthMode;
  /** Accept any TLS certificate (development only). */
  insecure?: boolean;
  /** Passed to `ws`: e.g. `autoPong: false` to play a client that stopped answering. */
  socketOptions?: Record<string, unknown>;
}

/** The handshake was refused: the HTTP status and the server's JSON error. */
export class WsHandshakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'WsHandshakeError';
  }
}

/** An `error` message answering one of ours (or a session-level one, without id). */
export class WsServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(`${code}: ${message}`);
    this.name = 'WsServerError';
  }
}

export interface DownlinkMessage {
  type: 'message';
  direction: 'downlink';
  packet: string;
  slotId: string;
  groundStation: string;
  dopplerShiftHz: number;
  gsTimestamp: string;
  serverTime: string;
  /** Its sequence number in the slot's downlink: resume after it with `resume.lastSeq`. */
  seq: number;
}

export interface MissionEventMessage {
  type: 'event';
  event: 'REMOTE_CONNECTED' | 'REMOTE_DISCONNECTED' | 'END_REMOTE' | 'SLOT_END';
  slotId: string;
  groundStation: string;
  reason?: string;
}

export interface UplinkAck {
  type: 'ack';
  id: string | number;
  slotId: string;
  groundStation: string;
  dopplerShiftHz: number;
  serverTime: string;
  /** The uplink frame's sequence number in the slot's uplink. */
  seq: number;
}

export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
  id?: string | number;
  details?: Record<string, unknown>;
}

interface Pending {
  resolve(message: Record<string, unknown>): void;
  reject(error: Error): void;
}

/**
 * One WebSocket to the server, JSON in and out. Answers to messages sent with an `id` resolve the
 * promise of `request`; everything else is emitted once, under its `type`.
 */
class JsonSocket extends EventEmitter {
  private readonly pending = new Map<string | number, Pending>();
  private nextId = 1;
  /** Messages that came with the handshake, before the caller could listen: emitted just after. */
  private early: string[] | undefined = [];

  protected constructor(protected readonly socket: WebSocket) {
    super();
    socket.on('message', (data: Buffer) => {
      if (this.early) this.early.push(data.toString('utf8'));
      else this.received(data.toString('utf8'));
    });
    socket.on('close', (code, reason) => {
      const error = new WsServerError('CLOSED', `the session closed (${code} ${String(reason)})`);
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
      this.emit('close', code, String(reason));
    });
    // Before 'open' the error rejects connect(); afterwards it is reported here.
    socket.on('error', (error) => this.emit('socketError', error));
  }

  /**
   * Opens `path` with the token placed as `auth` says and resolves once open; rejects
   * WsHandshakeError on a refusal. The client listens from the start: a message the server sends
   * right after the handshake is not lost.
   */
  protected static open<T extends JsonSocket>(
    options: WsConnectOptions,
    path: string,
    make: (socket: WebSocket) => T,
  ): Promise<T> {
    const url = new URL(path, options.baseUrl.replace(/^http/, 'ws'));
    const headers: Record<string, string> = {};
    const protocols = [SATNET_SUBPROTOCOL];
    const mode = options.auth ?? 'header';
    if (mode === 'header') headers.authorization = `Bearer ${options.token}`;
    else if (mode === 'subprotocol') protocols.push(`bearer.${options.token}`);
    else url.searchParams.set('token', options.token);
    const socket = new WebSocket(url, protocols, {
      headers,
      rejectUnauthorized: !options.insecure,
      ...options.socketOptions,
    });
    const client = make(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        resolve(client);
        // After the caller's continuation has run (and attached its listeners).
        setImmediate(() => client.release());
      });
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => {
          let error: { code?: string; message?: string; details?: Record<string, unknown> } = {};
          try {
            error = (JSON.parse(body) as { error: typeof error }).error;
          } catch {
            error = { message: body };
          }
          reject(
            new WsHandshakeError(
              response.statusCode ?? 0,
              error.code ?? 'UNKNOWN',
              error.message ?? '',
              error.details,
            ),
          );
          socket.terminate();
        });
      });
    });
  }

  private release(): void {
    const early = this.early ?? [];
    this.early = undefined;
    for (const text of early) this.received(text);
  }

  /** Sends a message with a fresh `id` and resolves with its answer (rejects on an error answer). */
  request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ ...message, id });
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for the next emitted `event` whose first argument passes `accept`. */
  next<T>(event: string, accept: (value: T) => boolean = () => true): Promise<T> {
    return new Promise((resolve) => {
      const listener = (value: T) => {
        if (!accept(value)) return;
        this.off(event, listener);
        resolve(value);
      };
      this.on(event, listener);
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
    });
  }

  terminate(): void {
    this.socket.terminate();
  }

  get raw(): WebSocket {
    return this.socket;
  }

  /** Each message from the server that is not an answer, before its listeners get it. */
  protected seen(_message: Record<string, unknown>): void {}

  protected received(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.emit('socketError', new Error(`not JSON from the server: ${text.slice(0, 80)}`));
      return;
    }
    const id = message.id as string | number | undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (pending && (message.type === 'ack' || message.type === 'pong' || message.type === 'error')) {
      this.pending.delete(id as string | number);
      if (message.type === 'error') {
        const error = message as unknown as ErrorMessage;
        pending.reject(new WsServerError(error.code, error.message, error.details));
      } else pending.resolve(message);
      return;
    }
    this.seen(message);
    // Once, by its type (a downlink's type is "message"). An error answer nobody listens for is
    // dropped: EventEmitter would throw it from the socket's handler.
    if (message.type === 'error' && this.listenerCount('error') === 0) return;
    this.emit(String(message.type), message);
  }
}

/**
 * A mission session on `/ws/mission/{spacecraft}/protocol/csp`. Emits `message` for downlinks
 * (DownlinkMessage), `event` (MissionEventMessage), `error` answers without a pending request
 * (ErrorMessage) and `close` (code, reason).
 */
export class MissionSocketClient extends JsonSocket {
  /** The `seq` of the last downlink received, by slot: what `resume.lastSeq` takes after a drop. */
  readonly lastSeqs = new Map<string, number>();

  protected override seen(message: Record<string, unknown>): void {
    if (message.type === 'message' && typeof message.slotId === 'string' && typeof message.seq === 'number')
      this.lastSeqs.set(message.slotId, message.seq);
  }

  /**
   * `resume`: a reconnection within a slot; the server first sends that slot's downlink frames
   * after `lastSeq` (the `seq` of the last one received), then live ones (docs/protocol.md §14.2).
   */
  static connect(
    options: WsConnectOptions & { spacecraft: string; resume?: { slotId: string; lastSeq: number } },
  ): Promise<MissionSocketClient> {
    const query = options.resume
      ? `?${new URLSearchParams({ slotId: options.resume.slotId, lastSeq: String(options.resume.lastSeq) }).toString()}`
      : '';
    const path = `/ws/mission/${encodeURIComponent(options.spacecraft)}/protocol/csp${query}`;
    return JsonSocket.open(options, path, (socket) => new MissionSocketClient(socket));
  }

  /** Sends an uplink packet and resolves once the server has stored it (its `ack`). */
  async uplink(
    packet: Uint8Array,
    options: { slotId?: string; timestamp?: string } = {},
  ): Promise<UplinkAck> {
    return (await this.request(uplinkMessage(packet, options))) as unknown as UplinkAck;
  }

  /** Sends an uplink packet without asking for an acknowledgement (errors still come back). */
  sendUplink(packet: Uint8Array, options: { slotId?: string } = {}): void {
    this.send(uplinkMessage(packet, options));
  }

  async ping(): Promise<void> {
    await this.request({ type: 'ping' });
  }
}

function uplinkMessage(packet: Uint8Array, options: { slotId?: string; timestamp?: string }) {
  return {
    type: 'message',
    direction: 'uplink',
    packet: Buffer.from(packet).toString('base64'),
    ...options,
  };
}

export interface ChangeMessage {
  type: 'change';
  cursor: number;
  change: Record<string, unknown> & {
    changeId: number;
    slot: string;
    from: string;
    to: string;
    reason: string;
  };
}

/**
 * The booking event stream `/ws/events`: emits `change` (ChangeMessage) for each change, in
 * order, `live` once the changes after `cursor` have all been sent, and `nonScheduled` when
 * frames a station uploaded were attributed to one of your spacecraft (docs/protocol.md §13.6).
 */
export class BookingEventsClient extends JsonSocket {
  /** Resolves with the cursor once every change after the requested cursor has been sent. */
  readonly live: Promise<number> = new Promise((resolve) =>
    this.once('live', (message: { cursor: number }) => resolve(message.cursor)),
  );

  static connect(options: WsConnectOptions & { cursor?: number }): Promise<BookingEventsClient> {
    const path = options.cursor === undefined ? '/ws/events' : `/ws/events?cursor=${options.cursor}`;
    return JsonSocket.open(options, path, (socket) => new BookingEventsClient(socket));
  }
}

/** One packet of a replay batch (docs/protocol.md §13.9). */
export interface ReplayItem {
  time: number;
  packet: 'CSP';
  buffer: string;
  id: number;
  slotId: string | null;
  direction: 'uplink' | 'downlink';
  outcome: string;
  /** Null for a non-scheduled frame no spacecraft was matched to. */
  spacecraft: string | null;
  groundStation: string | null;
  dopplerShiftHz: number | null;
  gsTimestamp: string | null;
  serverTime: string;
  sequence: number | null;
  rejectRule?: string;
}

export interface ReplayBatchMessage {
  type: 'batch';
  id: string;
  packets: ReplayItem[];
}

/** An `add` (docs/protocol.md §13.9): times in nanoseconds since the epoch. */
export interface ReplaySubscription {
  id: string;
  /** Exactly one of `spacecraft` and `station` (docs/protocol.md §16.2). */
  spacecraft?: string;
  station?: string;
  slot?: string;
  start_time?: number | string | null;
  end_time?: number | string | null;
  direction?: 'uplink' | 'downlink';
  outcomes?: string[];
}

/**
 * The packet replay stream `/ws/packets`: emits `batch` (ReplayBatchMessage; `packets: []` ends
 * a history-only subscription), `live`, `subscribed`, `removed` and `error`, each with the
 * subscription's id.
 */
export class PacketReplayClient extends JsonSocket {
  static connect(options: WsConnectOptions): Promise<PacketReplayClient> {
    return JsonSocket.open(options, '/ws/packets', (socket) => new PacketReplayClient(socket));
  }

  /** Adds a subscription; resolves once the server took it, rejects WsServerError if it refused. */
  add(subscription: ReplaySubscription): Promise<Record<string, unknown>> {
    const answer = this.answerFor(subscription.id, 'subscribed');
    this.send({ type: 'add', ...subscription });
    return answer;
  }

  /** Removes a subscription; resolves once no more of its batches can come. */
  remove(id: string): Promise<Record<string, unknown>> {
    const answer = this.answerFor(id, 'removed');
    this.send({ type: 'remove', id });
    return answer;
  }

  private answerFor(id: string, type: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const listener = (message: Record<string, unknown>) => {
        if (message.id !== id || (message.type !== type && message.type !== 'error')) return;
        this.off(type, listener);
        this.off('error', listener);
        if (message.type === 'error') {
          const error = message as unknown as ErrorMessage;
          reject(new WsServerError(error.code, error.message, error.details));
        } else resolve(message);
      };
      this.on(type, listener);
      this.on('error', listener);
    });
  }
}
