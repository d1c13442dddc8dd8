// SPDX-License-Identifier: Apache-2.0
// The TLS gateway server driven by the real client library. It sits with the client because the
// client depends on the gateway's codec and not the reverse (scripts/check-module-cycles.ts).
import { once } from 'node:events';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { RELAY_EVENT, RelayPort, START_REMOTE } from '../relay/relay-port';
import { encodeFrame } from '../transports/gateway/frame-codec';
import { GatewayModule } from '../transports/gateway/gateway.module';
import { GatewayServer } from '../transports/gateway/gateway.server';
import { rpcRequest } from '../transports/gateway/rpc-message';
import { FAKE_DOPPLER_HZ, FakeRelay } from '../transports/gateway/testing/fake-relay';
import { startTestGateway, type TestGateway } from '../transports/gateway/testing/test-gateway';
import { WireProbe } from '../transports/gateway/testing/wire-probe';
import { GatewayClient, GatewayClosedError, GatewayRpcError } from './gateway-client';

let gateway: TestGateway;
let clients: GatewayClient[];

beforeEach(async () => {
  for (const level of ['log', 'debug', 'warn'] as const)
    jest.spyOn(Logger.prototype, level).mockImplementation();
  clients = [];
  gateway = await startTestGateway();
});

afterEach(async () => {
  for (const client of clients) client.destroy();
  await gateway.stop();
  jest.restoreAllMocks();
});

async function client(
  options: { ca?: string; fingerprint256?: string; insecure?: boolean } = { ca: gateway.cert },
) {
  const connected = await GatewayClient.connect({ host: '127.0.0.1', port: gateway.port, ...options });
  clients.push(connected);
  return connected;
}

function rawSocket(): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port: gateway.port, ca: gateway.cert });
  return once(socket, 'secureConnect').then(() => socket);
}

describe('the TLS gateway', () => {
  it('logs in and answers ping over TLS, verified against the development certificate', async () => {
    const station = await client();
    expect(await station.login('station-key')).toEqual({ username: 'station' });
    expect(await station.ping()).toBe('pong');
    expect(station.tls).toEqual({ protocol: 'TLSv1.3', fingerprint256: gateway.fingerprint256 });
    expect(gateway.server.connectionCount).toBe(1);
  });

  it('accepts a client that pins the fingerprint, and refuses a wrong pin', async () => {
    const pinned = await client({ fingerprint256: gateway.fingerprint256.replace(/:/g, '').toLowerCase() });
    expect(await pinned.login('mission-key')).toEqual({ username: 'mission' });
    const wrong = 'AA'.repeat(32);
    await expect(client({ fingerprint256: wrong })).rejects.toThrow(/fingerprint is .* not the pinned AA:AA/);
  });

  it('refuses the self-signed certificate to a client that neither trusts nor pins it, unless insecure', async () => {
    await expect(client({})).rejects.toThrow(/self-signed certificate/);
    expect(await (await client({ insecure: true })).login('station-key')).toEqual({ username: 'station' });
  });

  it('refuses TLS versions below 1.2', async () => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: gateway.port,
      ca: gateway.cert,
      maxVersion: 'TLSv1.1',
      minVersion: 'TLSv1',
    });
    const [error] = (await once(socket, 'error')) as [Error];
    expect(error.message).toMatch(/protocol version|no protocols available|unsupported protocol/i);
  });

  it('relays frames both ways between a station and a mission client', async () => {
    const [station, mission] = [await client(), await client()];
    await Promise.all([station.login('station-key'), mission.login('mission-key')]);
    const events: string[] = [];
    station.on('notifyEvent', (_id, name) => events.push(name));
    expect(await station.startRemote('s1')).toBe(START_REMOTE.REMOTE_NOT_CONNECTED);
    expect(await mission.startRemote('s1', 'mission')).toBe(START_REMOTE.REMOTE_READY);
    const arrived = once(station, 'notifyMsg');
    expect(await mission.sendMsg(Buffer.from('cafe', 'hex'), '2030-01-01T00:00:01Z')).toMatchObject({
      delivered: true,
      dopplerShift: FAKE_DOPPLER_HZ,
    });
    const [data, doppler] = (await arrived) as [Buffer, number];
    expect([data.toString('hex'), doppler]).toEqual(['cafe', FAKE_DOPPLER_HZ]);
    expect(events).toEqual(['REMOTE_CONNECTED']);
    const back = once(mission, 'notifyMsg');
    await station.sendMsg(Buffer.from([1, 2, 3]));
    expect(((await back)[0] as Buffer).toString('hex')).toBe('010203');
  });

  it('closes a client that sends garbage, with an error notification, and serves the others', async () => {
    const healthy = await client();
    await healthy.login('station-key');
    const raw = await rawSocket();
    const probe = new WireProbe(raw);
    raw.write(Buffer.concat([encodeFrame(rpcRequest(1, 'ping', [])), Buffer.from('GET / HTTP/1.1\r\n\r\n')]));
    await probe.closed();
    expect(probe.messages[0]).toEqual([
      1,
      1,
      { code: 'LOGIN_REQUIRED', message: 'call login(apiKey) first' },
      null,
    ]);
    expect(probe.notifications('error')).toEqual([
      [{ code: 'FRAME_TOO_LARGE', message: expect.stringMatching(/^frame declares \d+ bytes/) }],
    ]);
    expect(await healthy.ping()).toBe('pong');
  });

  it('answers a client without login with LOGIN_REQUIRED', async () => {
    const anonymous = await client();
    await expect(anonymous.ping()).rejects.toEqual(
      new GatewayRpcError('LOGIN_REQUIRED', 'call login(apiKey) first'),
    );
  });

  it('at shutdown: drains the relay (sessions end as SHUTDOWN, waiting answers go out), then tells every client and closes', async () => {
    const mission = await client();
    await mission.login('mission-key');
    await mission.startRemote('s1');
    const serverErrors: unknown[] = [];
    mission.on('serverError', (error) => serverErrors.push(error));
    const closed = once(mission, 'close');
    await gateway.server.stop();
    expect(await closed).toEqual(['SERVER_SHUTDOWN: the server is shutting down; reconnect later']);
    expect(serverErrors).toEqual([
      { code: 'SERVER_SHUTDOWN', message: 'the server is shutting down; reconnect later' },
    ]);
    expect(gateway.relay.calls.map((call) => call.method).slice(-2)).toEqual(['drain', 'disconnected']);
    expect(gateway.server.connectionCount).toBe(0);
    expect(() => gateway.server.port).toThrow('the TLS gateway is not listening');
    await expect(mission.ping()).rejects.toBeInstanceOf(GatewayClosedError);
  });

  it('delivers SLOT_END and then closes both clients', async () => {
    const [station, mission] = [await client(), await client()];
    await Promise.all([station.login('station-key'), mission.login('mission-key')]);
    await station.startRemote('s1');
    await mission.startRemote('s1');
    const events: number[] = [];
    mission.on('notifyEvent', (id) => events.push(id));
    const closed = Promise.all([once(station, 'close'), once(mission, 'close')]);
    gateway.relay.endSlot('s1');
    await closed;
    expect(events).toEqual([RELAY_EVENT.SLOT_END]);
  });
});

describe('GatewayModule', () => {
  function relayModule(relay: FakeRelay) {
    @Module({ providers: [{ provide: RelayPort, useValue: relay }], exports: [RelayPort] })
    class FakeRelayModule {}
    return FakeRelayModule;
  }

  it('starts the gateway on bootstrap when enabled, and drains the relay on shutdown', async () => {
    const relay = new FakeRelay();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(gateway.config),
        CommonModule.forRoot(),
        GatewayModule.forRelay(relayModule(relay)),
      ],
    }).compile();
    const app = await moduleRef.init();
    const server = app.get(GatewayServer);
    const connected = await GatewayClient.connect({ host: '127.0.0.1', port: server.port, ca: gateway.cert });
    expect(await connected.login('station-key')).toEqual({ username: 'station' });
    const closed = once(connected, 'close');
    await app.close();
    expect(relay.callsOf('drain')).toHaveLength(1);
    expect(await closed).toEqual(['SERVER_SHUTDOWN: the server is shutting down; reconnect later']);
  });

  it('does not listen when disabled', async () => {
    const config = { ...gateway.config, gateway: { ...gateway.config.gateway, enabled: false } };
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(),
        GatewayModule.forRelay(relayModule(new FakeRelay())),
      ],
    }).compile();
    const app = await moduleRef.init();
    expect(() => app.get(GatewayServer).port).toThrow('the TLS gateway is not listening');
    await app.close();
  });
});
