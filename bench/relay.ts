// SPDX-License-Identifier: Apache-2.0
/**
 * Live relay (issue 5, "Performance"): a G-client and an M-client exchange 200-byte CSP v1 frames
 * (CRC32-C flagged, so the server checks it) through the real server over TLS, packet log on.
 * Prints (a) one-way frames/s at full speed, (b) p50/p99 latency (sendMsg call -> notifyMsg at the
 * other client, and sendMsg call -> its answer, sent once the frame is stored) at a steady 1,000 frames/s, (c) p50/p99 latency with 200 slot pairs at 10 frames/s
 * each (station -> mission), (d) the same full-speed stream through a bare TLS pipe (two TLS
 * sockets joined by a plain proxy, no server logic) and the ratio (a)/(d), (e) a station over TLS
 * to 3 WebSocket sessions of the mission (/ws/mission, JSON + base64): frames/s delivered to each
 * session at full speed, and p50/p99 latency (sendMsg call -> the downlink message parsed by each
 * session) at 1,000 frames/s; (f) the station on instance A and the mission on instance B of one
 * network (two server processes, one database of their own, the local Redis at BENCH_REDIS_URL,
 * default redis://127.0.0.1:6379/0, under a key prefix of their own): frames/s at full speed,
 * p50/p99 latency at 1,000 frames/s, and the CPU time per frame; then the packet log's row count
 * against the frames sent, which must be equal (for (f), in its own database).
 *
 * For (a)-(e) the server (TestApp: the real app, fresh database, manual clock inside the slots)
 * runs on the main thread; all clients run in one worker thread, so on 2 cores the server has a
 * core of its own, as it would with remote clients. The yardstick's proxy runs on the main thread
 * too. (f)'s instances A and B are each the real server entry (src/main.ts) in a child process of
 * its own, on the system clock (test/helpers/app-process.ts), as a deployment runs them: in one process
 * the two instances' work would add up on one event loop. BENCH_CPU_PROF=<dir> writes their V8
 * CPU profiles (node --cpu-prof) there when they stop.
 *
 *   npm run bench:relay                                                    (embedded SQLite)
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npm run bench:relay      (a fresh MySQL database)
 *   BENCH_SECONDS=10 npm run bench:relay          (seconds per measured phase; default 5)
 *   BENCH_PHASES=c npm run bench:relay            (only some figures, e.g. to profile one)
 *   SATNET_PACKET_LOG_FLUSH_MS=50 npm run bench:relay   (SATNET_* settings are passed to the server)
 */
import { once } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import { connect as tlsConnect, createServer, type Server, type TLSSocket } from 'node:tls';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { GatewayClient } from '../src/client/gateway-client';
import { type DownlinkMessage, MissionSocketClient } from '../src/client/websocket-client';
import { CSP_FLAG, makeCspHeader, writeCspHeader } from '../src/csp/csp-header';
import { crc32c } from '../src/csp/crc32c';
import { encodeFrame, FrameDecoder } from '../src/transports/gateway/frame-codec';
import { parseRpcMessage, rpcRequest } from '../src/transports/gateway/rpc-message';
import type { ProcessCluster } from '../test/helpers/app-process';
import type { TestApp } from '../test/helpers/test-app';
import type { TestDatabase } from '../test/helpers/test-database';

const FRAME_BYTES = 200;
const PAIRS = 200;
const STEADY_RATE = 1000; // (b), frames/s
const PAIR_RATE = 10; // (c), frames/s per pair
const WS_SESSIONS = 3; // (e), the most a mission may have by default
const WARM_UP_FRAMES = 20_000;
/** Requests the full-speed sender keeps unanswered (besides the client's own write backpressure). */
const WINDOW = 2048;
const BATCH = 64; // frames handed to the client between two turns of the event loop

type Phase =
  | 'warm-up'
  | 'throughput'
  | 'yardstick'
  | 'steady'
  | 'connect-pairs'
  | 'pairs'
  | 'close-pairs'
  | 'connect-ws'
  | 'ws-warm-up'
  | 'ws-throughput'
  | 'ws-steady'
  | 'close-ws'
  | 'cross-warm-up'
  | 'cross-throughput'
  | 'cross-steady';

interface Setup {
  gatewayPort: number;
  proxyPort: number;
  seconds: number;
  /** The frames' GS timestamps start here (inside the slots) and advance with real time. */
  timestampBase: number;
  slot: { id: string; stationKey: string; missionKey: string };
  pairSlots: string[];
  /** (e): the server's HTTP address, the spacecraft, and the slot its station sends on. */
  baseUrl: string;
  spacecraft: string;
  wsSlot: string;
  /**
   * (f): the gateways of instances A (the station's) and B (the mission's), and their slot, which
   * spans the present: those instances run on the system clock.
   */
  cross?: {
    stationPort: number;
    missionPort: number;
    slot: { id: string; stationKey: string; missionKey: string };
  };
}

interface PhaseResult {
  /** Frames handed to the server (sendMsg calls), and of those refused (PACKET_LOG_BACKLOG...). */
  sent: number;
  refused: number;
  /** Frames that arrived, from startedAt to lastArrivalAt (ms since the epoch, as both threads see it). */
  received?: number;
  startedAt?: number;
  lastArrivalAt?: number;
  /** (e): the same, for each WebSocket session. */
  sessions?: { received: number; lastArrivalAt: number }[];
  latencyMs?: { p50: number; p99: number; max: number; n: number };
  /** (b): sendMsg call -> its answer, which the server sends once the frame is stored. */
  ackMs?: { p50: number; p99: number; max: number; n: number };
  /** How late each thread's event loop ran (ms): a busy or blocked loop delays every frame. */
  serverLoop?: LoopDelay;
  clientLoop?: LoopDelay;
  /** CPU time of the whole process (server and clients) over the phase, % of one core. */
  cpuPercent?: number;
  /** The same, in µs. */
  cpuMicros?: number;
}

interface LoopDelay {
  p99: number;
  max: number;
}

const loopDelay = (histogram: IntervalHistogram): LoopDelay => ({
  p99: histogram.percentile(99) / 1e6,
  max: histogram.max / 1e6,
});

// ---- Frames --------------------------------------------------------------------------------------

/**
 * One reusable 200-byte downlink frame: header, send time (performance.now(), f64) and sequence
 * number at the front of the payload, CRC32-C trailer. The client encodes (copies) it at once.
 */
class FrameMaker {
  private readonly frame = Buffer.alloc(FRAME_BYTES, 0x5a);
  private seq = 0;

  constructor() {
    const header = makeCspHeader({
      source: 10,
      sourcePort: 10,
      destination: 1,
      destinationPort: 20,
      flags: CSP_FLAG.CRC,
    });
    writeCspHeader(1, header, this.frame, 0);
  }

  next(): Buffer {
    this.frame.writeDoubleLE(performance.now(), 4);
    this.frame.writeUInt32LE(this.seq++, 12);
    this.frame.writeUInt32BE(crc32c(this.frame.subarray(4, FRAME_BYTES - 4)), FRAME_BYTES - 4);
    return this.frame;
  }
}

const sentAt = (frame: Uint8Array): number =>
  Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).readDoubleLE(4);

/** Latencies in ms, kept in a typed array (no garbage while measuring). */
class Latencies {
  private values = new Float64Array(1 << 16);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  get n(): number {
    return this.count;
  }

  summary(): { p50: number; p99: number; max: number; n: number } {
    const sorted = this.values.slice(0, this.count).sort();
    const at = (p: number) => sorted[Math.min(this.count - 1, Math.floor(p * this.count))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), max: sorted[this.count - 1] ?? 0, n: this.count };
  }
}

const epoch = (now: number): number => performance.timeOrigin + now;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Worker: the clients -------------------------------------------------------------------------

async function connectClient(setup: Setup, key: string, slotId: string): Promise<GatewayClient> {
  const client = await GatewayClient.connect({
    host: '127.0.0.1',
    port: setup.gatewayPort,
    insecure: true,
    keepAliveMs: 0,
  });
  await client.login(key);
  await client.startRemote(slotId);
  return client;
}

/** A station/mission pair on one slot: the mission first, so the station's frames are delivered. */
async function connectPair(setup: Setup, slotId: string): Promise<[GatewayClient, GatewayClient]> {
  const mission = await connectClient(setup, setup.slot.missionKey, slotId);
  const station = await connectClient(setup, setup.slot.stationKey, slotId);
  return [station, mission];
}

/** (f): the mission on instance B first, then the station on instance A once B's presence reached A. */
async function connectCrossPair(setup: Setup): Promise<[GatewayClient, GatewayClient]> {
  const { stationPort, missionPort, slot } = setup.cross as NonNullable<Setup['cross']>;
  const mission = await connectClient({ ...setup, gatewayPort: missionPort }, slot.missionKey, slot.id);
  const station = await connectClient({ ...setup, gatewayPort: stationPort }, slot.stationKey, slot.id);
  return [station, mission];
}

/** Sends frames from `station` until `count` were sent or `until` (ms) passed, WINDOW in flight. */
class Blaster {
  sent = 0;
  refused = 0;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private readonly frames = new FrameMaker();

  constructor(
    private readonly station: GatewayClient,
    private readonly timestampBase: number,
  ) {}

  async run(count: number, until = Infinity): Promise<void> {
    const started = this.sent;
    while (this.sent - started < count && performance.now() < until) {
      for (let i = 0; i < BATCH; i++) this.sendOne();
      await this.station.whenWritable();
      if (this.inFlight >= WINDOW) await new Promise<void>((resolve) => (this.wake = resolve));
      else await turn(); // let the socket be read and written
    }
    while (this.inFlight > 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private sendOne(): void {
    this.sent++;
    this.inFlight++;
    const timestamp = Math.floor(this.timestampBase + performance.now());
    this.station.sendMsg(this.frames.next(), timestamp).then(this.settled, this.failed);
  }

  private readonly settled = (): void => {
    this.inFlight--;
    if (this.wake && (this.inFlight <= WINDOW / 2 || this.inFlight === 0)) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    }
  };

  private readonly failed = (): void => {
    this.refused++;
    this.settled();
  };
}

/** Resolves once `received()` reaches `count` (polled: arrivals are counted by event listeners). */
async function arrivals(received: () => number, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (received() < count) {
    if (performance.now() > deadline) throw new Error(`only ${received()} of ${count} frames arrived`);
    await sleep(1);
  }
}

/**
 * Where a station's frames arrive: one TLS mission client, or (e) the mission's WebSocket
 * sessions. `listen` calls `arrived` with each frame and the index of the receiver that got it.
 */
interface Receivers {
  count: number;
  listen(arrived: (frame: Uint8Array, receiver: number) => void): void;
  stop(): void;
}

function tlsMission(mission: GatewayClient): Receivers {
  return {
    count: 1,
    listen: (arrived) => mission.on('notifyMsg', (data: Buffer) => arrived(data, 0)),
    stop: () => mission.removeAllListeners('notifyMsg'),
  };
}

function wsSessions(sessions: MissionSocketClient[]): Receivers {
  return {
    count: sessions.length,
    listen: (arrived) =>
      sessions.forEach((session, i) =>
        session.on('message', (message: DownlinkMessage) =>
          arrived(Buffer.from(message.packet, 'base64'), i),
        ),
      ),
    stop: () => sessions.forEach((session) => session.removeAllListeners('message')),
  };
}

/** Full speed from `station` to each receiver: `count` frames, or as many as fit in `seconds`. */
async function throughput(
  setup: Setup,
  station: GatewayClient,
  receivers: Receivers,
  count: number,
  seconds = Infinity,
): Promise<PhaseResult> {
  const sessions = Array.from({ length: receivers.count }, () => ({ received: 0, lastArrivalAt: 0 }));
  receivers.listen((_frame, receiver) => {
    sessions[receiver].received++;
    sessions[receiver].lastArrivalAt = performance.now();
  });
  const blaster = new Blaster(station, setup.timestampBase);
  const started = performance.now();
  await blaster.run(count, started + seconds * 1000);
  const fewest = () => Math.min(...sessions.map((session) => session.received));
  await arrivals(fewest, blaster.sent - blaster.refused);
  receivers.stop();
  const lastArrival = Math.max(...sessions.map((session) => session.lastArrivalAt));
  return {
    sent: blaster.sent,
    refused: blaster.refused,
    received: fewest(),
    startedAt: epoch(started),
    lastArrivalAt: epoch(lastArrival),
    sessions: sessions.map((session) => ({ ...session, lastArrivalAt: epoch(session.lastArrivalAt) })),
  };
}

/**
 * (b) and (e): one frame every 1/STEADY_RATE s, by schedule (a late timer sends what fell due at
 * once); latency to each receiver.
 */
async function steady(setup: Setup, station: GatewayClient, receivers: Receivers): Promise<PhaseResult> {
  const latencies = new Latencies();
  const acks = new Latencies();
  receivers.listen((data) => latencies.add(performance.now() - sentAt(data)));
  const frames = new FrameMaker();
  const total = STEADY_RATE * setup.seconds;
  const started = performance.now();
  let sent = 0;
  let refused = 0;
  const failed = () => void refused++;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * STEADY_RATE) / 1000));
    for (; sent < due; sent++) {
      const calledAt = performance.now();
      station
        .sendMsg(frames.next(), Math.floor(setup.timestampBase + calledAt))
        .then(() => acks.add(performance.now() - calledAt), failed);
    }
    await sleep(1);
  }
  await arrivals(() => Math.min(latencies.n / receivers.count, acks.n), sent - refused);
  receivers.stop();
  return { sent, refused, latencyMs: latencies.summary(), ackMs: acks.summary() };
}

/** The PAIRS station/mission pairs of (c), connected before the phase is measured. */
async function connectPairs(setup: Setup): Promise<[GatewayClient, GatewayClient][]> {
  const clients: [GatewayClient, GatewayClient][] = [];
  for (let i = 0; i < setup.pairSlots.length; i += 20) {
    const group = setup.pairSlots.slice(i, i + 20).map((id) => connectPair(setup, id));
    clients.push(...(await Promise.all(group)));
  }
  return clients;
}

/** (c): each station sends PAIR_RATE frames/s to its mission, at its own random phase. */
async function pairs(setup: Setup, clients: [GatewayClient, GatewayClient][]): Promise<PhaseResult> {
  const latencies = new Latencies();
  const result = { sent: 0, refused: 0 };
  const failed = () => void result.refused++;
  const stopAt = performance.now() + setup.seconds * 1000;
  const senders = clients.map(async ([station, mission]) => {
    mission.on('notifyMsg', (data: Buffer) => latencies.add(performance.now() - sentAt(data)));
    const frames = new FrameMaker();
    await sleep(Math.random() * (1000 / PAIR_RATE));
    for (let next = performance.now(); next < stopAt; next += 1000 / PAIR_RATE) {
      await sleep(next - performance.now());
      result.sent++;
      station.sendMsg(frames.next(), Math.floor(setup.timestampBase + performance.now())).catch(failed);
    }
  });
  await Promise.all(senders);
  await arrivals(() => latencies.n, result.sent - result.refused);
  return { ...result, latencyMs: latencies.summary() };
}

interface WsBench {
  station: GatewayClient;
  sessions: MissionSocketClient[];
}

/**
 * (e): a station on a slot of its own (no TLS mission client there) and WS_SESSIONS mission
 * sessions; each is ready once it has heard that the station is connected (it is then attached).
 * A session the server closes during the bench is reported: that would be a failure.
 */
async function connectWs(setup: Setup): Promise<WsBench> {
  const station = await connectClient(setup, setup.slot.stationKey, setup.wsSlot);
  const sessions: MissionSocketClient[] = [];
  for (let i = 0; i < WS_SESSIONS; i++) {
    const session = await MissionSocketClient.connect({
      baseUrl: setup.baseUrl,
      token: setup.slot.missionKey,
      spacecraft: setup.spacecraft,
    });
    await session.next<{ slotId: string }>('event', (event) => event.slotId === setup.wsSlot);
    session.on('close', (code: number, reason: string) => {
      if (code !== 1000)
        console.error(`  (e) WebSocket session ${i + 1} closed by the server: ${code} ${reason}`);
    });
    sessions.push(session);
  }
  return { station, sessions };
}

/** (d): the (a) stream, as the same encoded sendMsg requests, through the bare TLS proxy. */
async function yardstick(setup: Setup): Promise<PhaseResult> {
  const receiver = await rawTls(setup.proxyPort);
  const sender = await rawTls(setup.proxyPort);
  const decoder = new FrameDecoder({ maxFrameBytes: 65536, maxBufferedBytes: 65540 });
  let received = 0;
  let lastArrival = 0;
  receiver.on('data', (chunk: Buffer) => {
    // Decoded and read as the gateway client reads a notifyMsg, so both ends do comparable work.
    for (const message of decoder.push(chunk)) {
      const parsed = parseRpcMessage(message);
      if ('params' in parsed && sentAt(parsed.params[0] as Uint8Array) > 0) received++;
    }
    lastArrival = performance.now();
  });
  const frames = new FrameMaker();
  const warm = await pipeBlast(sender, frames, setup, WARM_UP_FRAMES, Infinity);
  await arrivals(() => received, warm);
  const started = performance.now();
  const sent = await pipeBlast(sender, frames, setup, Infinity, started + setup.seconds * 1000);
  await arrivals(() => received, warm + sent);
  sender.destroy();
  receiver.destroy();
  const span = { startedAt: epoch(started), lastArrivalAt: epoch(lastArrival) };
  return { sent: 0, refused: 0, received: sent, ...span }; // sent: none of it reached the server
}

/** Writes sendMsg requests to the pipe, BATCH per write, honouring its backpressure. */
async function pipeBlast(
  sender: TLSSocket,
  frames: FrameMaker,
  setup: Setup,
  count: number,
  until: number,
): Promise<number> {
  let sent = 0;
  while (sent < count && performance.now() < until) {
    const batch: Buffer[] = [];
    for (let i = 0; i < BATCH; i++, sent++) {
      const params = [frames.next(), Math.floor(setup.timestampBase + performance.now())];
      batch.push(encodeFrame(rpcRequest(sent + 1, 'sendMsg', params)));
    }
    if (!sender.write(Buffer.concat(batch))) await once(sender, 'drain');
    else await turn();
  }
  return sent;
}

async function rawTls(port: number): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  socket.setNoDelay(true);
  return socket;
}

function workerMain(): void {
  const setup = workerData as Setup;
  const port = parentPort as NonNullable<typeof parentPort>;
  let main: Promise<[GatewayClient, GatewayClient]> | undefined;
  let many: [GatewayClient, GatewayClient][] = [];
  let ws: WsBench | undefined;
  let cross: Promise<[GatewayClient, GatewayClient]> | undefined;
  port.on('message', (phase: Phase) => {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const run = async (): Promise<PhaseResult> => {
      if (phase === 'yardstick') return yardstick(setup);
      if (phase === 'connect-pairs') many = await connectPairs(setup);
      if (phase === 'close-pairs') await Promise.all(many.flat().map((client) => client.close()));
      if (phase === 'connect-pairs' || phase === 'close-pairs') return { sent: 0, refused: 0 };
      if (phase === 'pairs') return pairs(setup, many);
      if (phase === 'connect-ws') ws = await connectWs(setup);
      if (phase === 'close-ws' && ws) {
        await Promise.all(ws.sessions.map((session) => session.close()));
        await ws.station.close();
      }
      if (phase === 'connect-ws' || phase === 'close-ws') return { sent: 0, refused: 0 };
      if (phase.startsWith('ws-')) {
        const { station, sessions } = ws as WsBench;
        if (phase === 'ws-warm-up') return throughput(setup, station, wsSessions(sessions), WARM_UP_FRAMES);
        if (phase === 'ws-throughput')
          return throughput(setup, station, wsSessions(sessions), Infinity, setup.seconds);
        return steady(setup, station, wsSessions(sessions));
      }
      if (phase.startsWith('cross-')) {
        cross ??= connectCrossPair(setup);
        const [station, mission] = await cross;
        // The instances' clock is the system's: the frames' timestamps are the real time.
        const inCluster = { ...setup, timestampBase: performance.timeOrigin };
        if (phase === 'cross-warm-up')
          return throughput(inCluster, station, tlsMission(mission), WARM_UP_FRAMES);
        if (phase === 'cross-throughput')
          return throughput(inCluster, station, tlsMission(mission), Infinity, setup.seconds);
        return steady(inCluster, station, tlsMission(mission));
      }
      main ??= connectPair(setup, setup.slot.id);
      const [station, mission] = await main;
      if (phase === 'warm-up') return throughput(setup, station, tlsMission(mission), WARM_UP_FRAMES);
      if (phase === 'throughput')
        return throughput(setup, station, tlsMission(mission), Infinity, setup.seconds);
      return steady(setup, station, tlsMission(mission));
    };
    run().then(
      (result) => {
        delay.disable();
        port.postMessage({ phase, result: { ...result, clientLoop: loopDelay(delay) } });
      },
      (error: unknown) => port.postMessage({ phase, error: String((error as Error).stack ?? error) }),
    );
  });
}

// ---- Main thread: the server, the proxy, the figures ----------------------------------------------

/** The bare TLS pipe: the first two connections are joined both ways, plaintext, no logic. */
async function startProxy(cert: string, key: string): Promise<Server> {
  let waiting: TLSSocket | undefined;
  const server = createServer({ cert, key, minVersion: 'TLSv1.2', noDelay: true }, (socket) => {
    if (!waiting) return void (waiting = socket);
    waiting.pipe(socket).pipe(waiting);
    waiting = undefined;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** More RESERVED slots like `slotId` (same station, spacecraft and window), inserted directly. */
async function copySlots(t: TestApp, slotId: string, ids: string[]): Promise<string[]> {
  const { SlotsRepository } = await import('../src/booking/slots.repository');
  const repository = t.app.get(SlotsRepository);
  const [template] = await repository.findByIds([slotId]);
  await repository.insert(ids.map((id) => ({ ...template, id })));
  return ids;
}

/** Runs a phase in the worker, watching how late the server's event loop runs meanwhile. */
async function runPhase(worker: Worker, phase: Phase): Promise<PhaseResult> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const [cpuBefore, started] = [process.cpuUsage(), performance.now()];
  try {
    const result = await new Promise<PhaseResult>((resolve, reject) => {
      worker.once('message', (reply: { phase: Phase; result?: PhaseResult; error?: string }) =>
        reply.error ? reject(new Error(`${phase}: ${reply.error}`)) : resolve(reply.result as PhaseResult),
      );
      worker.postMessage(phase);
    });
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPercent = (cpu.user + cpu.system) / 10 / (performance.now() - started);
    return { ...result, serverLoop: loopDelay(delay), cpuPercent, cpuMicros: cpu.user + cpu.system };
  } finally {
    delay.disable();
  }
}

function startWorker(setup: Setup): Worker {
  // The worker runs this same file through ts-node, as `npm run bench:relay` runs the main thread.
  const source = `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(__filename)});`;
  return new Worker(source, { eval: true, workerData: setup });
}

async function loggedPackets(t: TestApp): Promise<number> {
  const { PacketLog } = await import('../src/relay/packet-log');
  const { DataSource } = await import('typeorm');
  await t.app.get(PacketLog).flush();
  const rows: { n: number | string }[] = await t.app
    .get(DataSource)
    .query('SELECT COUNT(*) AS n FROM packets');
  return Number(rows[0].n);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
/** `servers`: the servers' event loop delays ((f): each instance's, read from its /metrics). */
const latency = (r: PhaseResult, servers = `server ${loops(r.serverLoop)}`, cpu = 'process CPU') =>
  `p50 ${fmt(r.latencyMs?.p50 ?? 0, 2)} ms  p99 ${fmt(r.latencyMs?.p99 ?? 0, 2)} ms  max ${fmt(r.latencyMs?.max ?? 0, 1)} ms  (n=${fmt(r.latencyMs?.n ?? 0)})\n` +
  `      event loop delay p99/max: ${servers}, clients ${loops(r.clientLoop)}; ` +
  `${cpu} ${fmt(r.cpuPercent ?? 0)}% of a core`;
const loops = (d: LoopDelay | undefined) => `${fmt(d?.p99 ?? 0, 1)}/${fmt(d?.max ?? 0, 1)} ms`;

async function setUp(t: TestApp): Promise<Omit<Setup, 'proxyPort'>> {
  const { reservedSlot } = await import('../test/helpers/relay-fixture');
  const { ORBIT_NOW } = await import('../test/helpers/fixtures');
  t.clock.set(ORBIT_NOW);
  const slot = await reservedSlot(t, 'bench');
  const inside = slot.start.getTime() + 60_000;
  t.clock.set(new Date(inside)); // the manual clock stays put: every phase runs inside the slots
  return {
    gatewayPort: t.gatewayPort,
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    timestampBase: inside - performance.now(),
    slot: { id: slot.slotId, stationKey: slot.stationKey, missionKey: slot.missionKey },
    pairSlots: await copySlots(
      t,
      slot.slotId,
      Array.from({ length: PAIRS }, (_, i) => `bench-pair-${i}`),
    ),
    baseUrl: t.baseUrl,
    spacecraft: slot.spacecraft,
    wsSlot: (await copySlots(t, slot.slotId, ['bench-ws']))[0],
  };
}

const rate = (r: PhaseResult, until = r.lastArrivalAt ?? 0) =>
  (r.received ?? 0) / ((until - (r.startedAt ?? 0)) / 1000);

/** (a) and (d): arrivals per second; for (a) also until the packet log had written them all. */
async function fullSpeed(worker: Worker, flush: () => Promise<void>): Promise<PhaseResult[]> {
  const warmUp = await runPhase(worker, 'warm-up');
  await flush(); // the measured phase starts with an empty packet log queue
  const a = await runPhase(worker, 'throughput');
  await flush();
  const logged = rate(a, Math.max(a.lastArrivalAt ?? 0, performance.timeOrigin + performance.now()));
  console.log(
    `  (a) one way, full speed:          ${fmt(rate(a))} frames/s delivered (process CPU ${fmt(cpuPerFrame(a), 1)} µs per frame)`,
  );
  console.log(
    `                                    ${fmt(logged)} frames/s with the packet log written through`,
  );
  const d = await runPhase(worker, 'yardstick');
  console.log(`  (d) bare TLS pipe, full speed:    ${fmt(rate(d))} frames/s`);
  console.log(
    `      ratio server/yardstick:       ${fmt(rate(a) / rate(d), 2)} (${fmt(logged / rate(d), 2)} written through)`,
  );
  return [warmUp, a];
}

/**
 * (e): a station over TLS to WS_SESSIONS WebSocket sessions of the mission: frames/s delivered to
 * each at full speed (from the start to its last arrival), then latency at STEADY_RATE frames/s
 * (each frame counted once per session).
 */
async function webSockets(worker: Worker, flush: () => Promise<void>): Promise<PhaseResult[]> {
  await runPhase(worker, 'connect-ws'); // not measured: handshakes, and opening the slots' relays
  const warmUp = await runPhase(worker, 'ws-warm-up');
  await flush();
  const e = await runPhase(worker, 'ws-throughput');
  await flush();
  const rates = (e.sessions ?? []).map((session) => rate({ ...e, ...session }));
  console.log(
    `  (e) TLS station -> ${WS_SESSIONS} WebSocket sessions, full speed: ` +
      `${rates.map((r) => fmt(r)).join(' / ')} frames/s delivered to each (min ${fmt(Math.min(...rates))})`,
  );
  console.log(
    `      event loop delay p99/max: server ${loops(e.serverLoop)}, clients ${loops(e.clientLoop)}; ` +
      `process CPU ${fmt(e.cpuPercent ?? 0)}% of a core`,
  );
  const steadyPhase = await runPhase(worker, 'ws-steady');
  console.log(`      ${STEADY_RATE} frames/s to each session:   ${latency(steadyPhase)}`);
  await runPhase(worker, 'close-ws');
  await flush();
  return [warmUp, e, steadyPhase];
}

const cpuPerFrame = (r: PhaseResult) => (r.cpuMicros ?? 0) / Math.max(1, r.received ?? 0);

/** BENCH_PHASES=a,b,c,d,e,f (the default) or a subset, to profile one figure; (d) runs after (a). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'a,b,c,d,e,f').split(','));
const NOTHING: PhaseResult = { sent: 0, refused: 0 };

async function measure(t: TestApp, worker: Worker): Promise<number> {
  const { PacketLog } = await import('../src/relay/packet-log');
  const flush = () => t.app.get(PacketLog).flush();
  const phases: PhaseResult[] = [];
  if (PHASES.has('a') || PHASES.has('d')) phases.push(...(await fullSpeed(worker, flush)));
  if (PHASES.has('b')) {
    phases.push(await runPhase(worker, 'steady'));
    const steadyPhase = phases.at(-1) ?? NOTHING;
    console.log(`  (b) ${STEADY_RATE} frames/s, one pair:      ${latency(steadyPhase)}`);
    const ack = steadyPhase.ackMs;
    console.log(
      `      acknowledged (stored): p50 ${fmt(ack?.p50 ?? 0, 2)} ms  p99 ${fmt(ack?.p99 ?? 0, 2)} ms  max ${fmt(ack?.max ?? 0, 1)} ms`,
    );
    await flush();
  }
  if (PHASES.has('c')) {
    await runPhase(worker, 'connect-pairs'); // not measured: 400 TLS handshakes and logins
    phases.push(await runPhase(worker, 'pairs'));
    await runPhase(worker, 'close-pairs');
    console.log(`  (c) ${PAIRS} pairs x ${PAIR_RATE} frames/s:     ${latency(phases.at(-1) ?? NOTHING)}`);
  }
  if (PHASES.has('e')) phases.push(...(await webSockets(worker, flush)));
  const refused = phases.reduce((sum, phase) => sum + phase.refused, 0);
  if (refused > 0) console.log(`  refused by the server (PACKET_LOG_BACKLOG or other): ${fmt(refused)}`);
  return phases.reduce((sum, phase) => sum + phase.sent, 0);
}

/** (f)'s network: a database of its own, instances A and B as processes, their slot. */
interface Network {
  database: TestDatabase;
  cluster: ProcessCluster;
  cross: NonNullable<Setup['cross']>;
}

/** (f)'s instances A and B (the real server entry, each in a process) on a database of their own. */
async function startNetwork(settings: [string, string | undefined][]): Promise<Network> {
  const { createTestDatabase } = await import('../test/helpers/test-database');
  const { ProcessCluster } = await import('../test/helpers/app-process');
  const database = await createTestDatabase();
  try {
    const { reservedSlotAroundNow } = await import('../test/helpers/slot-around-now');
    const booked = await reservedSlotAroundNow(database, 'across');
    const slot = { id: booked.slotId, stationKey: booked.stationKey, missionKey: booked.missionKey };
    const cluster = await ProcessCluster.start(
      ['A', 'B'],
      {
        SATNET_RELAY_MAX_SESSION_BYTES_PER_SECOND: '1073741824',
        ...(Object.fromEntries(settings) as Record<string, string>),
        DATABASE_URL: database.url,
        SATNET_REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
      },
      { cpuProfileDir: process.env.BENCH_CPU_PROF },
    );
    const [a, b] = cluster.instances;
    return { database, cluster, cross: { stationPort: a.gatewayPort, missionPort: b.gatewayPort, slot } };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** The event loop delay of each instance over a phase, from its /metrics (read again, reset). */
async function instanceLoops(cluster: ProcessCluster): Promise<string> {
  const { Scrape } = await import('../test/helpers/prometheus');
  const parts: string[] = [];
  for (const instance of cluster.instances) {
    const scrape = Scrape.parse(await instance.metrics());
    const p99 = scrape.value('nodejs_eventloop_lag_p99_seconds') * 1000;
    const max = scrape.value('nodejs_eventloop_lag_max_seconds') * 1000;
    parts.push(`${instance.name} ${fmt(p99, 1)}/${fmt(max, 1)} ms`);
  }
  return parts.join(', ');
}

/** Resolves once no instance has frames waiting for their packet-log write (polled on /metrics). */
async function drained(cluster: ProcessCluster): Promise<void> {
  const { Scrape } = await import('../test/helpers/prometheus');
  for (const instance of cluster.instances)
    while (Scrape.parse(await instance.metrics()).value('satnet_packet_log_queue_frames') > 0)
      await sleep(10);
}

/**
 * (f): the station on A, the mission on B, frames crossing through Redis. The CPU time per frame
 * is that of A, B and the clients (the bench's process; Redis not counted), beside (a)'s, where
 * the same pair shares one instance.
 */
async function acrossInstances(worker: Worker, cluster: ProcessCluster): Promise<PhaseResult[]> {
  const phase = async (name: Phase): Promise<PhaseResult & { loops: string; perFrame: string }> => {
    await drained(cluster); // the phase starts with empty packet-log queues
    await instanceLoops(cluster); // and the instances' event loop figures start again
    const before = cluster.instances.map((instance) => instance.cpuMicros() ?? NaN);
    const result = await runPhase(worker, name);
    const used = cluster.instances.map((instance, i) => (instance.cpuMicros() ?? NaN) - before[i]);
    const loops = await instanceLoops(cluster);
    const frames = Math.max(1, result.received ?? result.latencyMs?.n ?? 0);
    const perFrame = [...used, result.cpuMicros ?? 0]
      .map((micros, i) => `${cluster.instances[i]?.name ?? 'clients'} ${fmt(micros / frames, 1)}`)
      .join(', ');
    if (used.some(Number.isNaN)) return { ...result, loops, perFrame };
    const cpuMicros = (result.cpuMicros ?? 0) + used.reduce((sum, micros) => sum + micros, 0);
    const cpuPercent = ((result.cpuPercent ?? 0) * cpuMicros) / Math.max(1, result.cpuMicros ?? 0);
    return { ...result, cpuMicros, cpuPercent, loops, perFrame };
  };
  const warmUp = await phase('cross-warm-up');
  const f = await phase('cross-throughput');
  console.log(
    `  (f) station on A -> mission on B through Redis, full speed: ${fmt(rate(f))} frames/s delivered`,
  );
  console.log(
    `      event loop delay p99/max: ${f.loops}, clients ${loops(f.clientLoop)}; ` +
      `CPU (A, B, clients) ${fmt(f.cpuPercent ?? 0)}% of a core, ${fmt(cpuPerFrame(f), 1)} µs per frame (${f.perFrame})`,
  );
  const steadyPhase = await phase('cross-steady');
  console.log(
    `      ${STEADY_RATE} frames/s across instances:  ${latency(steadyPhase, steadyPhase.loops, 'CPU (A, B, clients)')}` +
      `, µs per frame: ${steadyPhase.perFrame}`,
  );
  const ack = steadyPhase.ackMs;
  console.log(
    `      acknowledged (stored, crossed): p50 ${fmt(ack?.p50 ?? 0, 2)} ms  p99 ${fmt(ack?.p99 ?? 0, 2)} ms  max ${fmt(ack?.max ?? 0, 1)} ms`,
  );
  return [warmUp, f, steadyPhase];
}

/** (f), then its packet log (written by A, the station's instance) against the frames sent. */
async function measureAcross(network: Network, worker: Worker): Promise<boolean> {
  const phases = await acrossInstances(worker, network.cluster);
  const sent = phases.reduce((sum, phase) => sum + phase.sent, 0);
  await network.cluster.stop(); // a graceful stop: whatever was queued is written
  const logged = await countPackets(network.database);
  console.log(
    `  (f) packet log: ${fmt(logged)} frames logged, ${fmt(sent)} sent${logged === sent ? '' : '  MISMATCH'}; ` +
      `load average ${loadavg()[0].toFixed(2)}`,
  );
  return logged === sent;
}

async function countPackets(database: TestDatabase): Promise<number> {
  const { DataSource } = await import('typeorm');
  const { buildDataSourceOptions } = await import('../src/database/data-source-options');
  const { ENTITIES } = await import('../src/entities');
  const source = new DataSource(
    buildDataSourceOptions({ url: database.url, migrate: false, logQueries: false }, ENTITIES),
  );
  await source.initialize();
  try {
    const rows: { n: number | string }[] = await source.query('SELECT COUNT(*) AS n FROM packets');
    return Number(rows[0].n);
  } finally {
    await source.destroy();
  }
}

async function main(): Promise<void> {
  const { TestApp } = await import('../test/helpers/test-app');
  const { APP_CONFIG } = await import('../src/config/config.module');
  const { loadTlsCredentials } = await import('../src/transports/gateway/tls-credentials');
  // SATNET_* settings from the environment reach the server (e.g. the packet log's batch size).
  // The per-session byte rate limit (2 MiB/s by default, refilled by the server's clock, which
  // stands still here) would measure the policy, not the server: it is lifted unless set.
  const settings = Object.entries(process.env).filter(([name]) => name.startsWith('SATNET_'));
  const t = await TestApp.start({
    SATNET_RELAY_MAX_SESSION_BYTES_PER_SECOND: '1073741824',
    ...(Object.fromEntries(settings) as Record<string, string>),
  });
  let worker: Worker | undefined;
  let proxy: Server | undefined;
  let network: Network | undefined;
  try {
    const base = await setUp(t);
    if (PHASES.has('f')) {
      network = await startNetwork(settings);
      base.cross = network.cross;
    }
    const credentials = await loadTlsCredentials(t.app.get(APP_CONFIG).gateway);
    proxy = await startProxy(credentials.cert, credentials.key);
    worker = startWorker({ ...base, proxyPort: (proxy.address() as { port: number }).port });
    console.log(
      `\nrelay bench: ${FRAME_BYTES}-byte CSP v1 frames (CRC), TLS, packet log on, ${t.database.kind}, ` +
        `${base.seconds} s per phase, clients in a worker thread; Node ${process.version}, ` +
        `${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)}`,
    );
    const sent = await measure(t, worker);
    const logged = await loggedPackets(t);
    console.log(
      `  packet log: ${fmt(logged)} frames logged, ${fmt(sent)} sent${logged === sent ? '' : '  MISMATCH'}`,
    );
    if (logged !== sent) process.exitCode = 1;
    if (network && !(await measureAcross(network, worker))) process.exitCode = 1;
  } finally {
    await worker?.terminate();
    proxy?.close();
    await t.stop();
    await network?.cluster.stop();
    await network?.database.drop();
  }
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else workerMain();
