// SPDX-License-Identifier: Apache-2.0
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { ManualClock } from '../common/clock';
import { RELAY_EVENT, START_REMOTE } from '../relay/relay-port';
import { ClientConnection, type ConnectionLimits } from '../transports/gateway/client-connection';
import { encodeFrame } from '../transports/gateway/frame-codec';
import { duplexPair } from '../transports/gateway/testing/duplex-pair';
import { FAKE_DOPPLER_HZ, FAKE_GS_TIMESTAMP, FakeRelay } from '../transports/gateway/testing/fake-relay';
import {
  eventName,
  GatewayClient,
  GatewayClosedError,
  GatewayRpcError,
  startRemoteName,
} from './gateway-client';

const LIMITS: ConnectionLimits = {
  loginTimeoutMs: 60_000,
  maxLoginFailures: 3,
  heartbeatMs: 60_000,
  idleTimeoutMs: 60_000,
  maxMessageBytes: 65_536,
  maxBufferedBytes: 4 * 1024 * 1024,
  closeGraceMs: 1000,
};

let connections: ClientConnection[];
beforeEach(() => {
  connections = [];
  for (const level of ['log', 'debug', 'warn'] as const)
    jest.spyOn(Logger.prototype, level).mockImplementation();
});
afterEach(() => {
  for (const connection of connections) connection.abort('test over');
  jest.restoreAllMocks();
});

/** A client wired to a real ClientConnection over an in-memory stream pair. */
function connect(
  relay: FakeRelay,
  keepAliveMs = 0,
): { client: GatewayClient; connection: ClientConnection; serverEnd: Duplex } {
  const [serverEnd, clientEnd] = duplexPair();
  const connection = new ClientConnection(serverEnd, {
    connectionId: `c${connections.length}`,
    remoteAddress: 'in-memory',
    relay,
    limits: LIMITS,
    clock: new ManualClock(),
  });
  connections.push(connection);
  return { client: new GatewayClient(clientEnd, { keepAliveMs }), connection, serverEnd };
}

describe('GatewayClient', () => {
  it('calls every method and maps the results', async () => {
    const relay = new FakeRelay();
    const { client } = connect(relay);
    expect(await client.login('mission-key')).toEqual({ username: 'mission' });
    expect(await client.ping()).toBe('pong');
    expect(await client.startRemote('s1', 'mission')).toBe(START_REMOTE.REMOTE_NOT_CONNECTED);
    expect(await client.sendMsg(Buffer.from([1]), 5)).toEqual({
      delivered: false,
      dopplerShift: FAKE_DOPPLER_HZ,
      gsTimestamp: FAKE_GS_TIMESTAMP,
      seq: 1,
    });
    expect(await client.endRemote()).toBeUndefined();
    expect(relay.callsOf('startRemote')).toEqual([['mission', 's1', 'mission']]);
    expect(relay.frames).toEqual([['s1', 'mission', '01', 5]]);
  });

  it('sends the current time in milliseconds when no timestamp is given', async () => {
    const relay = new FakeRelay();
    const { client } = connect(relay);
    await client.login('mission-key');
    await client.startRemote('s1');
    const before = Date.now();
    await client.sendMsg(Buffer.from([1]));
    expect(relay.frames[0][3]).toBeGreaterThanOrEqual(before);
  });

  it('rejects with GatewayRpcError carrying the code and data', async () => {
    const relay = new FakeRelay();
    const { client } = connect(relay);
    await client.login('mission-key');
    await client.startRemote('s1');
    const failure = client.sendMsg(Buffer.from([0xff]), 1);
    await expect(failure).rejects.toBeInstanceOf(GatewayRpcError);
    await expect(failure).rejects.toMatchObject({
      code: 'FRAME_REJECTED',
      message: 'FRAME_REJECTED: CRC32-C mismatch',
      data: { rule: 'CRC' },
    });
  });

  it('pipelines thousands of requests and matches every answer to its request', async () => {
    const relay = new FakeRelay();
    const { client } = connect(relay);
    await client.login('mission-key');
    await client.startRemote('s1');
    const count = 5000;
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) => client.sendMsg(Buffer.from([i % 200]), i)),
    );
    expect(results).toHaveLength(count);
    expect(relay.frames.map((entry) => entry[3])).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(client.inFlight).toBe(0);
  });

  it('emits notifyMsg and notifyEvent (with the event name) from the other side', async () => {
    const relay = new FakeRelay();
    const station = connect(relay).client;
    const mission = connect(relay).client;
    await Promise.all([station.login('station-key'), mission.login('mission-key')]);
    await station.startRemote('s1');
    const connected = once(station, 'notifyEvent');
    await mission.startRemote('s1');
    expect(await connected).toEqual([RELAY_EVENT.REMOTE_CONNECTED, 'REMOTE_CONNECTED']);
    const message = once(station, 'notifyMsg');
    await mission.sendMsg(Buffer.from('abcd', 'hex'));
    const [data, doppler, gsTimestamp] = (await message) as [Buffer, number, string];
    expect([data.toString('hex'), doppler, gsTimestamp]).toEqual([
      'abcd',
      FAKE_DOPPLER_HZ,
      FAKE_GS_TIMESTAMP,
    ]);
  });

  it('reports the server error notification and rejects what is in flight when the server closes', async () => {
    const relay = new FakeRelay();
    relay.sendDelay = () => new Promise(() => undefined); // never answers
    const { client, connection } = connect(relay);
    await client.login('mission-key');
    await client.startRemote('s1');
    const stuck = client.sendMsg(Buffer.from([1]), 1);
    const serverError = once(client, 'serverError');
    const closed = once(client, 'close');
    await new Promise((resolve) => setImmediate(resolve));
    connection.close('test', { code: 'SERVER_SHUTDOWN', message: 'bye' });
    expect(await serverError).toEqual([{ code: 'SERVER_SHUTDOWN', message: 'bye' }]);
    expect(await closed).toEqual(['SERVER_SHUTDOWN: bye']);
    await expect(stuck).rejects.toEqual(new GatewayClosedError('SERVER_SHUTDOWN: bye'));
    await expect(client.ping()).rejects.toBeInstanceOf(GatewayClosedError);
    expect(client.closed).toBe(true);
  });

  it('emits heartbeats', async () => {
    const { client, connection } = connect(new FakeRelay());
    await client.login('mission-key');
    const heartbeat = once(client, 'heartbeat');
    connection.heartbeatDue();
    expect(await heartbeat).toEqual([]);
  });

  it('pings after keepAliveMs without sending anything, once logged in', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { client } = connect(new FakeRelay(), 1000);
      const ping = jest.spyOn(client, 'ping');
      jest.advanceTimersByTime(5000);
      expect(ping).not.toHaveBeenCalled(); // not before login
      await client.login('mission-key');
      jest.advanceTimersByTime(999);
      expect(ping).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(ping).toHaveBeenCalledTimes(1);
      await ping.mock.results[0].value;
    } finally {
      jest.useRealTimers();
    }
  });

  it('holds its own writes while 256 KiB wait in the socket, and releases them on drain', async () => {
    let accepting = false;
    const completions: (() => void)[] = [];
    const stream = new Duplex({
      read() {},
      write: (_chunk, _encoding, done) => (accepting ? done() : completions.push(done)),
    });
    const client = new GatewayClient(stream, { keepAliveMs: 0 });
    const big = Buffer.alloc(100_000, 1);
    const settled = Promise.allSettled([1, 2, 3].map((i) => client.sendMsg(big, i)));
    const written = stream.writableLength; // each frame is written at once (over 16 KiB)
    const frameBytes = written / 3;
    expect(written).toBeGreaterThan(256 * 1024);
    const fourth = Promise.allSettled([client.sendMsg(big, 4)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.writableLength).toBe(written); // held back, not written
    expect(client.bufferedBytes).toBe(written + frameBytes);
    let writable = false;
    const released = client.whenWritable().then(() => (writable = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writable).toBe(false);
    accepting = true; // the kernel takes the bytes: 'drain', then the fourth frame goes
    completions.splice(0).forEach((done) => done());
    await released;
    expect(client.bufferedBytes).toBe(0);
    client.destroy();
    expect((await settled).map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((await fourth)[0].status).toBe('rejected');
  });

  it('closes the connection when the server breaks the framing', async () => {
    const [serverEnd, clientEnd] = duplexPair();
    const client = new GatewayClient(clientEnd, { keepAliveMs: 0 });
    const closed = once(client, 'close');
    const pending = client.ping();
    serverEnd.write(Buffer.from([0, 0, 0, 1, 0xc1]));
    expect((await closed)[0]).toMatch(/^frame body is not one plain msgpack value/);
    await expect(pending).rejects.toBeInstanceOf(GatewayClosedError);
  });

  it('closes the connection on an answer to a request it never made', async () => {
    const [serverEnd, clientEnd] = duplexPair();
    const client = new GatewayClient(clientEnd, { keepAliveMs: 0 });
    const closed = once(client, 'close');
    serverEnd.write(encodeFrame([1, 42, null, 'pong']));
    expect(await closed).toEqual(['an answer to msgid 42, which was not asked']);
  });

  it('names events and startRemote codes', () => {
    expect([-1, -2, -3, -4, 7].map(eventName)).toEqual([
      'REMOTE_DISCONNECTED',
      'SLOT_END',
      'END_REMOTE',
      'REMOTE_CONNECTED',
      'EVENT_7',
    ]);
    expect([0, -1, -2].map(startRemoteName)).toEqual([
      'REMOTE_READY',
      'CLIENTS_COINCIDE',
      'REMOTE_NOT_CONNECTED',
    ]);
  });
});
