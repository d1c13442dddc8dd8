// SPDX-License-Identifier: Apache-2.0
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { ManualClock } from '../../common/clock';
import { RELAY_EVENT, START_REMOTE } from '../../relay/relay-port';
import { ClientConnection, type ConnectionLimits, MAX_QUEUED_MESSAGES } from './client-connection';
import { encodeFrame } from './frame-codec';
import { rpcRequest } from './rpc-message';
import { duplexPair, stuckDuplex } from './testing/duplex-pair';
import {
  FAKE_DOPPLER_HZ,
  FAKE_GS_TIMESTAMP,
  fakeActor,
  FakeRelay,
  PendingStore,
  REJECTED_FIRST_BYTE,
} from './testing/fake-relay';
import { WireProbe } from './testing/wire-probe';

const LIMITS: ConnectionLimits = {
  loginTimeoutMs: 60_000,
  maxLoginFailures: 3,
  heartbeatMs: 60_000,
  idleTimeoutMs: 60_000,
  maxMessageBytes: 4096,
  maxBufferedBytes: 64 * 1024,
  closeGraceMs: 1000,
};

interface Connected {
  connection: ClientConnection;
  probe: WireProbe;
  socket: Duplex;
  onClosed: jest.Mock;
}

let opened: ClientConnection[] = [];
let counter = 0;
let warn: jest.SpyInstance;
let error: jest.SpyInstance;

beforeEach(() => {
  opened = [];
  for (const level of ['log', 'debug'] as const) jest.spyOn(Logger.prototype, level).mockImplementation();
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
  error = jest.spyOn(Logger.prototype, 'error').mockImplementation();
});

afterEach(() => {
  for (const connection of opened) connection.abort('test over');
  jest.restoreAllMocks();
});

function open(relay: FakeRelay, limits: Partial<ConnectionLimits> = {}, socket?: Duplex): Connected {
  const [serverEnd, clientEnd] = duplexPair();
  const onClosed = jest.fn();
  const used = socket ?? serverEnd;
  const connection = new ClientConnection(used, {
    connectionId: `connection-${++counter}`,
    remoteAddress: 'in-memory',
    relay,
    limits: { ...LIMITS, ...limits },
    clock: new ManualClock(),
    onClosed,
  });
  opened.push(connection);
  return { connection, probe: new WireProbe(clientEnd), socket: used, onClosed };
}

async function loggedIn(relay: FakeRelay, key = 'mission-key', limits: Partial<ConnectionLimits> = {}) {
  const connected = open(relay, limits);
  await connected.probe.ok('login', [key]);
  return connected;
}

/** The msgids of the responses to sendMsg and ping a probe has received, in arrival order. */
function answered(probe: WireProbe): unknown[] {
  return (probe.messages as unknown[][])
    .filter(
      (m) =>
        m[0] === 1 && (m[3] === 'pong' || (typeof m[3] === 'object' && m[3] !== null && 'delivered' in m[3])),
    )
    .map((m) => m[1]);
}

/** Both sides of slot "s1" connected: the station first, then the mission. */
async function pair(relay: FakeRelay) {
  const station = await loggedIn(relay, 'station-key');
  const mission = await loggedIn(relay, 'mission-key');
  expect(await station.probe.ok('startRemote', ['s1'])).toBe(START_REMOTE.REMOTE_NOT_CONNECTED);
  expect(await mission.probe.ok('startRemote', ['s1'])).toBe(START_REMOTE.REMOTE_READY);
  return { station, mission };
}

const frame = (...bytes: number[]): Buffer => Buffer.from(bytes);

describe('login', () => {
  it('logs in with a valid key and answers the username', async () => {
    const relay = new FakeRelay();
    const { connection, probe } = open(relay);
    expect(connection.state).toBe('AWAIT_LOGIN');
    expect(await probe.call('login', ['mission-key'])).toEqual({
      error: null,
      result: { username: 'mission' },
    });
    expect(connection.state).toBe('AUTHENTICATED');
    expect(connection.actor?.username).toBe('mission');
    expect(relay.callsOf('authenticate')).toEqual([['mission-key']]);
  });

  it.each(['startRemote', 'sendMsg', 'endRemote', 'ping'])(
    'refuses %s before login with LOGIN_REQUIRED',
    async (method) => {
      const relay = new FakeRelay();
      const { connection, probe } = open(relay);
      const { error } = await probe.call(method, method === 'sendMsg' ? [frame(1), 1] : []);
      expect(error).toEqual({ code: 'LOGIN_REQUIRED', message: 'call login(apiKey) first' });
      expect(connection.state).toBe('AWAIT_LOGIN');
      expect(relay.calls).toEqual([]);
    },
  );

  it('answers a wrong key with the relay error and stays open for another try', async () => {
    const relay = new FakeRelay();
    const { connection, probe } = open(relay);
    expect((await probe.call('login', ['wrong'])).error).toEqual({
      code: 'INVALID_API_KEY',
      message: 'invalid API key',
    });
    expect(connection.state).toBe('AWAIT_LOGIN');
    expect(await probe.ok('login', ['station-key'])).toEqual({ username: 'station' });
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ connectionId: connection.connectionId }),
      expect.stringMatching(/login failed \(INVALID_API_KEY\), attempt 1/),
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain('wrong'); // never the key
  });

  it('closes after maxLoginFailures failed logins, with an error notification', async () => {
    const relay = new FakeRelay();
    const { connection, probe, onClosed } = open(relay, { maxLoginFailures: 2 });
    await probe.call('login', ['wrong-1']);
    expect(connection.state).toBe('AWAIT_LOGIN');
    expect((await probe.call('login', [42])).error?.code).toBe('INVALID_PARAMS'); // a failure too
    await probe.closed();
    expect(probe.notifications('error')).toEqual([
      [{ code: 'TOO_MANY_LOGIN_FAILURES', message: '2 failed logins' }],
    ]);
    await probe.until(() => onClosed.mock.calls.length === 1, 'onClosed');
    expect(connection.state).toBe('CLOSED');
  });

  it('answers a second login with ALREADY_LOGGED_IN', async () => {
    const relay = new FakeRelay();
    const { probe } = await loggedIn(relay);
    expect((await probe.call('login', ['station-key'])).error).toEqual({
      code: 'ALREADY_LOGGED_IN',
      message: 'already logged in as mission',
    });
    expect(relay.callsOf('authenticate')).toHaveLength(1);
  });

  it('closes with LOGIN_TIMEOUT when the deadline passes before a login', async () => {
    const relay = new FakeRelay();
    const { connection, probe, onClosed } = open(relay);
    connection.loginDeadlinePassed();
    await probe.closed();
    expect(probe.notifications('error')).toEqual([
      [{ code: 'LOGIN_TIMEOUT', message: 'no successful login within 60000 ms' }],
    ]);
    await probe.until(() => onClosed.mock.calls.length === 1, 'onClosed');
  });

  it('arms the login deadline with a real timer from the limits', async () => {
    const { probe } = open(new FakeRelay(), { loginTimeoutMs: 20 });
    await probe.closed();
    expect(probe.notifications('error')[0][0]).toMatchObject({ code: 'LOGIN_TIMEOUT' });
  });

  it('ignores the deadline once logged in', async () => {
    const { connection, probe } = await loggedIn(new FakeRelay());
    connection.loginDeadlinePassed();
    expect(await probe.ok('ping')).toBe('pong');
    expect(connection.state).toBe('AUTHENTICATED');
  });

  it('answers a request of the wrong length whose msgid is readable with an error response', async () => {
    const { probe } = await loggedIn(new FakeRelay());
    probe.write(encodeFrame([0, 78, 'ping']));
    expect((await probe.response(78)).error).toEqual({
      code: 'INVALID_MESSAGE',
      message: 'a request must have 4 elements [0, msgid, method, params], got 3',
    });
    expect(probe.notifications('error')).toEqual([]);
  });

  it('does not log in when the deadline passed while the key was being checked', async () => {
    const relay = new FakeRelay();
    let release: (() => void) | undefined;
    jest
      .spyOn(relay, 'authenticate')
      .mockImplementation((key) => new Promise((resolve) => (release = () => resolve(fakeActor(key)))));
    const { connection, probe } = open(relay);
    probe.request('login', ['mission-key']);
    await probe.until(() => release !== undefined, 'authenticate');
    connection.loginDeadlinePassed();
    release?.();
    await probe.closed();
    expect(connection.actor).toBeUndefined();
    expect(probe.messages.filter((message) => (message as unknown[])[0] === 1)).toEqual([]);
  });
});

describe('params', () => {
  const bin = frame(1, 2);
  it.each([
    ['login', [], 'login(apiKey) takes 1 params, got 0'],
    ['login', ['a', 'b'], 'login(apiKey) takes 1 params, got 2'],
    ['login', [7], 'apiKey must be a string of 1 to 512 characters, got an integer'],
    ['login', [''], 'apiKey must be a string of 1 to 512 characters, got an empty string'],
    [
      'login',
      ['k'.repeat(513)],
      'apiKey must be a string of 1 to 512 characters, got a 513-character string',
    ],
  ])('%s(%p) before login → INVALID_PARAMS: %s', async (method, params, message) => {
    const { probe } = open(new FakeRelay());
    expect((await probe.call(method, params)).error).toEqual({ code: 'INVALID_PARAMS', message });
  });

  it.each([
    ['startRemote', [], 'startRemote(slotId[, side[, lastSeq]]) takes 1 to 3 params, got 0'],
    [
      'startRemote',
      ['s', 'station', 1, 2],
      'startRemote(slotId[, side[, lastSeq]]) takes 1 to 3 params, got 4',
    ],
    ['startRemote', [12], 'slotId must be a string of 1 to 128 characters, got an integer'],
    [
      'startRemote',
      ['x'.repeat(129)],
      'slotId must be a string of 1 to 128 characters, got a 129-character string',
    ],
    ['startRemote', ['s', 'both'], 'side must be "station" or "mission", got a 4-character string'],
    ['startRemote', ['s', 1], 'side must be "station" or "mission", got an integer'],
    ['sendMsg', [bin], 'sendMsg(data, timestamp) takes 2 params, got 1'],
    ['sendMsg', ['0102', 1], 'data must be msgpack bin, got a 4-character string'],
    ['sendMsg', [[1, 2], 1], 'data must be msgpack bin, got an array'],
    [
      'sendMsg',
      [bin, 1.5],
      'timestamp must be an ISO 8601 string or integer milliseconds since the epoch, got a float',
    ],
    [
      'sendMsg',
      [bin, true],
      'timestamp must be an ISO 8601 string or integer milliseconds since the epoch, got a boolean',
    ],
    [
      'sendMsg',
      [bin, ''],
      'timestamp must be an ISO 8601 string or integer milliseconds since the epoch, got an empty string',
    ],
    [
      'sendMsg',
      [bin, null],
      'timestamp must be an ISO 8601 string or integer milliseconds since the epoch, got nil',
    ],
    ['endRemote', [1], 'endRemote() takes 0 params, got 1'],
    ['ping', [{}], 'ping() takes 0 params, got 1'],
  ])('%s(%p) → INVALID_PARAMS: %s', async (method, params, message) => {
    const relay = new FakeRelay();
    const { probe } = await loggedIn(relay);
    expect((await probe.call(method, params)).error).toEqual({ code: 'INVALID_PARAMS', message });
    expect(relay.calls.map((call) => call.method)).toEqual(['authenticate']);
  });

  it('refuses a timestamp sent as a float even when it is a whole number (integers only)', async () => {
    const relay = new FakeRelay();
    const { probe } = await loggedIn(relay);
    // [0, 900, "sendMsg", [bin 0102, 1893456000000.0 as float 64]]: a float, though whole.
    const body = Buffer.from(
      '94 00 cd 0384 a7 73656e644d7367 92 c4 02 0102 cb 427b8dac5b400000'.replace(/ /g, ''),
      'hex',
    );
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(body.length);
    probe.write(Buffer.concat([prefix, body]));
    expect((await probe.response(900)).error).toEqual({
      code: 'INVALID_PARAMS',
      message: 'timestamp must be an ISO 8601 string or integer milliseconds since the epoch, got a float',
    });
    expect(relay.calls.map((call) => call.method)).toEqual(['authenticate']);
  });

  it('accepts a nil side as no side, and an ISO string or integer timestamp', async () => {
    const relay = new FakeRelay();
    const { probe } = await loggedIn(relay);
    expect(await probe.ok('startRemote', ['s1', null])).toBe(START_REMOTE.REMOTE_NOT_CONNECTED);
    await probe.ok('sendMsg', [bin, '2030-01-01T00:00:00Z']);
    await probe.ok('sendMsg', [bin, 1_900_000_000_000]);
    expect(relay.frames.map((entry) => entry[3])).toEqual(['2030-01-01T00:00:00Z', 1_900_000_000_000]);
  });
});

describe('messages that are not requests', () => {
  it('answers an unknown method with METHOD_NOT_FOUND', async () => {
    const { probe } = await loggedIn(new FakeRelay());
    expect((await probe.call('connect', [])).error).toEqual({
      code: 'METHOD_NOT_FOUND',
      message: 'no method "connect"',
    });
    expect((await probe.call('x'.repeat(100), [])).error?.message).toBe('no method a 100-character name');
  });

  it('answers a malformed request whose msgid is readable, and stays open', async () => {
    const { connection, probe } = await loggedIn(new FakeRelay());
    probe.write(encodeFrame([0, 77, 'ping', 'not-an-array']));
    expect((await probe.response(77)).error).toEqual({
      code: 'INVALID_MESSAGE',
      message: 'params must be an array of positional arguments, got the string "not-an-array"',
    });
    expect(await probe.ok('ping')).toBe('pong');
    expect(connection.state).toBe('AUTHENTICATED');
  });

  it.each([
    ['a map', { method: 'ping' }, 'a message must be an array, got a map'],
    [
      'a request without a msgid',
      [0, -1, 'ping', []],
      'msgid must be an unsigned 32-bit integer, got the number -1',
    ],
    [
      'a response with a bad error',
      [1, 5, 'oops', null],
      'error must be nil or a map { code, message, data? }, got the string "oops"',
    ],
  ])('sends an error notification for %s, and stays open', async (_name, value, message) => {
    const { probe } = await loggedIn(new FakeRelay());
    probe.write(encodeFrame(value));
    expect(await probe.notified('error')).toEqual([[{ code: 'INVALID_MESSAGE', message }]]);
    expect(await probe.ok('ping')).toBe('pong');
  });

  it('tells a client that sends notifications or responses that the server takes none', async () => {
    const { probe } = await loggedIn(new FakeRelay());
    probe.write(encodeFrame([2, 'notifyMsg', []]));
    probe.write(encodeFrame([1, 3, null, 'pong']));
    expect(await probe.notified('error', 2)).toEqual([
      [{ code: 'METHOD_NOT_FOUND', message: 'the server takes no notifications; "notifyMsg" was ignored' }],
      [{ code: 'INVALID_MESSAGE', message: 'unexpected response to msgid 3: the server sends no requests' }],
    ]);
  });
});

describe('sessions', () => {
  it('pairs both sides: REMOTE_NOT_CONNECTED, then REMOTE_READY and REMOTE_CONNECTED to the first', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    expect(await station.probe.notified('notifyEvent')).toEqual([[RELAY_EVENT.REMOTE_CONNECTED]]);
    expect(mission.probe.notifications('notifyEvent')).toEqual([]);
    expect(station.connection.session).toEqual({ slotId: 's1', side: 'station' });
    expect(relay.callsOf('startRemote')).toEqual([
      ['station', 's1', undefined],
      ['mission', 's1', undefined],
    ]);
  });

  it('allows one session per connection (SESSION_ACTIVE)', async () => {
    const relay = new FakeRelay();
    const { probe } = await loggedIn(relay);
    await probe.ok('startRemote', ['s1']);
    expect((await probe.call('startRemote', ['s2'])).error).toEqual({
      code: 'SESSION_ACTIVE',
      message: 'this connection already has a session; call endRemote first',
    });
    expect(relay.callsOf('startRemote')).toHaveLength(1);
  });

  it('holds no session after CLIENTS_COINCIDE, and reports none when it closes', async () => {
    const relay = new FakeRelay();
    await (await loggedIn(relay)).probe.ok('startRemote', ['s1']);
    const second = await loggedIn(relay);
    expect(await second.probe.ok('startRemote', ['s1'])).toBe(START_REMOTE.CLIENTS_COINCIDE);
    expect(second.connection.session).toBeUndefined();
    expect((await second.probe.call('sendMsg', [frame(1), 1])).error?.code).toBe('NO_ACTIVE_SESSION');
    second.connection.close('test');
    expect(relay.callsOf('disconnected')).toEqual([]);
  });

  it('passes a relay DomainError through with its code, message and details', async () => {
    const relay = new FakeRelay();
    const { station } = await pair(relay);
    expect((await station.probe.call('startRemote', ['missing'])).error?.code).toBe('SESSION_ACTIVE');
    const fresh = await loggedIn(relay, 'station-key');
    expect((await fresh.probe.call('startRemote', ['missing'])).error).toEqual({
      code: 'SLOT_NOT_FOUND',
      message: 'no slot missing',
    });
    expect((await station.probe.call('sendMsg', [frame(REJECTED_FIRST_BYTE, 1), 1])).error).toEqual({
      code: 'FRAME_REJECTED',
      message: 'CRC32-C mismatch',
      data: { rule: 'CRC' },
    });
  });

  it('refuses sendMsg and endRemote without a session (NO_ACTIVE_SESSION)', async () => {
    const { probe } = await loggedIn(new FakeRelay());
    const expected = { code: 'NO_ACTIVE_SESSION', message: 'no active session; call startRemote first' };
    expect((await probe.call('sendMsg', [frame(1), 1])).error).toEqual(expected);
    expect((await probe.call('endRemote')).error).toEqual(expected);
  });

  it('relays a frame: the sender gets the Doppler shift, the other side notifyMsg with bin data', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    expect(await mission.probe.ok('sendMsg', [frame(0xca, 0xfe), 1_900_000_000_000])).toEqual({
      delivered: true,
      dopplerShift: FAKE_DOPPLER_HZ,
      gsTimestamp: FAKE_GS_TIMESTAMP,
      seq: 1,
    });
    const [[data, doppler, gsTimestamp, seq]] = await station.probe.notified('notifyMsg');
    expect(Buffer.isBuffer(data)).toBe(true);
    expect((data as Buffer).toString('hex')).toBe('cafe');
    expect([doppler, gsTimestamp, seq]).toEqual([FAKE_DOPPLER_HZ, FAKE_GS_TIMESTAMP, 1]);
  });

  it('says delivered: false when the other side is not connected', async () => {
    const { probe } = await loggedIn(new FakeRelay());
    await probe.ok('startRemote', ['s1']);
    expect(await probe.ok('sendMsg', [frame(1), 1])).toMatchObject({ delivered: false });
  });

  it('hands the relay its own copy of the frame, not a view into the received chunk', async () => {
    const relay = new FakeRelay();
    const { probe } = await loggedIn(relay);
    await probe.ok('startRemote', ['s1']);
    const chunk = encodeFrame(rpcRequest(99, 'sendMsg', [frame(1, 2, 3), 1]));
    probe.write(chunk);
    await probe.response(99);
    const given = relay.callsOf('sendMsg')[0][1] as Buffer;
    expect(given.toString('hex')).toBe('010203');
    expect(given.buffer).not.toBe(chunk.buffer);
  });

  it('keeps the order of pipelined frames end to end, even when the relay answers late', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    let turn = 0;
    // Late, at once through a promise, and synchronously, interleaved.
    relay.sendDelay = () =>
      [() => new Promise<void>((resolve) => setImmediate(resolve)), () => Promise.resolve(), () => undefined][
        turn++ % 3
      ]();
    const count = 300;
    const frames = Array.from({ length: count }, (_, i) =>
      encodeFrame(rpcRequest(1000 + i, 'sendMsg', [frame(i >> 8, i & 0xff), i])),
    );
    mission.probe.write(Buffer.concat(frames)); // one chunk: all pipelined
    await station.probe.notified('notifyMsg', count);
    const sent = Array.from({ length: count }, (_, i) => frame(i >> 8, i & 0xff).toString('hex'));
    expect(relay.frames.map((entry) => entry[2])).toEqual(sent);
    expect(
      station.probe.notifications('notifyMsg').map(([data]) => (data as Buffer).toString('hex')),
    ).toEqual(sent);
    const responses = (mission.probe.messages as unknown[][]).filter(
      (m) => m[0] === 1 && (m[1] as number) >= 1000,
    );
    expect(responses.map((m) => m[1])).toEqual(Array.from({ length: count }, (_, i) => 1000 + i));
  });

  it('answers sendMsg only once its frame is stored; answers behind it wait, requests behind it do not', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    const store = (relay.storing = new PendingStore());
    const first = mission.probe.request('sendMsg', [frame(1), 1]);
    const second = mission.probe.request('sendMsg', [frame(2), 2]);
    relay.storing = undefined; // a frame already stored: its answer still waits for the one before it
    const third = mission.probe.request('sendMsg', [frame(3), 3]);
    const ping = mission.probe.request('ping');
    await station.probe.notified('notifyMsg', 3); // relayed at once, before they are stored
    await mission.probe.until(() => relay.frames.length === 3, 'three frames handled');
    expect(answered(mission.probe)).toEqual([]);
    store.complete();
    await mission.probe.response(ping);
    expect(answered(mission.probe)).toEqual([first, second, third, ping]);
  });

  it('at close, also sends an answer that waits only behind an unstored frame (a ping after sendMsg)', async () => {
    const relay = new FakeRelay();
    const { mission } = await pair(relay);
    const store = (relay.storing = new PendingStore());
    const sent = mission.probe.request('sendMsg', [frame(1), 1]);
    const ping = mission.probe.request('ping');
    await mission.probe.until(() => relay.frames.length === 1, 'the frame handled');
    mission.connection.close('idle timeout', { code: 'IDLE_TIMEOUT', message: 'quiet' });
    store.complete();
    await mission.probe.closed();
    expect(answered(mission.probe)).toEqual([sent, ping]);
    expect(mission.probe.notifications('error')).toEqual([[{ code: 'IDLE_TIMEOUT', message: 'quiet' }]]);
  });

  it('at close, sends the answers still waiting for their frames to be stored, then the notice', async () => {
    const relay = new FakeRelay();
    const { mission } = await pair(relay);
    const store = (relay.storing = new PendingStore());
    const sent = mission.probe.request('sendMsg', [frame(1), 1]);
    await mission.probe.until(() => relay.frames.length === 1, 'the frame handled');
    mission.connection.close('server shutdown', { code: 'SERVER_SHUTDOWN', message: 'bye' });
    store.complete();
    await mission.probe.closed();
    expect(answered(mission.probe)).toEqual([sent]);
    expect(mission.probe.notifications('error')).toEqual([[{ code: 'SERVER_SHUTDOWN', message: 'bye' }]]);
  });

  it('handles a startRemote pipelined right before sendMsg in order', async () => {
    const relay = new FakeRelay();
    const { probe } = await loggedIn(relay);
    probe.write(
      Buffer.concat([
        encodeFrame(rpcRequest(1, 'startRemote', ['s1'])),
        encodeFrame(rpcRequest(2, 'sendMsg', [frame(7), 1])),
      ]),
    );
    expect((await probe.response(2)).error).toBeNull();
  });

  it('ends a session with endRemote: END_REMOTE to the other side, and startRemote may follow', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    expect(await mission.probe.call('endRemote')).toEqual({ error: null, result: null });
    expect(await station.probe.notified('notifyEvent', 2)).toEqual([
      [RELAY_EVENT.REMOTE_CONNECTED],
      [RELAY_EVENT.END_REMOTE],
    ]);
    expect(mission.connection.state).toBe('AUTHENTICATED');
    expect((await mission.probe.call('sendMsg', [frame(1), 1])).error?.code).toBe('NO_ACTIVE_SESSION');
    expect(await mission.probe.ok('startRemote', ['s1'])).toBe(START_REMOTE.REMOTE_READY);
  });

  it('reports a dropped connection to the relay once: REMOTE_DISCONNECTED to the other side', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    mission.socket.destroy();
    await station.probe.notified('notifyEvent', 2);
    expect(station.probe.notifications('notifyEvent')[1]).toEqual([
      RELAY_EVENT.REMOTE_DISCONNECTED,
      'CONNECTION_LOST',
    ]);
    await station.probe.until(() => mission.onClosed.mock.calls.length === 1, 'onClosed');
    expect(relay.callsOf('disconnected')).toEqual([[{ slotId: 's1', side: 'mission' }, 'CONNECTION_LOST']]);
    expect(mission.connection.state).toBe('CLOSED');
  });

  it('gives back a session that startRemote returned after the connection closed', async () => {
    const relay = new FakeRelay();
    const { connection, probe } = await loggedIn(relay);
    const original = relay.startRemote.bind(relay);
    let finish: (() => void) | undefined;
    jest
      .spyOn(relay, 'startRemote')
      .mockImplementation((...args) => new Promise((resolve) => (finish = () => resolve(original(...args)))));
    probe.request('startRemote', ['s1']);
    await probe.until(() => finish !== undefined, 'startRemote');
    connection.close('test');
    finish?.();
    await probe.until(() => relay.callsOf('disconnected').length === 1, 'disconnected');
    expect(relay.callsOf('disconnected')).toEqual([[{ slotId: 's1', side: 'mission' }, 'CONNECTION_LOST']]);
  });

  it('at SLOT_END notifies both sides, closes both connections and reports no disconnection', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    relay.endSlot('s1');
    await Promise.all([station.probe.closed(), mission.probe.closed()]);
    expect(mission.probe.notifications('notifyEvent')).toEqual([[RELAY_EVENT.SLOT_END]]);
    expect(station.probe.notifications('notifyEvent')).toEqual([
      [RELAY_EVENT.REMOTE_CONNECTED],
      [RELAY_EVENT.SLOT_END],
    ]);
    expect(relay.callsOf('disconnected')).toEqual([]);
    expect(mission.probe.notifications('error')).toEqual([]);
  });
});

describe('heartbeat and idle timeout', () => {
  it('sends a heartbeat when due', async () => {
    const { connection, probe } = await loggedIn(new FakeRelay());
    connection.heartbeatDue();
    expect(await probe.notified('heartbeat')).toEqual([[]]);
  });

  it('sends heartbeats only after heartbeatMs without sending anything (timer driven)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { probe } = await loggedIn(new FakeRelay(), 'mission-key', {
        heartbeatMs: 1000,
        idleTimeoutMs: 100_000,
      });
      jest.advanceTimersByTime(900);
      await probe.ok('ping'); // sending the answer restarts the heartbeat period
      jest.advanceTimersByTime(900);
      expect(probe.notifications('heartbeat')).toHaveLength(0);
      jest.advanceTimersByTime(100);
      expect(await probe.notified('heartbeat')).toHaveLength(1);
      jest.advanceTimersByTime(1000);
      expect(await probe.notified('heartbeat', 2)).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('closes with IDLE_TIMEOUT when the client sent nothing for idleTimeoutMs (timer driven)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const relay = new FakeRelay();
      const { probe } = await loggedIn(relay, 'mission-key', { heartbeatMs: 100_000, idleTimeoutMs: 2000 });
      await probe.ok('startRemote', ['s1']);
      jest.advanceTimersByTime(1500);
      await probe.ok('ping'); // anything received restarts the idle period
      jest.advanceTimersByTime(1500);
      expect(probe.ended).toBe(false);
      jest.advanceTimersByTime(500);
      await probe.closed();
      expect(probe.notifications('error')).toEqual([
        [{ code: 'IDLE_TIMEOUT', message: 'nothing received for 2 s; send ping to stay connected' }],
      ]);
      expect(relay.callsOf('disconnected')).toEqual([[{ slotId: 's1', side: 'mission' }, 'CONNECTION_LOST']]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('bad input', () => {
  it('answers the frames before malformed bytes, then sends the error and closes; others are unaffected', async () => {
    const relay = new FakeRelay();
    const { station, mission } = await pair(relay);
    const garbage = Buffer.from([0, 0, 0, 2, 0xc1, 0x00]);
    mission.probe.write(
      Buffer.concat([
        encodeFrame(rpcRequest(50, 'ping', [])),
        garbage,
        encodeFrame(rpcRequest(51, 'ping', [])),
      ]),
    );
    await mission.probe.closed();
    const [pong, notice] = (mission.probe.messages as unknown[][]).slice(-2);
    expect(pong).toEqual([1, 50, null, 'pong']);
    expect(notice).toEqual([
      2,
      'error',
      [
        {
          code: 'MALFORMED_MSGPACK',
          message: expect.stringMatching(/^frame body is not one plain msgpack value/),
        },
      ],
    ]);
    expect(await mission.probe.response(50)).toBeDefined();
    expect(mission.probe.messages.some((m) => (m as unknown[])[1] === 51)).toBe(false);
    expect(await station.probe.ok('ping')).toBe('pong');
    expect(await station.probe.ok('sendMsg', [frame(1), 1])).toMatchObject({ delivered: false });
    expect(warn).toHaveBeenCalledWith(expect.anything(), expect.stringMatching(/^bad frame from the client/));
  });

  it('closes with FRAME_TOO_LARGE on a length prefix beyond maxMessageBytes', async () => {
    const { probe } = await loggedIn(new FakeRelay(), 'mission-key', { maxMessageBytes: 1024 });
    probe.write(Buffer.from([0, 0, 4, 1]));
    await probe.closed();
    expect(probe.notifications('error')).toEqual([
      [{ code: 'FRAME_TOO_LARGE', message: 'frame declares 1025 bytes; the maximum is 1024' }],
    ]);
  });

  it('answers unknown errors as INTERNAL_ERROR without detail, logs them, and keeps serving', async () => {
    const relay = new FakeRelay();
    jest.spyOn(relay, 'authenticate').mockRejectedValueOnce(new Error('database password is hunter2'));
    const { probe } = open(relay);
    expect((await probe.call('login', ['mission-key'])).error).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'internal error; the incident was logged',
    });
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ method: 'login', err: expect.any(Error) }),
      'unhandled error in a gateway method',
    );
    expect(await probe.ok('login', ['mission-key'])).toEqual({ username: 'mission' });
  });

  it('answers INTERNAL_ERROR when a relay result has no msgpack form', async () => {
    const relay = new FakeRelay();
    jest.spyOn(relay, 'sendMsg').mockResolvedValue({
      delivered: true,
      dopplerShiftHz: 1,
      gsTimestamp: new Date() as unknown as string,
      stored: { done: true, promise: Promise.resolve() },
      seq: 1,
    });
    const { probe } = await loggedIn(relay);
    await probe.ok('startRemote', ['s1']);
    expect((await probe.call('sendMsg', [frame(1), 1])).error?.code).toBe('INTERNAL_ERROR');
  });
});

describe('backpressure', () => {
  it('drops a client that stopped reading once its outbound buffer passes maxBufferedBytes', async () => {
    const relay = new FakeRelay();
    const stuck = stuckDuplex();
    const { connection, onClosed } = open(relay, { maxBufferedBytes: 10_000, closeGraceMs: 10 }, stuck);
    const closed = new Promise((resolve) => onClosed.mockImplementation(resolve));
    connection.loggedIn(fakeActor('mission'));
    connection.sessionStarted({ slotId: 's1', side: 'mission' });
    const payload = Buffer.alloc(200, 7);
    for (let i = 0; i < 100 && connection.state === 'AUTHENTICATED'; i++) {
      connection.notifyMsg(payload, 1, FAKE_GS_TIMESTAMP, 1);
      await new Promise((resolve) => setImmediate(resolve)); // let each tick's flush happen
    }
    expect(connection.state).not.toBe('AUTHENTICATED');
    expect(stuck.writableLength).toBeLessThanOrEqual(10_000 + 512); // and the notice behind it
    expect(relay.callsOf('disconnected')).toEqual([
      [{ slotId: 's1', side: 'mission' }, 'CLIENT_NOT_READING'],
    ]);
    expect(warn).toHaveBeenCalledWith(
      expect.anything(),
      expect.stringMatching(/^dropped: \d+ bytes waiting to be sent$/),
    );
    await closed; // it never reads: destroyed after closeGraceMs
    expect(onClosed).toHaveBeenCalledTimes(1);
  });

  it('stops reading while a quarter of maxBufferedBytes waits unread, and resumes on drain', async () => {
    const stuck = stuckDuplex(1);
    const { connection } = open(new FakeRelay(), { maxBufferedBytes: 40_000 }, stuck);
    connection.loggedIn(fakeActor('mission'));
    connection.notifyMsg(Buffer.alloc(9_000), 1, FAKE_GS_TIMESTAMP, 1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(stuck.isPaused()).toBe(false); // write() said false, but only 9 kB wait
    connection.notifyMsg(Buffer.alloc(2_000), 1, FAKE_GS_TIMESTAMP, 1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(stuck.isPaused()).toBe(true); // over 10 kB
    stuck.emit('drain');
    expect(stuck.isPaused()).toBe(false);
  });

  it('handles no further requests until a client that does not read its answers drains', async () => {
    const relay = new FakeRelay();
    const stuck = stuckDuplex(1);
    const { connection } = open(relay, { maxBufferedBytes: 40_000 }, stuck);
    stuck.push(encodeFrame(rpcRequest(1, 'login', ['mission-key'])));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    connection.notifyMsg(Buffer.alloc(12_000), 1, FAKE_GS_TIMESTAMP, 1); // the client now lags
    await new Promise((resolve) => process.nextTick(resolve));
    stuck.push(encodeFrame(rpcRequest(2, 'startRemote', ['s1'])));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(relay.calls.map((call) => call.method)).toEqual(['authenticate']);
    stuck.emit('drain');
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(relay.calls.map((call) => call.method)).toEqual(['authenticate', 'startRemote']);
  });

  it('holds its messages while the relay is not ready (its packet log catching up), then goes on in order', async () => {
    const relay = new FakeRelay();
    const { connection, probe, socket } = await loggedIn(relay);
    await probe.ok('startRemote', ['s1']);
    let ready: () => void = () => undefined;
    relay.busy = new Promise<void>((resolve) => (ready = resolve));
    const count = MAX_QUEUED_MESSAGES + 10;
    probe.write(
      Buffer.concat(
        Array.from({ length: count }, (_, i) =>
          encodeFrame(rpcRequest(10 + i, 'sendMsg', [frame(i >> 8, i & 0xff), i])),
        ),
      ),
    );
    await probe.until(() => socket.isPaused(), 'paused'); // TCP backpressure on the sender
    expect(relay.callsOf('sendMsg')).toHaveLength(0);
    relay.busy = undefined;
    ready();
    await probe.response(10 + count - 1);
    expect(relay.callsOf('sendMsg').map((args) => args[2])).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
    expect(socket.isPaused()).toBe(false);
    expect(connection.state).toBe('AUTHENTICATED');
  });

  it(`stops reading while more than ${MAX_QUEUED_MESSAGES} messages wait for the relay`, async () => {
    const relay = new FakeRelay();
    const { connection, probe, socket } = await loggedIn(relay);
    await probe.ok('startRemote', ['s1']);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    relay.sendDelay = () => gate;
    const count = MAX_QUEUED_MESSAGES + 10;
    probe.write(
      Buffer.concat(
        Array.from({ length: count }, (_, i) => encodeFrame(rpcRequest(10 + i, 'sendMsg', [frame(1), i]))),
      ),
    );
    await probe.until(() => socket.isPaused(), 'paused');
    release();
    await probe.response(10 + count - 1);
    expect(socket.isPaused()).toBe(false);
    expect(connection.state).toBe('AUTHENTICATED');
  });
});

describe('close', () => {
  it('is idempotent: one notice, one disconnected, one onClosed, no listeners left', async () => {
    const relay = new FakeRelay();
    const { connection, probe, socket, onClosed } = await loggedIn(relay);
    await probe.ok('startRemote', ['s1']);
    connection.close('first', { code: 'SERVER_SHUTDOWN', message: 'bye' });
    connection.close('second', { code: 'SERVER_SHUTDOWN', message: 'again' });
    connection.notifyMsg(frame(1), 1, FAKE_GS_TIMESTAMP, 1);
    connection.notifyEvent(RELAY_EVENT.REMOTE_CONNECTED);
    await probe.closed();
    await probe.until(() => onClosed.mock.calls.length > 0, 'onClosed');
    connection.close('third');
    connection.abort('fourth');
    expect(probe.notifications('error')).toEqual([[{ code: 'SERVER_SHUTDOWN', message: 'bye' }]]);
    expect(probe.notifications('notifyMsg')).toEqual([]);
    expect(relay.callsOf('disconnected')).toHaveLength(1);
    expect(onClosed).toHaveBeenCalledTimes(1);
    expect(connection.state).toBe('CLOSED');
    for (const event of ['data', 'end', 'error', 'close', 'drain'])
      expect(socket.listenerCount(event)).toBe(0);
  });

  it('destroys a closing connection whose client does not close within closeGraceMs', async () => {
    const stuck = stuckDuplex();
    const { connection, onClosed } = open(new FakeRelay(), { closeGraceMs: 10 }, stuck);
    connection.close('test');
    expect(connection.state).toBe('CLOSING');
    await new Promise((resolve) => stuck.once('close', resolve));
    expect(stuck.destroyed).toBe(true);
    expect(onClosed).toHaveBeenCalledTimes(1);
    expect(connection.state).toBe('CLOSED');
  });

  it('closes when the client ends its side', async () => {
    const { connection, probe, onClosed } = await loggedIn(new FakeRelay());
    probe.stream.end();
    await probe.closed();
    await probe.until(() => onClosed.mock.calls.length === 1, 'onClosed');
    expect(connection.state).toBe('CLOSED');
  });
});
