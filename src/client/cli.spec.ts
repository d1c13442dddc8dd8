// SPDX-License-Identifier: Apache-2.0
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { startTestGateway, type TestGateway } from '../transports/gateway/testing/test-gateway';
import { EXIT, runClientCli, USAGE } from './cli';
import { GatewayClient } from './gateway-client';

let gateway: TestGateway;
let scratch: string;
let others: GatewayClient[];

beforeAll(async () => {
  for (const level of ['log', 'debug', 'warn'] as const)
    jest.spyOn(Logger.prototype, level).mockImplementation();
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway.stop();
});
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'satnet-cli-'));
  others = [];
});
afterEach(() => {
  for (const client of others) client.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  status: number;
  out: string[];
  err: string[];
}

async function run(
  args: string[],
  options: { stdin?: Readable; env?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runClientCli(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdin: options.stdin ?? Readable.from([]),
    env: options.env ?? {},
    signal: options.signal,
  });
  return { status, out, err };
}

const connection = (): string[] => [
  '--host',
  '127.0.0.1',
  '--port',
  String(gateway.port),
  '--ca',
  gateway.certPath,
];

async function station(slot: string): Promise<GatewayClient> {
  const client = await GatewayClient.connect({ host: '127.0.0.1', port: gateway.port, ca: gateway.cert });
  others.push(client);
  await client.login('station-key');
  await client.startRemote(slot);
  return client;
}

/** Resolves once the relay has seen startRemote for `slot` (checked once per event-loop turn). */
async function sessionStarted(slot: string): Promise<void> {
  while (!gateway.relay.callsOf('startRemote').some((args) => args[1] === slot)) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('satnet-client', () => {
  it('prints its usage with --help', async () => {
    expect(await run(['--help'])).toEqual({ status: EXIT.OK, out: [USAGE], err: [] });
  });

  it.each([
    [[], '--host is required'],
    [['--host', 'h'], '--api-key (or SATNET_API_KEY) is required'],
    [
      ['--host', 'h', '--api-key', 'k', '--side', 'both', '--slot', 's'],
      '--side must be station or mission, got "both"',
    ],
    [
      ['--host', 'h', '--api-key', 'k', '--port', '70000'],
      '--port must be an integer from 1 to 65535, got "70000"',
    ],
    [
      ['--host', 'h', '--api-key', 'k', '--insecure', '--ca', 'x'],
      '--insecure cannot be combined with --ca or --fingerprint',
    ],
    [
      ['--host', 'h', '--api-key', 'k', '--send', 'cafe'],
      '--send, --file, --interactive and --side need --slot',
    ],
    [
      ['--host', 'h', '--api-key', 'k', '--slot', 's', '--send', 'abc'],
      '--send #1: "abc" is not a frame in hex (an even number of hex digits)',
    ],
    [
      ['--host', 'h', '--api-key', 'k', '--slot', 's', '--linger=-1'],
      '--linger must be seconds >= 0, got "-1"',
    ],
    [
      ['--host', 'h', '--api-key', 'k', '--ca', '/nonexistent/ca.pem'],
      /^--ca: cannot read \/nonexistent\/ca.pem: ENOENT/,
    ],
    [['--host', 'h', '--api-key', 'k', '--bogus'], /Unknown option '--bogus'/],
    [['--ws', '--events'], '--ws and --events cannot be combined'],
    [['--ws', '--api-key', 'k'], '--url is required with --ws'],
    [['--ws', '--url', 'http://h', '--api-key', 'k'], '--spacecraft is required with --ws'],
    [
      ['--ws', '--url', 'h:8080', '--spacecraft', 'SAT', '--api-key', 'k'],
      `--url must be the server's http:// or https:// address, got "h:8080"`,
    ],
    [
      ['--ws', '--url', 'http://h', '--spacecraft', 'SAT', '--api-key', 'k', '--auth', 'cookie'],
      '--auth must be header, subprotocol or query, got "cookie"',
    ],
    [
      ['--ws', '--url', 'http://h', '--spacecraft', 'SAT', '--api-key', 'k', '--slot', 's'],
      '--slot with --ws resumes a slot: give --last-seq too',
    ],
    [['--host', 'h', '--api-key', 'k', '--last-seq', '3'], '--last-seq needs --slot'],
    [
      ['--host', 'h', '--api-key', 'k', '--slot', 's', '--last-seq=1.5'],
      /^--last-seq must be an integer from 0 to/,
    ],
    [['--events', '--url', 'http://h', '--last-seq', '1'], '--last-seq cannot be used with --events'],
    [['--events', '--url', 'http://h', '--send', 'cafe'], '--send cannot be used with --events'],
    [
      ['--events', '--url', 'http://h', '--api-key', 'k', '--cursor', '1.5'],
      /^--cursor must be an integer from 0 to/,
    ],
    [['--host', 'h', '--spacecraft', 'SAT'], '--spacecraft cannot be used without --ws or --events'],
  ])('%p → usage error: %s', async (args, message) => {
    const result = await run(args);
    expect(result.status).toBe(EXIT.USAGE);
    expect(result.err[0].replace('satnet-client: ', '')).toMatch(message);
  });

  it('exits 3 when it cannot connect', async () => {
    const result = await run(['--host', '127.0.0.1', '--port', '1', '--api-key', 'k']);
    expect(result.status).toBe(EXIT.CONNECTION);
    expect(result.err[0]).toMatch(/^satnet-client: cannot connect to 127.0.0.1:1: connect ECONNREFUSED/);
  });

  it('exits 3 when the certificate is not trusted', async () => {
    const result = await run([
      '--host',
      '127.0.0.1',
      '--port',
      String(gateway.port),
      '--api-key',
      'station-key',
    ]);
    expect(result.status).toBe(EXIT.CONNECTION);
    expect(result.err[0]).toMatch(/self-signed certificate/);
  });

  it('checks the connection without --slot (key from SATNET_API_KEY, pinned fingerprint)', async () => {
    const args = [
      '--host',
      '127.0.0.1',
      '--port',
      String(gateway.port),
      '--fingerprint',
      gateway.fingerprint256,
    ];
    const result = await run(args, { env: { SATNET_API_KEY: 'station-key' } });
    expect(result).toEqual({
      status: EXIT.OK,
      out: [
        `connected to 127.0.0.1:${gateway.port} (TLSv1.3, server certificate SHA-256 ${gateway.fingerprint256})`,
        'logged in as station',
        'ping: pong',
      ],
      err: [],
    });
  });

  it('exits 1 on a wrong key', async () => {
    const result = await run([...connection(), '--api-key', 'wrong']);
    expect(result.status).toBe(EXIT.REFUSED);
    expect(result.err).toEqual(['refused: INVALID_API_KEY: invalid API key']);
  });

  it('sends frames from --send and --file in order and prints the results', async () => {
    const file = join(scratch, 'frames.txt');
    writeFileSync(file, '# uplink\n0a 0b 0c\n\n0x0d0e\n');
    await station('cli-1');
    const result = await run([
      ...connection(),
      '--api-key',
      'mission-key',
      '--slot',
      'cli-1',
      '--send',
      'ca:fe',
      '--file',
      file,
      '--linger',
      '0',
    ]);
    expect(result.err).toEqual([]);
    expect(result.status).toBe(EXIT.OK);
    const seqs = result.out.slice(3).map((line) => Number(/ seq=(\d+)$/.exec(line)?.[1]));
    expect(result.out.slice(2).map((line) => line.replace(/ seq=\d+$/, ''))).toEqual([
      'startRemote cli-1: REMOTE_READY (0)',
      'sent #1 2 bytes: delivered doppler=-1234 Hz gs=2030-01-01T00:00:00.000Z',
      'sent #2 3 bytes: delivered doppler=-1234 Hz gs=2030-01-01T00:00:00.000Z',
      'sent #3 2 bytes: delivered doppler=-1234 Hz gs=2030-01-01T00:00:00.000Z',
    ]);
    expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]); // each frame's number, to resume after
    expect(gateway.relay.frames.filter(([slot]) => slot === 'cli-1').map((entry) => entry[2])).toEqual([
      'cafe',
      '0a0b0c',
      '0d0e',
    ]);
    expect(gateway.relay.callsOf('endRemote').at(-1)).toEqual([{ slotId: 'cli-1', side: 'mission' }]);
  });

  it('prints what arrives and events, and exits 0 when the slot ends', async () => {
    const cli = run([...connection(), '--api-key', 'mission-key', '--slot', 'cli-2', '--side', 'mission']);
    await sessionStarted('cli-2');
    const remote = await station('cli-2');
    await remote.sendMsg(Buffer.from('beef', 'hex'));
    gateway.relay.endSlot('cli-2');
    const result = await cli;
    expect(result.status).toBe(EXIT.OK);
    expect(result.out[2]).toBe('startRemote cli-2 (mission): REMOTE_NOT_CONNECTED (-2)');
    expect(result.out[3]).toBe('event REMOTE_CONNECTED (-4)');
    expect(result.out[4]).toMatch(
      /^recv 2 bytes doppler=-1234 Hz gs=2030-01-01T00:00:00.000Z local=\S+Z seq=\d+ data=beef$/,
    );
    expect(result.out[5]).toBe('event SLOT_END (-2)');
  });

  it('exits 1 when a frame is rejected, after sending the others', async () => {
    const result = await run([
      ...connection(),
      '--api-key',
      'mission-key',
      '--slot',
      'cli-3',
      '--send',
      'ff01',
      '--send',
      '01',
      '--linger',
      '0',
    ]);
    expect(result.status).toBe(EXIT.REFUSED);
    expect(result.err).toEqual(['frame #1 failed: FRAME_REJECTED: CRC32-C mismatch']);
    expect(result.out.at(-1)).toMatch(
      /^sent #2 1 bytes: not delivered \(the other side is not connected\) doppler=-1234 Hz gs=2030-01-01T00:00:00.000Z seq=\d+$/,
    );
  });

  it('resumes a slot after the frame given by --last-seq', async () => {
    const result = await run([
      ...connection(),
      '--api-key',
      'mission-key',
      '--slot',
      'cli-resume',
      '--last-seq',
      '7',
      '--linger',
      '0',
    ]);
    expect(result.status).toBe(EXIT.OK);
    expect(result.out[2]).toBe('startRemote cli-resume (after seq 7): REMOTE_NOT_CONNECTED (-2)');
    expect(gateway.relay.callsOf('startRemote').at(-1)).toEqual(['mission', 'cli-resume', undefined, 7]);
  });

  it('sends hex lines from standard input with --interactive', async () => {
    const stdin = Readable.from(['cafe\n', 'zz\n', '# comment\n', '0102\n']);
    const result = await run(
      [...connection(), '--api-key', 'mission-key', '--slot', 'cli-4', '--interactive', '--linger', '0'],
      { stdin },
    );
    expect(result.err).toEqual(['input: "zz" is not a frame in hex (an even number of hex digits)']);
    expect(result.out.filter((line) => line.startsWith('sent'))).toHaveLength(2);
    expect(gateway.relay.frames.filter(([slot]) => slot === 'cli-4').map((entry) => entry[2])).toEqual([
      'cafe',
      '0102',
    ]);
    expect(result.status).toBe(EXIT.OK);
  });

  it('--interactive without --linger ends the session and exits when its input ends', async () => {
    const remote = await station('cli-7');
    const events: number[] = [];
    remote.on('notifyEvent', (eventId: number) => events.push(eventId));
    const result = await run(
      [...connection(), '--api-key', 'mission-key', '--slot', 'cli-7', '--interactive'],
      {
        stdin: Readable.from(['cafe\n']),
      },
    );
    expect(result.status).toBe(EXIT.OK);
    expect(result.out.filter((line) => line.startsWith('sent'))).toHaveLength(1);
    await remote.ping(); // the END_REMOTE notification, if sent, came before this answer
    expect(events).toEqual([-4, -3]); // REMOTE_CONNECTED, then END_REMOTE
  });

  it('exits 1 on CLIENTS_COINCIDE', async () => {
    await station('cli-5');
    const result = await run([...connection(), '--api-key', 'station-key', '--slot', 'cli-5']);
    expect(result.status).toBe(EXIT.REFUSED);
    expect(result.out.at(-1)).toBe('startRemote cli-5: CLIENTS_COINCIDE (-1)');
    expect(result.err).toEqual(['that side of the slot already has an active client']);
  });

  it('ends the session and exits 0 on Ctrl-C', async () => {
    const interrupt = new AbortController();
    const cli = run([...connection(), '--api-key', 'mission-key', '--slot', 'cli-6'], {
      signal: interrupt.signal,
    });
    await sessionStarted('cli-6');
    const remote = await station('cli-6');
    interrupt.abort();
    const [eventId] = (await once(remote, 'notifyEvent')) as [number, string];
    expect(eventId).toBe(-3); // END_REMOTE
    expect((await cli).status).toBe(EXIT.OK);
  });
});
