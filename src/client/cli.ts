// SPDX-License-Identifier: Apache-2.0
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { readProcessEnvironment } from '../config/process-env';
import { type RelaySide, START_REMOTE } from '../relay/relay-port';
import {
  type CliIo,
  EXIT,
  type ExchangeOptions,
  FrameSession,
  integerOption,
  MAX_BUFFERED_BYTES,
  parseHexFrame,
  readFrameFile,
  readOptionFile,
  secondsOption,
  UsageError,
} from './cli-common';
import { type EventsCliOptions, runEventsSocket, runMissionSocket, type WsCliOptions } from './cli-ws';
import {
  DEFAULT_GATEWAY_PORT,
  GatewayClient,
  type GatewayClientOptions,
  GatewayClosedError,
  GatewayRpcError,
  startRemoteName,
} from './gateway-client';
import type { WsAuthMode } from './websocket-client';

export { EXIT, type CliIo } from './cli-common';

/**
 * Command-line client of the gateways (docs/protocol.md): over TLS, connects, logs in, starts a
 * session on a slot, sends frames given as hex and prints everything that arrives; over WebSocket
 * (--ws), the same as a mission session; and (--events) prints booking changes as they happen.
 * What a station or mission operator runs to try the relay, and what the tests drive.
 */

export const USAGE = `usage: satnet-client --host <host> [--port <port>] --api-key <key>
                     [--slot <slotId> [--side station|mission] [--last-seq <n>]]
                     [--ca <pem-file> | --fingerprint <sha256> | --insecure]
                     [--send <hex>]... [--file <path>] [--interactive] [--linger <seconds>]
       satnet-client --ws --url <http-url> --spacecraft <id> --api-key <key>
                     [--slot <slotId> --last-seq <n>]
                     [--auth header|subprotocol|query] [--ca <pem-file> | --insecure]
                     [--send <hex>]... [--file <path>] [--interactive] [--linger <seconds>]
       satnet-client --events --url <http-url> --api-key <key> [--cursor <n>]
                     [--auth header|subprotocol|query] [--ca <pem-file> | --insecure]
                     [--linger <seconds>]

TLS gateway (the default): connects and logs in. Without --slot it checks the connection
(login, ping) and exits. With --slot it starts a session, sends the frames given, prints every
frame that arrives (with its Doppler shift, timestamps and sequence number seq=) and every event,
and stays until the slot ends, the server closes the connection, or Ctrl-C.

--ws: opens a mission WebSocket session on <url>/ws/mission/<id>/protocol/csp. It needs no slot:
uplinks go to the slot of the spacecraft in progress. It sends the frames given as uplinks (each
with an id, so its acknowledgement or error is printed), prints every downlink, event and error
that arrives, and stays until the slot ends (SLOT_END closes the session), the server closes it,
or Ctrl-C.

--events: prints each booking change you may see, as it happens (after those following --cursor,
the number of the last change you saw), until the server closes the stream or Ctrl-C.

  --host <host>          TLS gateway address
  --port <port>          TLS gateway port (default ${DEFAULT_GATEWAY_PORT})
  --url <http-url>       WebSocket modes: the server's HTTP address, e.g. http://localhost:8080
                         (https:// for wss)
  --spacecraft <id>      --ws: the spacecraft whose mission session to open
  --auth <where>         WebSocket modes: the key in the Authorization header (default), in a
                         Sec-WebSocket-Protocol value, or in the query (?token=)
  --cursor <n>           --events: resume after change number n
  --api-key <key>        API key; or set SATNET_API_KEY (keeps the key out of the process list)
  --slot <slotId>        TLS: the reserved slot to start a session on; --ws: the slot to resume
  --side station|mission TLS: which side of the slot, when you own both station and spacecraft
  --last-seq <n>         resume the slot after the frame numbered n (the seq= of the last frame
                         you printed before the link dropped): the frames sent to you since
                         arrive first, once each (docs/protocol.md §14)
  --ca <pem-file>        trust this certificate (the server's development certificate, or a CA)
  --fingerprint <sha256> TLS: accept exactly the certificate with this SHA-256 fingerprint
  --insecure             accept any certificate (development only)
  --send <hex>           a frame to send, as hex (repeatable; spaces and colons are ignored)
  --file <path>          frames to send: one hex frame per line; blank lines and lines
                         starting with # are skipped
  --interactive          also send each hex line read from standard input; the session ends
                         when the input does (after --linger, if given)
  --linger <seconds>     after sending, wait this long, end the session and exit

Exit status: 0 done; 1 the server refused something (login, handshake, startRemote, a frame) or
closed the connection with an error; 2 bad usage; 3 no connection (network, TLS, certificate).`;

interface TlsCliOptions extends ExchangeOptions {
  connect: GatewayClientOptions;
  apiKey: string;
  slot?: string;
  side?: RelaySide;
  lastSeq?: number;
}

type CliOptions =
  | ({ mode: 'tls' } & TlsCliOptions)
  | ({ mode: 'ws' } & WsCliOptions)
  | ({ mode: 'events' } & EventsCliOptions);

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
  if (options.mode === 'ws') return runMissionSocket(options, io);
  if (options.mode === 'events') return runEventsSocket(options, io);
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
  ws: { type: 'boolean', default: false },
  events: { type: 'boolean', default: false },
  url: { type: 'string' },
  spacecraft: { type: 'string' },
  auth: { type: 'string' },
  cursor: { type: 'string' },
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
  'last-seq': { type: 'string' },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** Options of some modes only: given in another, a usage error rather than silently ignored. */
const MODE_OPTIONS: Record<CliOptions['mode'], (keyof typeof OPTIONS)[]> = {
  tls: ['host', 'port', 'slot', 'side', 'last-seq', 'fingerprint', 'send', 'file', 'interactive'],
  ws: ['url', 'spacecraft', 'slot', 'last-seq', 'auth', 'send', 'file', 'interactive'],
  events: ['url', 'auth', 'cursor'],
};

function parseCliArgs(argv: string[], env: CliIo['env']): CliOptions {
  const { values } = parseArgs({ args: argv, options: OPTIONS });
  if (values.ws && values.events) throw new UsageError('--ws and --events cannot be combined');
  const mode = values.ws ? 'ws' : values.events ? 'events' : 'tls';
  const foreign = (Object.keys(MODE_OPTIONS) as CliOptions['mode'][])
    .filter((other) => other !== mode)
    .flatMap((other) => MODE_OPTIONS[other])
    .filter((name) => !MODE_OPTIONS[mode].includes(name) && isGiven(values[name]));
  if (foreign.length > 0) {
    const where = mode === 'tls' ? 'without --ws or --events' : `with --${mode}`;
    throw new UsageError(`--${foreign[0]} cannot be used ${where}`);
  }
  const apiKey = values['api-key'] ?? env.SATNET_API_KEY;
  if (mode === 'tls' && !values.host) throw new UsageError('--host is required');
  if (mode !== 'tls' && !values.url) throw new UsageError(`--url is required with --${mode}`);
  if (!apiKey) throw new UsageError('--api-key (or SATNET_API_KEY) is required');
  if (values.insecure && (values.ca !== undefined || values.fingerprint !== undefined)) {
    throw new UsageError('--insecure cannot be combined with --ca or --fingerprint');
  }
  const ca = values.ca === undefined ? undefined : readOptionFile(values.ca, '--ca');
  const lingerMs = secondsOption(values.linger);
  if (mode === 'events') {
    return {
      mode,
      connect: wsConnect(values, apiKey, ca),
      cursor: integerOption(values.cursor, '--cursor', 0, Number.MAX_SAFE_INTEGER),
      lingerMs,
    };
  }
  const exchange = {
    frames: [
      ...values.send.map((hex, i) => parseHexFrame(hex, `--send #${i + 1}`)),
      ...readFrameFile(values.file),
    ],
    interactive: values.interactive,
    lingerMs,
  };
  const lastSeq = integerOption(values['last-seq'], '--last-seq', 0, Number.MAX_SAFE_INTEGER);
  if (lastSeq !== undefined && !values.slot) throw new UsageError('--last-seq needs --slot');
  if (mode === 'ws') {
    if (!values.spacecraft) throw new UsageError('--spacecraft is required with --ws');
    if (values.slot !== undefined && lastSeq === undefined)
      throw new UsageError('--slot with --ws resumes a slot: give --last-seq too');
    return {
      mode,
      ...exchange,
      connect: wsConnect(values, apiKey, ca),
      spacecraft: values.spacecraft,
      ...(lastSeq === undefined ? {} : { resume: { slotId: values.slot as string, lastSeq } }),
    };
  }
  if (values.side !== undefined && values.side !== 'station' && values.side !== 'mission') {
    throw new UsageError(`--side must be station or mission, got "${values.side}"`);
  }
  if (!values.slot && (exchange.frames.length > 0 || values.interactive || values.side)) {
    throw new UsageError('--send, --file, --interactive and --side need --slot');
  }
  return {
    mode,
    ...exchange,
    connect: {
      host: values.host as string,
      port: integerOption(values.port, '--port', 1, 65535) ?? DEFAULT_GATEWAY_PORT,
      ca,
      fingerprint256: values.fingerprint,
      insecure: values.insecure,
    },
    apiKey,
    slot: values.slot,
    side: values.side,
    lastSeq,
  };
}

function isGiven(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false;
}

function wsConnect(values: Values, token: string, ca: string | undefined): WsCliOptions['connect'] {
  const url = values.url as string;
  if (!/^https?:\/\/[^/]/i.test(url))
    throw new UsageError(`--url must be the server's http:// or https:// address, got "${url}"`);
  const auth = values.auth ?? 'header';
  if (auth !== 'header' && auth !== 'subprotocol' && auth !== 'query')
    throw new UsageError(`--auth must be header, subprotocol or query, got "${auth}"`);
  return {
    baseUrl: url,
    token,
    auth: auth satisfies WsAuthMode,
    insecure: values.insecure,
    ...(ca === undefined ? {} : { socketOptions: { ca } }),
  };
}

/** One TLS run: login, session, frames, waiting; prints as things happen. */
class CliSession extends FrameSession {
  private serverError: string | undefined;

  constructor(
    private readonly client: GatewayClient,
    io: CliIo,
    private readonly options: TlsCliOptions,
  ) {
    super(io, {
      get closed() {
        return client.closed;
      },
      onClose(listener) {
        client.once('close', listener);
        return () => client.off('close', listener);
      },
    });
    client.on('notifyMsg', (data, dopplerShift, gsTimestamp, seq) =>
      io.out(
        `recv ${data.length} bytes doppler=${dopplerShift} Hz gs=${gsTimestamp} ` +
          `local=${new Date().toISOString()}${seq === undefined ? '' : ` seq=${seq}`} data=${data.toString('hex')}`,
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
        await this.exchange(this.options);
        if (!this.client.closed) await this.client.endRemote();
      }
      await this.client.close();
      return this.failed || this.serverError ? EXIT.REFUSED : EXIT.OK;
    } catch (error) {
      return this.failure(error);
    }
  }

  private async startSession(slot: string): Promise<boolean> {
    const { side, lastSeq } = this.options;
    const code = await this.client.startRemote(slot, side, lastSeq);
    const details = [side, lastSeq === undefined ? undefined : `after seq ${lastSeq}`].filter(Boolean);
    this.io.out(
      `startRemote ${slot}${details.length > 0 ? ` (${details.join(', ')})` : ''}: ${startRemoteName(code)} (${code})`,
    );
    if (code !== START_REMOTE.CLIENTS_COINCIDE) return true;
    this.io.err('that side of the slot already has an active client');
    this.failed = true;
    return false;
  }

  protected async transmit(frame: Buffer, index: number): Promise<string> {
    const sent = await this.client.sendMsg(frame);
    return (
      `sent #${index} ${frame.length} bytes: ${sent.delivered ? 'delivered' : 'not delivered (the other side is not connected)'} ` +
      `doppler=${sent.dopplerShift} Hz gs=${sent.gsTimestamp} seq=${sent.seq}`
    );
  }

  protected writable(): Promise<void> | undefined {
    return this.client.bufferedBytes > MAX_BUFFERED_BYTES ? this.client.whenWritable() : undefined;
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
