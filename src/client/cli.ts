import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { readProcessEnvironment } from '../config/process-env';
import { type RelaySide, START_REMOTE } from '../relay/relay-port';
import {
  DEFAULT_GATEWAY_PORT,
  GatewayClient,
  type GatewayClientOptions,
  GatewayClosedError,
  GatewayRpcError,
  startRemoteName,
} from './gateway-client';

/**
 * Command-line client of the TLS gateway (docs/protocol.md): connects, logs in, starts a session
 * on a slot, sends frames given as hex and prints everything that arrives. What a station or
 * mission operator runs to try the relay, and what the e2e tests drive.
 */

export const USAGE = `usage: satnet-client --host <host> [--port <port>] --api-key <key>
                     [--slot <slotId> [--side station|mission]]
                     [--ca <pem-file> | --fingerprint <sha256> | --insecure]
                     [--send <hex>]... [--file <path>] [--interactive] [--linger <seconds>]

Connects to the N-Server TLS gateway and logs in. Without --slot it checks the connection
(login, ping) and exits. With --slot it starts a session, sends the frames given, prints every
frame that arrives (with its Doppler shift and timestamps) and every event, and stays until the
slot ends, the server closes the connection, or Ctrl-C.

  --host <host>          gateway address
  --port <port>          gateway port (default ${DEFAULT_GATEWAY_PORT})
  --api-key <key>        API key; or set SATNET_API_KEY (keeps the key out of the process list)
  --slot <slotId>        the reserved slot to start a session on
  --side station|mission which side of the slot, when you own both the station and the spacecraft
  --ca <pem-file>        trust this certificate (the server's development certificate, or a CA)
  --fingerprint <sha256> accept exactly the certificate with this SHA-256 fingerprint
  --insecure             accept any certificate (development only)
  --send <hex>           a frame to send, as hex (repeatable; spaces and colons are ignored)
  --file <path>          frames to send: one hex frame per line; blank lines and lines
                         starting with # are skipped
  --interactive          also send each hex line read from standard input, until it ends
  --linger <seconds>     after sending, wait this long, end the session and exit

Exit status: 0 done; 1 the server refused something (login, startRemote, a frame) or closed the
connection with an error; 2 bad usage; 3 no connection (network, TLS, certificate).`;

export const EXIT = { OK: 0, REFUSED: 1, USAGE: 2, CONNECTION: 3 } as const;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  stdin: Readable;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C: end the session and exit. */
  signal?: AbortSignal;
}

interface CliOptions {
  connect: GatewayClientOptions;
  apiKey: string;
  slot?: string;
  side?: RelaySide;
  frames: Buffer[];
  interactive: boolean;
  lingerMs?: number;
}

class UsageError extends Error {}

/** Runs the client; resolves with the exit status. */
export async function runClientCli(argv: string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(USAGE);
      return EXIT.OK;
    }
    options = parseCliArgs(argv, io.env);
  } catch (error) {
    // parseArgs's own errors (unknown option, missing value) carry an ERR_PARSE_ARGS_… code.
    const fromParseArgs = String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof UsageError) && !fromParseArgs) throw error;
    io.err(`satnet-client: ${(error as Error).message}`);
    io.err('run with --help for usage');
    return EXIT.USAGE;
  }
  let client: GatewayClient;
  try {
    client = await GatewayClient.connect(options.connect);
  } catch (error) {
    io.err(
      `satnet-client: cannot connect to ${options.connect.host}:${options.connect.port}: ${(error as Error).message}`,
    );
    return EXIT.CONNECTION;
  }
  return new CliSession(client, io, options).run();
}

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'api-key': { type: 'string' },
  slot: { type: 'string' },
  side: { type: 'string' },
  ca: { type: 'string' },
  fingerprint: { type: 'string' },
  insecure: { type: 'boolean', default: false },
  send: { type: 'string', multiple: true, default: [] as string[] },
  file: { type: 'string' },
  interactive: { type: 'boolean', default: false },
  linger: { type: 'string' },
} satisfies ParseArgsConfig['options'];

function parseCliArgs(argv: string[], env: CliIo['env']): CliOptions {
  const { values } = parseArgs({ args: argv, options: OPTIONS });
  const apiKey = values['api-key'] ?? env.SATNET_API_KEY;
  if (!values.host) throw new UsageError('--host is required');
  if (!apiKey) throw new UsageError('--api-key (or SATNET_API_KEY) is required');
  if (values.side !== undefined && values.side !== 'station' && values.side !== 'mission') {
    throw new UsageError(`--side must be station or mission, got "${values.side}"`);
  }
  if (values.insecure && (values.ca !== undefined || values.fingerprint !== undefined)) {
    throw new UsageError('--insecure cannot be combined with --ca or --fingerprint');
  }
  const frames = [
    ...values.send.map((hex, i) => parseHexFrame(hex, `--send #${i + 1}`)),
    ...readFrameFile(values.file),
  ];
  if (!values.slot && (frames.length > 0 || values.interactive || values.side)) {
    throw new UsageError('--send, --file, --interactive and --side need --slot');
  }
  return {
    connect: {
      host: values.host,
      port: integerOption(values.port, '--port', 1, 65535) ?? DEFAULT_GATEWAY_PORT,
      ca: values.ca === undefined ? undefined : readOptionFile(values.ca, '--ca'),
      fingerprint256: values.fingerprint,
      insecure: values.insecure,
    },
    apiKey,
    slot: values.slot,
    side: values.side,
    frames,
    interactive: values.interactive,
    lingerMs: secondsOption(values.linger),
  };
}

/** Hex digits, optionally with 0x, spaces or colons between bytes; at least one byte. */
export function parseHexFrame(text: string, where: string): Buffer {
  const hex = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) {
    throw new UsageError(`${where}: "${text.trim()}" is not a frame in hex (an even number of hex digits)`);
  }
  return Buffer.from(hex, 'hex');
}

function readFrameFile(path: string | undefined): Buffer[] {
  if (path === undefined) return [];
  const frames: Buffer[] = [];
  readOptionFile(path, '--file')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === '' || line.trim().startsWith('#')) return;
      frames.push(parseHexFrame(line, `${path} line ${index + 1}`));
    });
  return frames;
}

function readOptionFile(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${path}: ${(error as Error).message}`);
  }
}

function integerOption(
  text: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function secondsOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new UsageError(`--linger must be seconds >= 0, got "${text}"`);
  return seconds * 1000;
}

/** Bytes the CLI lets pile up in the client before it waits for the socket. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One run: login, session, frames, waiting; prints as things happen. */
class CliSession {
  private failed = false;
  private sent = 0;
  private printed: Promise<void> = Promise.resolve();
  private serverError: string | undefined;

  constructor(
    private readonly client: GatewayClient,
    private readonly io: CliIo,
    private readonly options: CliOptions,
  ) {
    client.on('notifyMsg', (data, dopplerShift, gsTimestamp) =>
      io.out(
        `recv ${data.length} bytes doppler=${dopplerShift} Hz gs=${gsTimestamp} ` +
          `local=${new Date().toISOString()} data=${data.toString('hex')}`,
      ),
    );
    client.on('notifyEvent', (eventId, name) => io.out(`event ${name} (${eventId})`));
    client.on('serverError', (error) => {
      this.serverError = `${error.code}: ${error.message}`;
      io.err(`server error ${this.serverError}`);
    });
  }

  async run(): Promise<number> {
    const { host, port } = this.options.connect;
    const tls = this.client.tls;
    this.io.out(
      `connected to ${host}:${port} (${tls?.protocol}, server certificate SHA-256 ${tls?.fingerprint256})`,
    );
    try {
      this.io.out(`logged in as ${(await this.client.login(this.options.apiKey)).username}`);
      if (this.options.slot === undefined) {
        this.io.out(`ping: ${await this.client.ping()}`);
      } else if (await this.startSession(this.options.slot)) {
        await this.sendFrames(this.options.frames);
        if (this.options.interactive) await this.sendLines(this.io.stdin);
        await this.waitForEnd();
        if (!this.client.closed) await this.client.endRemote();
      }
      await this.client.close();
      return this.failed || this.serverError ? EXIT.REFUSED : EXIT.OK;
    } catch (error) {
      return this.failure(error);
    }
  }

  private async startSession(slot: string): Promise<boolean> {
    const code = await this.client.startRemote(slot, this.options.side);
    this.io.out(
      `startRemote ${slot}${this.options.side ? ` (${this.options.side})` : ''}: ${startRemoteName(code)} (${code})`,
    );
    if (code !== START_REMOTE.CLIENTS_COINCIDE) return true;
    this.io.err('that side of the slot already has an active client');
    this.failed = true;
    return false;
  }

  private async sendFrames(frames: Buffer[]): Promise<void> {
    for (const frame of frames) {
      this.send(frame);
      if (this.client.bufferedBytes > MAX_BUFFERED_BYTES) await this.client.whenWritable();
    }
    await this.printed;
  }

  private async sendLines(input: Readable): Promise<void> {
    const lines = createInterface({ input, crlfDelay: Infinity });
    const stop = (): void => lines.close();
    this.io.signal?.addEventListener('abort', stop, { once: true });
    this.client.once('close', stop); // the slot ended: stop waiting for input
    for await (const line of lines) {
      if (this.client.closed) break;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      try {
        this.send(parseHexFrame(line, 'input'));
      } catch (error) {
        this.io.err((error as Error).message);
      }
    }
    this.io.signal?.removeEventListener('abort', stop);
    this.client.off('close', stop);
    await this.printed;
  }

  /** Sends at once (pipelined); prints results in sending order, all awaited through `printed`. */
  private send(frame: Buffer): void {
    const index = ++this.sent;
    // The outcome is handled at once (a rejection never waits unhandled behind earlier prints)
    // and printed in sending order.
    const print = this.client.sendMsg(frame).then(
      (sent) => () =>
        this.io.out(
          `sent #${index} ${frame.length} bytes: ${sent.delivered ? 'delivered' : 'not delivered (the other side is not connected)'} ` +
            `doppler=${sent.dopplerShift} Hz gs=${sent.gsTimestamp}`,
        ),
      (error: unknown) => () => {
        this.failed = true;
        this.io.err(`frame #${index} failed: ${(error as Error).message}`);
      },
    );
    const report = async (): Promise<void> => (await print)();
    this.printed = this.printed.then(report);
  }

  /** Until the server closes the connection (after SLOT_END), Ctrl-C, or --linger passes. */
  private waitForEnd(): Promise<void> {
    if (this.client.closed || this.io.signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.client.off('close', done);
        this.io.signal?.removeEventListener('abort', done);
        resolve();
      };
      const lingerMs = this.options.lingerMs;
      const timer = lingerMs === undefined ? undefined : setTimeout(done, lingerMs);
      this.client.once('close', done);
      this.io.signal?.addEventListener('abort', done, { once: true });
    });
  }

  private failure(error: unknown): number {
    if (error instanceof GatewayRpcError) {
      this.io.err(`refused: ${error.message}`);
      this.client.destroy();
      return EXIT.REFUSED;
    }
    if (error instanceof GatewayClosedError) {
      this.io.err(error.message);
      return this.serverError ? EXIT.REFUSED : EXIT.CONNECTION;
    }
    this.client.destroy();
    throw error;
  }
}

if (require.main === module) {
  const interrupted = new AbortController();
  process.once('SIGINT', () => interrupted.abort());
  runClientCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stdin: process.stdin,
    env: readProcessEnvironment(),
    signal: interrupted.signal,
  }).then(
    (status) => (process.exitCode = status),
    (error: unknown) => {
      process.stderr.write(
        `satnet-client: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
