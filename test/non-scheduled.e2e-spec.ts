// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { GatewayRpcError } from '../src/client/gateway-client';
import { BookingEventsClient } from '../src/client/websocket-client';
import { makeCspHeader } from '../src/csp/csp-header';
import { buildCspFrame } from '../src/csp/csp-frame';
import { type FeedPacket, PacketFeed } from '../src/relay/packet-feed';
import { Packet } from '../src/relay/packet.entity';
import { SpacecraftService } from '../src/spacecraft/spacecraft.service';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { rejection } from './helpers/rejection';
import { frames as fixtureFrames, gatewayClient } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

/** A CSP v1 frame from `source` (the fixture spacecraft is address 10). */
const frame = (payload: string, source = 10) => fixtureFrames.downlink(payload, { source });
const b64 = (data: Buffer) => data.toString('base64');

interface Pass {
  aos: string;
  los: string;
}

describe('non-scheduled frames (docs/api.md "Non-scheduled frames")', () => {
  let t: TestApp;
  let gs: { token: string };
  let mission: { token: string };
  let other: { token: string };
  let pass: Pass;
  /** During the pass, and long after any pass of the day. */
  let inPass: Date;
  let noPass: Date;

  const upload = (station: string, frames: unknown[], token = gs.token) =>
    t.http('POST', `/api/ground-stations/${station}/packets/non-scheduled`, { token, body: { frames } });
  const stored = () =>
    t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { outcome: 'NON_SCHEDULED' }, order: { id: 'ASC' } });
  const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000).toISOString();

  beforeAll(async () => {
    t = await TestApp.start({
      SATNET_NONSCHED_MAX_FRAMES_PER_UPLOAD: '50',
      SATNET_NONSCHED_STATION_BYTES_PER_SECOND: '65536', // bursts of 128 KiB
    });
    t.clock.set(ORBIT_NOW);
    gs = await t.operator('ns-gs');
    mission = await t.operator('ns-m');
    other = await t.operator('ns-other');
    await t.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('nsGS') });
    await t.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('nsRateGS') });
    await t.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig('nsSAT') });
    // The same address on another spacecraft, in another CSP version: only a v2 header can match it.
    await t.http('POST', '/api/spacecraft', {
      token: other.token,
      body: spacecraftConfig('nsV2SAT', {
        csp: { version: 2, addresses: [77], uplinkPorts: [10], downlinkPorts: [10] },
      }),
    });
    const passes = (
      await t.http<Pass[]>('GET', '/api/spacecraft/nsSAT/passes?groundStations=nsGS', {
        token: mission.token,
      })
    ).body;
    pass = passes[0];
    inPass = new Date(new Date(pass.aos).getTime() + 60_000);
    // Farther than any margin from every pass of the day (passes are minutes long, hours apart).
    const gaps = passes.slice(1).map((next, i) => ({ from: passes[i].los, to: next.aos }));
    const widest = gaps.sort(
      (a, b) => Date.parse(b.to) - Date.parse(b.from) - (Date.parse(a.to) - Date.parse(a.from)),
    )[0];
    noPass = new Date((Date.parse(widest.from) + Date.parse(widest.to)) / 2);
    t.clock.set(new Date(Date.parse(passes.at(-1)!.los) + 3_600_000)); // every frame is in the past
  });
  afterAll(() => t.stop());

  it('attributes a frame from the spacecraft address heard during its pass, and stores its columns', async () => {
    const data = frame('attributed');
    const answer = await upload('nsGS', [
      { data: b64(data), gsTimestamp: inPass.toISOString(), frequencyHz: 437.5e6 },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      groundStation: 'nsGS',
      stored: 1,
      duplicates: 0,
      attributed: 1,
      frames: [{ index: 0, status: 'STORED', spacecraft: 'nsSAT' }],
    });
    const row = (await stored()).find((packet) => packet.id === answer.body.frames[0].id)!;
    expect(row).toMatchObject({
      outcome: 'NON_SCHEDULED',
      slotId: null,
      direction: 'DOWNLINK',
      frequencyHz: 437.5e6,
      clientTimestamp: inPass.toISOString(),
      cspSource: 10,
      cspDestination: 1,
      frameBytes: data.length,
    });
    expect(row.stationId).toEqual(expect.any(String));
    expect(row.spacecraftId).toEqual(expect.any(String));
    expect(row.gsTimestamp?.toISOString()).toBe(inPass.toISOString());
    expect(row.serverReceivedAt.toISOString()).toBe(t.clock.now().toISOString());
    expect(Buffer.compare(Buffer.from(row.data), data)).toBe(0);
  });

  it("stores unattributed a frame from another address, or from the spacecraft's address with no pass", async () => {
    const answer = await upload('nsGS', [
      { data: b64(frame('wrong address', 11)), gsTimestamp: at(inPass, 1) },
      { data: b64(frame('no pass')), gsTimestamp: noPass.getTime() },
      { data: b64(frame('pass edge')), gsTimestamp: at(new Date(pass.los), 60) }, // within the 120 s margin
    ]);
    expect(answer.body).toMatchObject({ stored: 3, attributed: 1 });
    expect(answer.body.frames.map((f: { spacecraft: string | null }) => f.spacecraft)).toEqual([
      null,
      null,
      'nsSAT',
    ]);
    const rows = (await stored()).slice(-3);
    expect(rows.map((row) => row.spacecraftId === null)).toEqual([true, true, false]);
    expect(rows[1].clientTimestamp).toBe(String(noPass.getTime()));
  });

  it('stores a frame heard twice once, within one upload and across uploads', async () => {
    const data = b64(frame('twice'));
    const first = await upload('nsGS', [
      { data, gsTimestamp: at(inPass, 5) },
      { data, gsTimestamp: at(inPass, 5) },
      { data, gsTimestamp: at(inPass, 6) }, // another time: another frame
    ]);
    expect(first.body).toMatchObject({ stored: 2, duplicates: 1 });
    expect(first.body.frames.map((f: { status: string }) => f.status)).toEqual([
      'STORED',
      'DUPLICATE',
      'STORED',
    ]);
    expect(first.body.frames[1].id).toBe(first.body.frames[0].id);
    const count = (await stored()).length;
    const again = await t.rpc(
      'upload_non_scheduled_frames',
      ['nsGS', [{ data, gsTimestamp: at(inPass, 5) }]],
      gs.token,
    );
    expect(again.result).toMatchObject({
      stored: 0,
      duplicates: 1,
      frames: [{ index: 0, status: 'DUPLICATE', id: first.body.frames[0].id, spacecraft: 'nsSAT' }],
    });
    expect((await stored()).length).toBe(count);
  });

  it('refuses a bad upload whole and stores nothing', async () => {
    const good = { data: b64(frame('good')), gsTimestamp: at(inPass, 30) };
    const now = t.clock.now();
    const cases: [unknown[], number, string, string?][] = [
      [
        [good, { data: b64(Buffer.from([1, 2])), gsTimestamp: at(inPass, 31) }],
        400,
        'FRAMES_REFUSED',
        'FRAME_TOO_SHORT',
      ],
      [
        [good, { data: b64(Buffer.alloc(4097, 1)), gsTimestamp: at(inPass, 31) }],
        400,
        'FRAMES_REFUSED',
        'FRAME_TOO_LARGE',
      ],
      [[good, { data: good.data, gsTimestamp: at(now, 301) }], 400, 'FRAMES_REFUSED', 'TIMESTAMP_IN_FUTURE'],
      [
        [good, { data: good.data, gsTimestamp: '2008-09-20 12:00' }],
        400,
        'FRAMES_REFUSED',
        'INVALID_TIMESTAMP',
      ],
      [
        [good, { data: good.data, gsTimestamp: at(inPass, 31), frequencyHz: -5 }],
        400,
        'FRAMES_REFUSED',
        'INVALID_FREQUENCY',
      ],
      [[good, { data: 'not base64!', gsTimestamp: at(inPass, 31) }], 400, 'VALIDATION_FAILED'],
      [[good, { data: good.data, gsTimestamp: 1.5 }], 400, 'VALIDATION_FAILED'],
      [[good, { data: good.data }], 400, 'VALIDATION_FAILED'],
      [[], 400, 'VALIDATION_FAILED'],
      [
        Array.from({ length: 51 }, (_, i) => ({ data: good.data, gsTimestamp: at(inPass, i) })),
        400,
        'UPLOAD_TOO_LARGE',
      ],
    ];
    const before = (await stored()).length;
    for (const [frames, status, code, reason] of cases) {
      const answer = await upload('nsGS', frames);
      expect([answer.status, answer.body.error?.code]).toEqual([status, code]);
      if (reason)
        expect(answer.body.error.details.refused).toEqual([expect.objectContaining({ index: 1, reason })]);
    }
    expect((await stored()).length).toBe(before);
  });

  it("lets only the station's owner upload for it", async () => {
    const frames = [{ data: b64(frame('not yours')), gsTimestamp: at(inPass, 40) }];
    const before = (await stored()).length;
    expect((await upload('nsGS', frames, mission.token)).body.error.code).toBe('NOT_OWNER');
    expect((await upload('noSuchGS', frames)).body.error.code).toBe('GROUND_STATION_NOT_FOUND');
    expect((await upload('nsGS', frames, '')).status).toBe(401);
    expect((await stored()).length).toBe(before);
  });

  it('rate-limits a station by frame bytes, and takes uploads again once its budget refills', async () => {
    const big = (i: number) => ({
      data: b64(Buffer.concat([frame(''), Buffer.alloc(3000, i)])),
      gsTimestamp: at(noPass, i),
    });
    const most = Array.from({ length: 43 }, (_, i) => big(i)); // 129,344 bytes of the 131,072 burst
    expect((await upload('nsRateGS', most)).body.stored).toBe(43);
    const refused = await upload('nsRateGS', [big(100), big(101), big(102)]);
    expect([refused.status, refused.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(refused.headers.get('retry-after')).toBe('1');
    t.clock.advance(2000);
    expect((await upload('nsRateGS', [big(100), big(101), big(102)])).body.stored).toBe(3);
  });

  /** Follows nsSAT's packets on the packet feed. */
  const follow = async (seen: FeedPacket[]): Promise<() => void> => {
    const spacecraft = await t.app.get(SpacecraftService).findByIdentifier('nsSAT');
    return t.app.get(PacketFeed).subscribe(`spacecraft:${spacecraft!.id}`, {
      packets: (packets) => seen.push(...packets),
      lost: () => undefined,
    });
  };

  it('publishes the stored rows, with their ids, on the packet feed', async () => {
    const seen: FeedPacket[] = [];
    const unsubscribe = await follow(seen);
    try {
      const answer = await upload('nsGS', [
        { data: b64(frame('fed')), gsTimestamp: at(inPass, 50) },
        { data: b64(frame('fed')), gsTimestamp: at(inPass, 50) },
      ]);
      expect(seen.map((packet) => [packet.id, packet.outcome])).toEqual([
        [answer.body.frames[0].id, 'NON_SCHEDULED'],
      ]);
    } finally {
      unsubscribe();
    }
  });

  it('stores, reports and publishes a frame once when three uploads of it arrive together', async () => {
    const seen: FeedPacket[] = [];
    const unsubscribe = await follow(seen);
    try {
      const frames = [{ data: b64(frame('concurrent')), gsTimestamp: at(inPass, 60) }];
      const answers = await Promise.all([
        upload('nsGS', frames),
        upload('nsGS', frames),
        upload('nsGS', frames),
      ]);
      expect(answers.map((answer) => answer.body.stored).sort()).toEqual([0, 0, 1]);
      expect(new Set(answers.map((answer) => answer.body.frames[0].id)).size).toBe(1);
      expect(seen).toHaveLength(1);
    } finally {
      unsubscribe();
    }
  });

  it('takes frames over the TLS gateway after login, without a session', async () => {
    const key = (await t.http('POST', '/api/me/api-keys', { token: gs.token, body: { name: 'station' } }))
      .body.key as string;
    const client = await gatewayClient(t, key);
    try {
      const result = await client.sendNonScheduled('nsGS', [
        { data: frame('over tls'), gsTimestamp: at(inPass, 70), frequencyHz: 437_500_000 },
        { data: frame('over tls'), gsTimestamp: Date.parse(at(inPass, 70)) }, // the same instant, as epoch ms
      ]);
      expect(result).toMatchObject({
        stored: 1,
        duplicates: 1,
        frames: [
          { status: 'STORED', spacecraft: 'nsSAT' },
          { status: 'DUPLICATE', spacecraft: 'nsSAT' },
        ],
      });
      const row = (await stored()).find((packet) => packet.id === result.frames[0].id)!;
      expect(row.frequencyHz).toBe(437_500_000);
      const bad = await rejection(
        client.call('sendNonScheduled', ['nsGS', [{ data: 'text', gsTimestamp: 1 }]]),
        GatewayRpcError,
      );
      expect(bad.code).toBe('INVALID_PARAMS');
      const short = await rejection(
        client.sendNonScheduled('nsGS', [{ data: Buffer.from([1]), gsTimestamp: at(inPass, 71) }]),
        GatewayRpcError,
      );
      expect([short.code, (short.data as { refused: { reason: string }[] }).refused[0].reason]).toEqual([
        'FRAMES_REFUSED',
        'FRAME_TOO_SHORT',
      ]);
    } finally {
      client.destroy();
    }
    const missionKey = (
      await t.http('POST', '/api/me/api-keys', { token: mission.token, body: { name: 'm' } })
    ).body.key as string;
    const stranger = await gatewayClient(t, missionKey);
    try {
      const refused = await rejection(
        stranger.sendNonScheduled('nsGS', [{ data: frame('x'), gsTimestamp: at(inPass, 72) }]),
        GatewayRpcError,
      );
      expect(refused.code).toBe('NOT_OWNER');
    } finally {
      stranger.destroy();
    }
  });

  it("tells the spacecraft's owner on /ws/events, and nobody else", async () => {
    const atMission = await BookingEventsClient.connect({ baseUrl: t.baseUrl, token: mission.token });
    const atOther = await BookingEventsClient.connect({ baseUrl: t.baseUrl, token: other.token });
    try {
      await Promise.all([atMission.live, atOther.live]);
      const otherHeard: unknown[] = [];
      atOther.on('nonScheduled', (message: unknown) => otherHeard.push(message));
      const heard = atMission.next<Record<string, unknown>>('nonScheduled');
      await upload('nsGS', [
        { data: b64(frame('event 1')), gsTimestamp: at(inPass, 80) },
        { data: b64(frame('event 2')), gsTimestamp: at(inPass, 90) },
        { data: b64(frame('nobody', 12)), gsTimestamp: at(inPass, 95) },
      ]);
      expect(await heard).toEqual({
        type: 'nonScheduled',
        spacecraft: 'nsSAT',
        groundStation: 'nsGS',
        count: 2,
        from: at(inPass, 80),
        to: at(inPass, 90),
      });
      await atOther.request({ type: 'ping' }); // a round trip: anything sent to it before has arrived
      expect(otherHeard).toEqual([]);
    } finally {
      await atMission.close();
      await atOther.close();
    }
  });

  it('attributes a v2 frame by its v2 source address', async () => {
    const v2 = Buffer.from(
      buildCspFrame(
        2,
        makeCspHeader({ source: 77, sourcePort: 10, destination: 1, destinationPort: 20 }),
        Buffer.from('v2'),
      ),
    );
    const answer = await upload('nsGS', [{ data: b64(v2), gsTimestamp: at(inPass, 100) }]);
    expect(answer.body.frames[0].spacecraft).toBe('nsV2SAT');
    const row = (await stored()).find((packet) => packet.id === answer.body.frames[0].id)!;
    expect(row.cspSource).toBe(77);
  });
});

describe('docs/protocol.md §15 sendNonScheduled example, against the real gateway', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    const gs = await t.operator('gs-ops');
    const alice = await t.operator('alice');
    await t.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('VigoGS') });
    await t.http('POST', '/api/spacecraft', { token: alice.token, body: spacecraftConfig('XATCOBEO') });
    t.clock.set('2008-09-20T20:00:00Z');
  });
  afterAll(() => t.stop());

  it('answers the documented call as documented, and the same call again as a duplicate', async () => {
    const gsToken = await t.login('gs-ops', 'gs-ops-password');
    const key = (await t.http('POST', '/api/me/api-keys', { token: gsToken, body: { name: 'station' } })).body
      .key as string;
    const client = await gatewayClient(t, key);
    try {
      // The frame `beacon 1`: v1, priority 2, from 10 port 10 to 1 port 20.
      const beacon = Buffer.from(
        buildCspFrame(
          1,
          makeCspHeader({ priority: 2, source: 10, sourcePort: 10, destination: 1, destinationPort: 20 }),
          Buffer.from('beacon 1'),
        ),
      );
      const params = [
        'VigoGS',
        [{ data: beacon, gsTimestamp: '2008-09-20T19:52:00.250Z', frequencyHz: 437500000 }],
      ];
      const frames = [{ index: 0, status: 'STORED', id: 1, spacecraft: 'XATCOBEO' }];
      expect(await client.call('sendNonScheduled', params)).toEqual({
        groundStation: 'VigoGS',
        stored: 1,
        duplicates: 0,
        attributed: 1,
        frames,
      });
      expect(await client.call('sendNonScheduled', params)).toEqual({
        groundStation: 'VigoGS',
        stored: 0,
        duplicates: 1,
        attributed: 0,
        frames: [{ ...frames[0], status: 'DUPLICATE' }],
      });
    } finally {
      client.destroy();
    }
  });
});
