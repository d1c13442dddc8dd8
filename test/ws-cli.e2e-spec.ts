// SPDX-License-Identifier: Apache-2.0
import { Readable } from 'node:stream';
import { type CliIo, EXIT, runClientCli } from '../src/client/cli';
import { type GatewayClient } from '../src/client/gateway-client';
import { RelayService } from '../src/relay/relay.service';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

/** One run of `npm run client -- …` in this process, its lines as they are printed. */
class CliRun {
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly status: Promise<number>;
  private readonly interrupt = new AbortController();
  private readonly waiting: (() => void)[] = [];

  constructor(args: string[], stdin: Readable = Readable.from([])) {
    const io: CliIo = {
      out: (line) => this.printed(this.out, line),
      err: (line) => this.printed(this.err, line),
      stdin,
      env: {},
      signal: this.interrupt.signal,
    };
    this.status = runClientCli(args, io);
  }

  /** Resolves with the first line of standard output matching `pattern`, once printed. */
  async line(pattern: RegExp): Promise<string> {
    for (;;) {
      const found = this.out.find((line) => pattern.test(line));
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Ctrl-C. */
  stop(): Promise<number> {
    this.interrupt.abort();
    return this.status;
  }

  private printed(lines: string[], line: string): void {
    lines.push(line);
    for (const wake of this.waiting.splice(0)) wake();
  }
}

describe('npm run client -- --ws / --events (the CLI against the real server)', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  const stations: GatewayClient[] = [];

  const ws = (...args: string[]) => [
    '--ws',
    ...['--url', t.baseUrl, '--spacecraft', slot.spacecraft, '--api-key', slot.missionKey],
    ...args,
  ];
  const station = async (): Promise<GatewayClient> => {
    const gs = await gatewayClient(t, slot.stationKey);
    stations.push(gs);
    await gs.startRemote(slot.slotId);
    return gs;
  };
  const now = () => t.clock.now().toISOString();

  let slots = 0;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  // Each test has its own slot (one test ends it), a minute before it starts.
  beforeEach(async () => {
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, `wscli${++slots}`);
    t.clock.set(new Date(slot.start.getTime() - 60_000));
  });
  afterEach(() => {
    for (const gs of stations.splice(0)) gs.destroy();
  });
  afterAll(() => t.stop());

  it('sends uplinks with acknowledgements, prints downlinks and events, and exits 0 at SLOT_END', async () => {
    const gs = await station();
    const heard = next<[Buffer]>(gs, 'notifyMsg');
    const uplink = frames.uplink('from the cli');
    const cli = new CliRun(ws('--send', uplink.toString('hex')));

    expect((await heard)[0]).toEqual(uplink);
    await cli.line(/^sent #1/);
    const downlink = frames.downlink('to the cli');
    await gs.sendMsg(downlink, now());
    await cli.line(/^recv/);
    t.clock.set(slot.end);
    await t.app.get(RelayService).endFinishedSlots();

    expect(await cli.status).toBe(EXIT.OK);
    expect(cli.err).toEqual([]);
    const at = slot.start.getTime() - 60_000;
    expect(cli.out).toEqual([
      `connected to ${t.baseUrl.replace('http', 'ws')}/ws/mission/${slot.spacecraft}/protocol/csp (satnet.v1, token in the header)`,
      `event REMOTE_CONNECTED slot=${slot.slotId} station=${slot.station}`,
      expect.stringMatching(
        new RegExp(
          `^sent #1 ${uplink.length} bytes: stored and relayed slot=${slot.slotId} station=${slot.station} ` +
            `doppler=-?[\\d.]+ Hz server=${new Date(at).toISOString()} seq=1$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^recv ${downlink.length} bytes doppler=-?[\\d.]+ Hz gs=${new Date(at).toISOString()} ` +
            `server=\\S+ local=\\S+ slot=${slot.slotId} station=${slot.station} seq=1 data=${downlink.toString('hex')}$`,
        ),
      ),
      `event SLOT_END slot=${slot.slotId} station=${slot.station}`,
      expect.stringMatching(/^closed 1000/),
    ]);
  });

  it('sends standard input lines (token in the query), reports each refusal, exits 1 at the end of input', async () => {
    const gs = await station();
    const relayed: Buffer[] = [];
    gs.on('notifyMsg', (data: Buffer) => relayed.push(data));
    const good = frames.uplink('typed');
    const badPort = frames.uplink('x', { destinationPort: 12 });
    const stdin = Readable.from([
      `${badPort.toString('hex')}\n`,
      'zz\n',
      '# a comment\n',
      `${good.toString('hex')}\n`,
    ]);
    const cli = new CliRun(ws('--auth', 'query', '--interactive'), stdin);

    expect(await cli.status).toBe(EXIT.REFUSED);
    // A line that is not hex is reported at once; a frame's answer when it comes.
    expect(cli.err).toEqual([
      'input: "zz" is not a frame in hex (an even number of hex digits)',
      expect.stringMatching(/^frame #1 failed: FRAME_REJECTED: error verifying csp packet: .* port 12 /),
    ]);
    expect(cli.out.filter((line) => line.startsWith('sent'))).toEqual([
      expect.stringMatching(/^sent #2 \d+ bytes: stored and relayed/),
    ]);
    expect(cli.out.at(-1)).toMatch(/^closed 1000/);
    await gs.ping();
    expect(relayed).toEqual([good]);
  });

  it('resumes a slot with --slot and --last-seq: the downlinks sent since arrive first, once each', async () => {
    const gs = await station();
    for (const text of ['one', 'two', 'three']) await gs.sendMsg(frames.downlink(text), now()); // nobody listens
    const cli = new CliRun(ws('--slot', slot.slotId, '--last-seq', '1'));
    await cli.line(/seq=3 /);
    expect(await cli.stop()).toBe(EXIT.OK);
    const received = cli.out.filter((line) => line.startsWith('recv'));
    expect(received.map((line) => / seq=(\d+) /.exec(line)?.[1])).toEqual(['2', '3']);
    expect(received[0]).toContain(`data=${frames.downlink('two').toString('hex')}`);
  });

  it('says when no station is connected, and ends the session on Ctrl-C', async () => {
    const cli = new CliRun(ws('--auth', 'subprotocol', '--send', frames.uplink().toString('hex')));
    await new Promise<void>((resolve) => {
      const check = () => (cli.err.length > 0 ? resolve() : setImmediate(check));
      check();
    });
    expect(cli.err).toEqual([expect.stringMatching(/^frame #1 failed: REMOTE_NOT_CONNECTED: /)]);
    expect(await cli.stop()).toBe(EXIT.REFUSED);
  });

  it('exits 1 when the handshake is refused, 3 when there is no server', async () => {
    const notOwner = new CliRun([
      '--ws',
      '--url',
      t.baseUrl,
      '--spacecraft',
      slot.spacecraft,
      '--api-key',
      slot.stationKey,
    ]);
    expect(await notOwner.status).toBe(EXIT.REFUSED);
    expect(notOwner.err).toEqual([expect.stringMatching(/^refused: 403 NOT_OWNER: /)]);

    const unknown = new CliRun([
      '--ws',
      '--url',
      t.baseUrl,
      '--spacecraft',
      'NOSUCHSAT',
      '--api-key',
      slot.missionKey,
    ]);
    expect(await unknown.status).toBe(EXIT.REFUSED);
    expect(unknown.err).toEqual([expect.stringMatching(/^refused: 404 SPACECRAFT_NOT_FOUND: /)]);

    const nobody = new CliRun(['--events', '--url', 'http://127.0.0.1:1', '--api-key', slot.missionKey]);
    expect(await nobody.status).toBe(EXIT.CONNECTION);
    expect(nobody.err).toEqual([
      expect.stringMatching(
        /^satnet-client: cannot connect to ws:\/\/127.0.0.1:1\/ws\/events: .*ECONNREFUSED/,
      ),
    ]);
  });

  it('--events prints the booking changes, then each new one, and resumes after --cursor', async () => {
    const events = (...args: string[]) =>
      new CliRun(['--events', '--url', t.baseUrl, '--api-key', slot.missionKey, ...args]);
    const first = events();
    await first.line(/^live/);
    const changes = first.out.filter((line) => line.startsWith('change'));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.at(-1)).toMatch(
      new RegExp(
        `^change #\\d+ at=\\S+ slot=${slot.slotId} station=${slot.station} spacecraft=${slot.spacecraft} \\w+ -> RESERVED \\(`,
      ),
    );

    const another = (
      await t.http('GET', `/api/spacecraft/${slot.spacecraft}/slots`, { token: slot.missionKey })
    ).body.find(
      (s: { identifier: string; state: string }) => s.identifier !== slot.slotId && s.state === 'FREE',
    );
    const selected = await t.http('POST', `/api/spacecraft/${slot.spacecraft}/slots/select`, {
      token: slot.missionKey,
      body: { slots: [another.identifier] },
    });
    expect(selected.status).toBe(200);
    const pushed = await first.line(new RegExp(`^change #\\d+ .*slot=${another.identifier}`));
    expect(await first.stop()).toBe(EXIT.OK);

    const lastSeen = Number(/^change #(\d+)/.exec(changes.at(-1) as string)?.[1]);
    const resumed = events('--cursor', String(lastSeen), '--auth', 'subprotocol');
    await resumed.line(/^live/);
    expect(resumed.out.filter((line) => line.startsWith('change'))[0]).toBe(pushed);
    expect(resumed.out.some((line) => line.startsWith(`change #${lastSeen} `))).toBe(false);
    expect(await resumed.stop()).toBe(EXIT.OK);
  });
});
