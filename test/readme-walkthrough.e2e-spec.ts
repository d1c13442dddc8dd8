// SPDX-License-Identifier: Apache-2.0
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { EXIT, runClientCli } from '../src/client/cli';
import { validateCspFrame } from '../src/csp/csp-frame';
import { TestApp } from './helpers/test-app';

/**
 * The README's "First steps" and "From a station and a spacecraft to live frames", run as written:
 * the server is started with the environment its first block sets, every other shell line runs in
 * bash with curl and jq, and the two `npm run client` lines run the client with the arguments
 * bash expands them to. Only what differs on a test machine is replaced: the HTTP and gateway
 * ports (random), the certificate's folder (a temporary one) and the clock (fixed, a day after the
 * example TLE's epoch, so that the example has passes).
 */

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PROTOCOL = readFileSync(join(ROOT, 'docs', 'protocol.md'), 'utf8');
const CLIENT = 'npm run -s client --';

/** The fenced sh blocks from the heading `from` to the next level-2 heading. */
function shellBlocks(from: string): string[] {
  const start = README.indexOf(`\n## ${from}\n`);
  if (start < 0) throw new Error(`README has no section "${from}"`);
  const next = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Shell commands of a block: continuation lines joined, comments and blank lines dropped. */
function commands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

const run = promisify(execFile);

describe('README walk-through, pasted top to bottom', () => {
  const firstSteps = shellBlocks('First steps');
  const toLiveFrames = shellBlocks('From a station and a spacecraft to live frames');
  let t: TestApp;
  let tlsDir: string;

  beforeAll(async () => {
    // Terminal 1: `VAR=value … npm start`; the server gets those variables.
    const [start] = commands(firstSteps[0]);
    expect(start).toMatch(/ npm start$/);
    const env = Object.fromEntries(
      [...start.matchAll(/(\w+)=('[^']*'|\S+)/g)].map(([, name, value]) => [
        name,
        value.replace(/^'|'$/g, ''),
      ]),
    );
    expect(env).toMatchObject({
      SATNET_ADMIN_EMAIL: 'admin@example.org',
      SATNET_ADMIN_PASSWORD: 'change-me-now',
    });
    tlsDir = mkdtempSync(join(tmpdir(), 'satnet-readme-tls-'));
    t = await TestApp.start({ ...env, SATNET_TLS_DIR: tlsDir });
    t.clock.set('2026-12-01T12:00:00Z');
  });

  afterAll(async () => {
    await t.stop();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  it('reaches live frames: accounts, keys, station, rules, spacecraft, a reserved slot, a relayed uplink', async () => {
    const lines = [...commands(firstSteps[1]), ...toLiveFrames.flatMap(commands)];
    const [shell, clients] = [
      lines.filter((line) => !line.includes(CLIENT)),
      lines.filter((line) => line.includes(CLIENT)),
    ];
    expect(clients).toHaveLength(2);
    const host = new URL(t.baseUrl).host;
    // Each client line prints the arguments bash gives it: one per line, after a marker.
    const script = [
      'set -euo pipefail',
      `satnet_client() { printf '%s\\n' CLIENT "$SATNET_API_KEY" "$@" END; }`,
      ...shell.map((line) => line.replaceAll('localhost:8080', host)),
      ...clients.map((line) => line.replace(CLIENT, 'satnet_client').replace(/ &$/, '')),
    ].join('\n');
    const { stdout } = await run('bash', ['-c', script], { timeout: 30_000 });
    const [answers, ...invocations] = stdout.split('CLIENT\n');
    expect(answers).not.toContain('"error"');

    const [station, mission] = invocations.map((text) => {
      const [key, ...args] = text.split('\n').slice(0, -2); // drop END and the final newline
      expect(key).toMatch(/^snk_/);
      const ca = args.indexOf('--ca');
      args[ca + 1] = join(tlsDir, 'gateway-dev-cert.pem');
      return { key, args: [...args, '--port', String(t.gatewayPort)] };
    });
    const slot = station.args[station.args.indexOf('--slot') + 1];
    const slots = await t.http('GET', '/api/spacecraft/XATCOBEO/slots', { token: await login('xatco-ops') });
    expect(slots.body.find((s: { identifier: string }) => s.identifier === slot)).toMatchObject({
      state: 'RESERVED',
    });

    // The station listens in the background; the mission types the frame the README suggests.
    const stationOut: string[] = [];
    const stop = new AbortController();
    let started: () => void = () => undefined;
    const stationStarted = new Promise<void>((resolve) => (started = resolve));
    const stationRun = runClientCli(station.args, {
      out: (line) => {
        stationOut.push(line);
        if (line.startsWith('startRemote')) started();
      },
      err: (line) => stationOut.push(line),
      stdin: Readable.from([]),
      env: { SATNET_API_KEY: station.key },
      signal: stop.signal,
    });
    await stationStarted;
    const typed = /try\s+#?\s*([0-9a-f]+)\s/.exec(toLiveFrames.join('\n'))![1];
    const missionOut: string[] = [];
    const missionStatus = await runClientCli(mission.args, {
      out: (line) => missionOut.push(line),
      err: (line) => missionOut.push(line),
      stdin: Readable.from([`${typed}\n`]),
      env: { SATNET_API_KEY: mission.key },
    });
    expect(missionOut).toContainEqual(expect.stringMatching(/^sent #1 12 bytes: delivered doppler=/));
    expect(missionStatus).toBe(EXIT.OK);
    expect(stationOut).toContainEqual(expect.stringMatching(new RegExp(`^recv 12 bytes .* data=${typed}$`)));

    // "Mission software over WebSocket": the same mission, its --ws line as written (input ends at once).
    const wsLine = commands(shellBlocks('Mission software over WebSocket')[0]).find((line) =>
      line.includes('--ws'),
    )!;
    const wsArgs = wsLine
      .slice(wsLine.indexOf('npm run client -- ') + 'npm run client -- '.length)
      .split(/\s+/)
      .map((arg) => arg.replace('http://localhost:8080', t.baseUrl));
    const sentHex = wsArgs[wsArgs.indexOf('--send') + 1];
    const wsOut: string[] = [];
    const wsStatus = await runClientCli(wsArgs, {
      out: (line) => wsOut.push(line),
      err: (line) => wsOut.push(line),
      stdin: Readable.from([]),
      env: { SATNET_API_KEY: mission.key },
    });
    expect(wsOut).toContainEqual(expect.stringMatching(/^sent #1 .*stored and relayed/));
    expect(wsStatus).toBe(EXIT.OK);
    expect(stationOut).toContainEqual(
      expect.stringMatching(new RegExp(`^recv \\d+ bytes .* data=${sentHex}$`)),
    );
    stop.abort();
    expect(await stationRun).toBe(EXIT.OK);
  });

  it("gives a downlink frame that passes with the README's spacecraft, the one of docs/protocol.md §10.2", () => {
    const prose = README.slice(README.indexOf('## From a station'));
    const downlink = /`([0-9a-f]+)` is `hello`/.exec(prose)![1];
    const spacecraft = /"csp": (\{[^}]*\})/.exec(toLiveFrames.join('\n'))![1];
    const csp = JSON.parse(spacecraft);
    const verdict = validateCspFrame(Buffer.from(downlink, 'hex'), 'DOWNLINK', csp, { maxFrameBytes: 4096 });
    expect(verdict).toMatchObject({ ok: true, header: { source: 10, sourcePort: 20 } });
    const spaced = downlink.match(/../g)!.join(' ');
    const section = PROTOCOL.slice(PROTOCOL.indexOf('### 10.2'), PROTOCOL.indexOf('### 10.3'));
    expect(section.replace(/\n\d{4} {2}/g, ' ')).toContain(spaced);
  });

  async function login(username: string): Promise<string> {
    const password = /"username":"xatco-ops","password":"([^"]+)"/.exec(README)![1];
    return t.login(username, password);
  }
});
