// SPDX-License-Identifier: Apache-2.0
import { WebSocket } from 'ws';
import {
  type CliIo,
  type Closing,
  EXIT,
  type ExchangeOptions,
  FrameSession,
  MAX_BUFFERED_BYTES,
  untilEnd,
} from './cli-common';
import {
  BookingEventsClient,
  type ChangeMessage,
  type DownlinkMessage,
  type ErrorMessage,
  type MissionEventMessage,
  MissionSocketClient,
  type WsConnectOptions,
  WsHandshakeError,
} from './websocket-client';

/**
 * The command-line client's WebSocket modes (docs/protocol.md §11): `--ws`, a mission session on
 * /ws/mission/{spacecraft}/protocol/csp that sends frames as uplinks and prints downlinks and
 * events; `--events`, the booking event stream /ws/events.
 */

export interface WsCliOptions extends ExchangeOptions {
  connect: WsConnectOptions;
  spacecraft: string;
  /** --slot and --last-seq: the frames missed since `lastSeq` first (docs/protocol.md §14.2). */
  resume?: { slotId: string; lastSeq: number };
}

export interface EventsCliOptions {
  connect: WsConnectOptions;
  cursor?: number;
  lingerMs?: number;
}

/** Close codes after which the run still succeeded: the slot ended, or the server shut down. */
const CLEAN_CLOSE = new Set([1000, 1001]);
/** No close frame: the connection broke (or the server cut a session that stopped answering). */
const CONNECTION_LOST = 1006;

/** Opens the socket; prints why not and resolves with the exit status if that fails. */
async function open<T>(
  io: CliIo,
  what: string,
  connecting: () => Promise<T>,
): Promise<{ client: T } | { status: number }> {
  try {
    return { client: await connecting() };
  } catch (error) {
    if (error instanceof WsHandshakeError) {
      io.err(`refused: ${error.message}`);
      return { status: EXIT.REFUSED };
    }
    io.err(`satnet-client: cannot connect to ${what}: ${(error as Error).message}`);
    return { status: EXIT.CONNECTION };
  }
}

/** `--ws`: one mission session; resolves with the exit status. */
export async function runMissionSocket(options: WsCliOptions, io: CliIo): Promise<number> {
  const url = new URL(
    `/ws/mission/${encodeURIComponent(options.spacecraft)}/protocol/csp`,
    options.connect.baseUrl.replace(/^http/, 'ws'),
  ).href;
  const opened = await open(io, url, () =>
    MissionSocketClient.connect({
      ...options.connect,
      spacecraft: options.spacecraft,
      resume: options.resume,
    }),
  );
  if ('status' in opened) return opened.status;
  return new MissionSocketSession(opened.client, io, options, url).run();
}

/** Prints how a socket ended and what the server reported, the same way in both modes. */
class SocketEnd implements Closing {
  private code: number | undefined;
  private serverError = false;

  constructor(
    io: CliIo,
    private readonly client: MissionSocketClient | BookingEventsClient,
  ) {
    client.on('close', (code: number, reason: string) => {
      this.code = code;
      const line = `closed ${code}${reason ? ` ${reason}` : ''}`;
      if (CLEAN_CLOSE.has(code)) io.out(line);
      else io.err(line);
    });
    client.on('socketError', (error: Error) => io.err(`socket error: ${error.message}`));
    client.on('error', (error: ErrorMessage) => {
      this.serverError = true;
      io.err(`server error ${error.code}: ${error.message}`);
    });
  }

  get closed(): boolean {
    return this.code !== undefined;
  }

  onClose(listener: () => void): () => void {
    this.client.once('close', listener);
    return () => this.client.off('close', listener);
  }

  /** Ends the session from this side, unless the server did. */
  async close(): Promise<void> {
    if (!this.closed) await this.client.close();
  }

  /** The run's exit status. */
  status(failed: boolean): number {
    if (this.code === CONNECTION_LOST) return EXIT.CONNECTION;
    const refused = failed || this.serverError || (this.closed && !CLEAN_CLOSE.has(this.code ?? 0));
    return refused ? EXIT.REFUSED : EXIT.OK;
  }
}

class MissionSocketSession extends FrameSession {
  constructor(
    private readonly client: MissionSocketClient,
    io: CliIo,
    private readonly options: WsCliOptions,
    private readonly url: string,
    private readonly end = new SocketEnd(io, client),
  ) {
    super(io, end);
    client.on('message', (message: DownlinkMessage) => {
      const data = Buffer.from(message.packet, 'base64');
      io.out(
        `recv ${data.length} bytes doppler=${message.dopplerShiftHz} Hz gs=${message.gsTimestamp} ` +
          `server=${message.serverTime} local=${new Date().toISOString()} slot=${message.slotId} ` +
          `station=${message.groundStation} seq=${message.seq} data=${data.toString('hex')}`,
      );
    });
    client.on('event', (event: MissionEventMessage) =>
      io.out(
        `event ${event.event} slot=${event.slotId} station=${event.groundStation}` +
          (event.reason ? ` (${event.reason})` : ''),
      ),
    );
  }

  async run(): Promise<number> {
    const auth = this.options.connect.auth ?? 'header';
    this.io.out(`connected to ${this.url} (${this.client.raw.protocol}, token in the ${auth})`);
    await this.exchange(this.options);
    await this.end.close();
    return this.end.status(this.failed);
  }

  protected async transmit(frame: Buffer, index: number): Promise<string> {
    const ack = await this.client.uplink(frame);
    return (
      `sent #${index} ${frame.length} bytes: stored and relayed slot=${ack.slotId} ` +
      `station=${ack.groundStation} doppler=${ack.dopplerShiftHz} Hz server=${ack.serverTime} seq=${ack.seq}`
    );
  }

  protected writable(): Promise<void> | undefined {
    const socket = this.client.raw;
    if (socket.bufferedAmount <= MAX_BUFFERED_BYTES) return undefined;
    // `ws` has no 'drain' event: look again every few milliseconds.
    return new Promise((resolve) => {
      const check = (): void => {
        if (socket.bufferedAmount <= MAX_BUFFERED_BYTES || socket.readyState !== WebSocket.OPEN) resolve();
        else setTimeout(check, 5);
      };
      check();
    });
  }
}

/** `--events`: prints booking changes until --linger passes, the server closes, or Ctrl-C. */
export async function runEventsSocket(options: EventsCliOptions, io: CliIo): Promise<number> {
  const url = new URL('/ws/events', options.connect.baseUrl.replace(/^http/, 'ws'));
  if (options.cursor !== undefined) url.searchParams.set('cursor', String(options.cursor));
  const opened = await open(io, url.href, () =>
    BookingEventsClient.connect({ ...options.connect, cursor: options.cursor }),
  );
  if ('status' in opened) return opened.status;
  const client = opened.client;
  const end = new SocketEnd(io, client);
  client.on('change', ({ cursor, change }: ChangeMessage) =>
    io.out(
      `change #${cursor} at=${String(change.at)} slot=${change.slot} station=${String(change.gsIdentifier)} ` +
        `spacecraft=${String(change.scIdentifier)} ${change.from} -> ${change.to} (${change.reason})`,
    ),
  );
  client.on('live', ({ cursor }: { cursor: number }) =>
    io.out(`live: all changes up to #${cursor} sent, waiting for new ones`),
  );
  io.out(`connected to ${url.href} (${client.raw.protocol})`);
  await untilEnd(io, end, options.lingerMs);
  await end.close();
  return end.status(false);
}
