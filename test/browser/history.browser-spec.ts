// SPDX-License-Identifier: Apache-2.0
// The station's side of a slot that is over (issue 12 "History"): the station owner finds it among
// the past slots, reads its final report and packets, and exports them.
import { readFileSync } from 'node:fs';
import { JobRunner } from '../../src/common/jobs';
import { SLOT_END_JOB } from '../../src/relay/relay.service';
import { SETTLE_GRACE_MS, SLOT_SETTLE_JOB } from '../../src/relay/slot-settlement';
import { frames, gatewayClient, reservedSlot, type ReservedSlot } from '../helpers/relay-fixture';
import { ConsoleHarness } from './console-harness';
import { expectText } from './expect-text';

describe('console: a past slot, from the station', () => {
  let h: ConsoleHarness;
  let slot: ReservedSlot;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    // A slot used by both sides (one frame each way), then ended and settled by the server's jobs.
    slot = await reservedSlot(h.t, 'Past');
    await h.setTime(new Date(slot.start.getTime() + 10_000));
    const station = await gatewayClient(h.t, slot.stationKey);
    const mission = await gatewayClient(h.t, slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);
    expect((await station.sendMsg(frames.downlink('telemetry'), h.t.clock.nowMs())).delivered).toBe(true);
    expect((await mission.sendMsg(frames.uplink('ping'), h.t.clock.nowMs())).delivered).toBe(true);
    await h.setTime(slot.end);
    await h.t.app.get(JobRunner).tick(SLOT_END_JOB);
    await h.setTime(new Date(slot.end.getTime() + SETTLE_GRACE_MS));
    await h.t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);
    await station.close();
    await mission.close();
  });

  afterAll(async () => {
    await h.stop();
  });

  it("lists the completed slot on the station's page and shows its report, packets and export", async () => {
    const page = await h.page();
    await h.login(page, 'Past-gs', 'Past-gs-password');
    await page.goto('/stations/PastGS');
    const past = page.getByRole('list', { name: 'Past slots' }).locator(`li[data-slot="${slot.slotId}"]`);
    await expectText(past, /PastSAT.*completed/);
    // No longer in the schedule: slots are listed until they end.
    expect(await page.locator(`ol.timeline li[data-slot="${slot.slotId}"]`).count()).toBe(0);

    await past.getByRole('link', { name: 'Packets & report' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), `PastSAT at PastGS ${slot.slotId}`);
    const report = page.getByRole('region', { name: 'Slot report' });
    await expectText(report.getByRole('heading', { name: /Report/ }), 'COMPLETED (final)');
    await expectText(report.locator('tr[data-direction="downlink"]'), '1 frame, 13 B');
    await expectText(report.locator('tr[data-direction="uplink"]'), '1 frame, 8 B');
    await expectText(report.locator('li', { hasText: 'station' }), /station over tls \(Past-gs\).*SLOT_END/);
    const packets = page.getByRole('list', { name: 'Packets' }).locator('li');
    await packets.nth(1).waitFor();
    expect(await packets.count()).toBe(2);
    await expectText(packets.nth(0), 'telemetry');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export SNPK (binary)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`PastGS-packets-${slot.slotId}.snpk`);
    const bytes = readFileSync(await file.path());
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from('SNPK\x01', 'latin1'));
    // The two frames are in the file, in the order the list shows them.
    const downlinkAt = bytes.indexOf(frames.downlink('telemetry'));
    expect(downlinkAt).toBeGreaterThan(0);
    expect(bytes.indexOf(frames.uplink('ping'))).toBeGreaterThan(downlinkAt);
  });
});
