// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import { PACKET_PURGE_JOB } from '../src/archive/packet-retention.service';
import { NOTIFY_JOB } from '../src/booking/booking-notifier';
import { ChangeCursors } from '../src/booking/change-cursors.repository';
import { CHANGE_HOLE_JOB } from '../src/booking/change-log-watermark';
import { ENDED_SLOT_PURGE_JOB } from '../src/booking/ended-slot-purge';
import { SlotsRepository } from '../src/booking/slots.repository';
import { HOLD_SWEEP_JOB } from '../src/booking/booking.service';
import { REPLAN_JOB } from '../src/booking/slot-planner.service';
import { JobRunner } from '../src/common/jobs';
import { PacketLog } from '../src/relay/packet-log';
import { PacketsRepository } from '../src/relay/packets.repository';
import { RelaySessionAudit } from '../src/relay/relay-session-audit';
import { MARK_EXECUTING_JOB, RelayService, SLOT_END_JOB } from '../src/relay/relay.service';
import { SETTLE_GRACE_MS, SLOT_SETTLE_JOB } from '../src/relay/slot-settlement';
import { MISSION_SESSION_END_JOB, MISSION_SESSION_START_JOB } from '../src/relay/mission-session-audit';
import { SlotLifecycle } from '../src/booking/slot-lifecycle';
import { SpacecraftRepository } from '../src/spacecraft/spacecraft.repository';
import { TLE_REFRESH_JOB } from '../src/spacecraft/tle-refresh.service';
import { GroundStationsService } from '../src/stations/ground-stations.service';
import { WS_KEEPALIVE_JOB, WsGateway } from '../src/transports/ws/ws-gateway';
import {
  MissionSocketClient,
  PacketReplayClient,
  type ReplayBatchMessage,
  WsHandshakeError,
  WsServerError,
} from '../src/client/websocket-client';
import { WS_REPLAY_JOB } from '../src/transports/ws/packets-socket';
import { AccountsService } from '../src/accounts/accounts.service';
import { BookingService } from '../src/booking/booking.service';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { ADMIN, TestApp } from './helpers/test-app';

/**
 * Issue 9: work outside a request goes through the JobRunner, so a job that fails is logged with
 * its name and the server keeps serving. Each test makes the real service or repository a job
 * calls fail, runs the job as its timer would (JobRunner.tick), and then uses the server.
 */
describe('background jobs that fail leave the server serving', () => {
  let t: TestApp;
  let runner: JobRunner;
  let errors: jest.SpyInstance;

  /** Resolves with the error log line of `job` (fire-and-forget work is awaited by nobody). */
  const failureLogged = (job: string) =>
    new Promise<Record<string, unknown>>((resolve) =>
      errors.mockImplementation((fields: unknown) => {
        const line = fields as Record<string, unknown>;
        if (line?.job === job) resolve(line);
      }),
    );

  const stillServing = async () => {
    expect((await t.http('GET', '/health')).status).toBe(200);
    const login = await t.http('POST', '/api/auth/login', {
      body: { username: ADMIN.username, password: ADMIN.password },
    });
    expect(login.status).toBe(200);
  };

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    runner = t.app.get(JobRunner);
  });
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t.stop());

  it('schedules every periodic job through the runner', () => {
    expect(runner.scheduled.sort()).toEqual(
      [
        HOLD_SWEEP_JOB,
        CHANGE_HOLE_JOB,
        NOTIFY_JOB,
        ENDED_SLOT_PURGE_JOB,
        PACKET_PURGE_JOB,
        REPLAN_JOB,
        SLOT_END_JOB,
        SLOT_SETTLE_JOB,
        TLE_REFRESH_JOB,
        WS_KEEPALIVE_JOB,
      ].sort(),
    );
  });

  const periodic: [string, () => jest.SpyInstance][] = [
    [SLOT_END_JOB, () => jest.spyOn(t.app.get(RelayService), 'endFinishedSlots')],
    [TLE_REFRESH_JOB, () => jest.spyOn(t.app.get(SpacecraftRepository), 'dueForRefresh')],
    [HOLD_SWEEP_JOB, () => jest.spyOn(t.app.get(SlotsRepository), 'expiredHolds')],
    [REPLAN_JOB, () => jest.spyOn(t.app.get(GroundStationsService), 'loadMany')],
    [WS_KEEPALIVE_JOB, () => jest.spyOn(t.app.get(WsGateway), 'keepAlive')],
    [SLOT_SETTLE_JOB, () => jest.spyOn(t.app.get(SlotLifecycle), 'unsettled')],
    [PACKET_PURGE_JOB, () => jest.spyOn(t.app.get(PacketsRepository), 'deleteOlderThan')],
    [ENDED_SLOT_PURGE_JOB, () => jest.spyOn(t.app.get(SlotsRepository), 'stationIds')],
    [NOTIFY_JOB, () => jest.spyOn(t.app.get(ChangeCursors), 'position')],
  ];

  it.each(periodic)('%s: a failed run is logged with the job name', async (job, dependency) => {
    const failure = new Error(`${job}: database unreachable`);
    const spy = dependency().mockRejectedValue(failure);
    await runner.tick(job);
    expect(spy).toHaveBeenCalled();
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ err: failure, job }),
      expect.stringContaining(job),
    );
    await stillServing();
    spy.mockRestore();
    errors.mockClear();
    await runner.tick(job); // and the next run works again
    expect(errors).not.toHaveBeenCalled();
  });

  describe('relay fire-and-forget work', () => {
    let slot: ReservedSlot;

    beforeAll(async () => {
      slot = await reservedSlot(t, 'jobs');
    });
    beforeEach(() => t.clock.set(new Date(slot.start.getTime() + 60_000))); // inside the slot

    it('relay.record-disconnection: recording a lost connection fails; logged with the slot', async () => {
      const station = await gatewayClient(t, slot.stationKey);
      const mission = await gatewayClient(t, slot.missionKey);
      await station.startRemote(slot.slotId);
      await mission.startRemote(slot.slotId);
      const failure = new Error('audit table unreachable');
      const ended = jest.spyOn(t.app.get(RelaySessionAudit), 'ended').mockRejectedValueOnce(failure);
      const logged = failureLogged('relay.record-disconnection');
      const told = next<[number]>(mission, 'notifyEvent');
      station.destroy(); // the connection is lost
      expect(await logged).toMatchObject({ err: failure, slotId: slot.slotId, side: 'station' });
      expect((await told)[0]).toBe(-1); // REMOTE_DISCONNECTED, before the audit write failed
      expect(ended).toHaveBeenCalled();
      await stillServing();
      mission.destroy();
    });

    it('relay.end-slot: ending the slot after a late frame fails; logged with the slot', async () => {
      const station = await gatewayClient(t, slot.stationKey);
      const mission = await gatewayClient(t, slot.missionKey);
      await station.startRemote(slot.slotId);
      await mission.startRemote(slot.slotId);
      const closed = [next(station, 'close'), next(mission, 'close')];
      const slotEnds = [next<[number]>(station, 'notifyEvent'), next<[number]>(mission, 'notifyEvent')];
      // The periodic check (on a real timer) would end the slot too; here only the late frame does.
      jest.spyOn(t.app.get(RelayService), 'endFinishedSlots').mockResolvedValue(0);
      t.clock.set(slot.end);
      // The session audit cannot be written, and neither can the packet log at the slot's end.
      jest
        .spyOn(t.app.get(RelaySessionAudit), 'ended')
        .mockRejectedValue(new Error('audit table unreachable'));
      const failure = new Error('packet log unreachable');
      jest.spyOn(t.app.get(PacketLog), 'flush').mockRejectedValueOnce(failure);
      const logged = failureLogged('relay.end-slot');
      // The late frame is refused with SLOT_ENDED and ends the slot for both sides all the same.
      await expect(station.sendMsg(frames.downlink(), t.clock.now().toISOString())).rejects.toThrow(
        'ended at',
      );
      expect(await logged).toMatchObject({ err: failure, slotId: slot.slotId });
      expect((await Promise.all(slotEnds)).map((event) => event[0])).toEqual([-2, -2]); // SLOT_END
      await Promise.all(closed);
      await stillServing();
      const another = await gatewayClient(t, slot.missionKey); // the gateway still takes logins
      expect(await another.ping()).toBe('pong');
      another.destroy();
    });
  });

  describe('WebSocket fire-and-forget work', () => {
    let slot: ReservedSlot;

    beforeAll(async () => {
      slot = await reservedSlot(t, 'wsjobs');
    });
    beforeEach(() => t.clock.set(new Date(slot.start.getTime() + 60_000)));

    it('ws.handshake: authentication fails unexpectedly; the upgrade gets 500, the server serves on', async () => {
      jest.spyOn(t.app.get(AccountsService), 'authenticate').mockRejectedValueOnce(new Error('db gone'));
      const refused = await MissionSocketClient.connect({
        baseUrl: t.baseUrl,
        token: slot.missionKey,
        spacecraft: slot.spacecraft,
      }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(WsHandshakeError);
      expect(refused).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
      await stillServing();
    });

    it('ws.mission.attach: finding the slots in progress fails; logged, the session still relays', async () => {
      const failure = new Error('slots table unreachable');
      jest.spyOn(t.app.get(BookingService), 'reservedInProgress').mockRejectedValueOnce(failure);
      const logged = failureLogged('ws.mission.attach');
      const mission = await MissionSocketClient.connect({
        baseUrl: t.baseUrl,
        token: slot.missionKey,
        spacecraft: slot.spacecraft,
      });
      expect(await logged).toMatchObject({ err: failure, spacecraft: slot.spacecraft });
      const station = await gatewayClient(t, slot.stationKey);
      await station.startRemote(slot.slotId);
      const downlink = mission.next<{ packet: string }>('message');
      await station.sendMsg(frames.downlink('still here'), t.clock.now().toISOString());
      expect(Buffer.from((await downlink).packet, 'base64')).toEqual(frames.downlink('still here'));
      await stillServing();
      await mission.close();
      station.destroy();
    });

    it('ws.packets.replay: reading the archive fails; logged, the client told, the socket serves on', async () => {
      const failure = new Error('packets table unreachable');
      jest.spyOn(t.app.get(PacketsRepository), 'page').mockRejectedValueOnce(failure);
      const logged = failureLogged(WS_REPLAY_JOB);
      const replay = await PacketReplayClient.connect({ baseUrl: t.baseUrl, token: slot.missionKey });
      const error = replay.next<Record<string, unknown>>('error', (e) => e.id === 'broken');
      await replay.add({ id: 'broken', spacecraft: slot.spacecraft, start_time: 0, end_time: 1 });
      expect(await error).toMatchObject({ code: 'INTERNAL_ERROR', id: 'broken' });
      expect(await logged).toMatchObject({ err: failure, subscription: 'broken' });
      // The failed subscription is gone; the same socket replays again.
      await expect(replay.remove('broken')).rejects.toBeInstanceOf(WsServerError);
      const end = replay.next<ReplayBatchMessage>('batch', (b) => b.id === 'again' && b.packets.length === 0);
      await replay.add({ id: 'again', spacecraft: slot.spacecraft, start_time: 0, end_time: 1 });
      await end;
      await stillServing();
      await replay.close();
    });
  });

  // Last: its settle run closes every slot of this file that has ended by then.
  describe('slot lifecycle work', () => {
    it('relay.record-mission-session(-end): the WebSocket session audit cannot be written; logged, the session relays', async () => {
      const slot = await reservedSlot(t, 'wsaudit');
      t.clock.set(new Date(slot.start.getTime() + 60_000));
      const station = await gatewayClient(t, slot.stationKey);
      await station.startRemote(slot.slotId);
      const audit = t.app.get(RelaySessionAudit);
      const connect = () =>
        MissionSocketClient.connect({
          baseUrl: t.baseUrl,
          token: slot.missionKey,
          spacecraft: slot.spacecraft,
        });

      const startFailure = new Error('audit table unreachable at the start');
      jest.spyOn(audit, 'started').mockRejectedValueOnce(startFailure);
      const startLogged = failureLogged(MISSION_SESSION_START_JOB);
      const first = await connect();
      expect(await startLogged).toMatchObject({ err: startFailure, slotId: slot.slotId });
      const downlink = first.next<{ packet: string }>('message');
      await station.sendMsg(frames.downlink('heard'), t.clock.now().toISOString());
      expect(Buffer.from((await downlink).packet, 'base64')).toEqual(frames.downlink('heard'));
      await first.close();

      const second = await connect();
      await second.next('event'); // REMOTE_CONNECTED: attached and audited
      const endFailure = new Error('audit table unreachable at the end');
      jest.spyOn(audit, 'ended').mockRejectedValueOnce(endFailure);
      const endLogged = failureLogged(MISSION_SESSION_END_JOB);
      await second.close();
      expect(await endLogged).toMatchObject({ err: endFailure, slotId: slot.slotId, reason: 'CLOSED' });
      await stillServing();
      station.destroy();
    });

    it('relay.mark-executing: marking the slot EXECUTING fails; logged, the session relays, the slot still completes', async () => {
      const slot = await reservedSlot(t, 'markjobs');
      t.clock.set(new Date(slot.start.getTime() + 60_000));
      const failure = new Error('slots table unreachable');
      const execute = jest.spyOn(t.app.get(SlotLifecycle), 'execute').mockRejectedValueOnce(failure);
      const logged = failureLogged(MARK_EXECUTING_JOB);
      const station = await gatewayClient(t, slot.stationKey);
      expect(await station.startRemote(slot.slotId)).toBe(-2); // REMOTE_NOT_CONNECTED: the session is on
      expect(await logged).toMatchObject({ err: failure, slotId: slot.slotId });
      expect(execute).toHaveBeenCalledTimes(1);
      expect((await station.sendMsg(frames.downlink(), t.clock.now().toISOString())).delivered).toBe(false);
      await stillServing();

      // The session audit proves the slot was used: it completes rather than fails.
      t.clock.set(slot.end);
      await runner.tick(SLOT_END_JOB);
      t.clock.set(new Date(slot.end.getTime() + SETTLE_GRACE_MS));
      await runner.tick(SLOT_SETTLE_JOB);
      const token = await t.login('markjobs-m', 'markjobs-m-password');
      const changes = (await t.rpc('get_changes', [slot.spacecraft], token)).result.ChangedSlots as {
        to: string;
        reason: string;
      }[];
      expect(changes.map((c) => [c.to, c.reason])).toEqual([
        ['RESERVED', 'autoReserve'],
        ['EXECUTING', 'execute'],
        ['COMPLETED', 'complete'],
      ]);
      station.destroy();
    });
  });
});
