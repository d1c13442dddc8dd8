// SPDX-License-Identifier: Apache-2.0
// A mission watches its reserved slot live in the console, sends a frame from it, then reads the
// slot's report and packets and exports them (issue 12 "Live slot", "History").
import { readFileSync } from 'node:fs';
import type { GatewayClient } from '../../src/client/gateway-client';
import { gatewayClient, next, frames, reservedSlot, type ReservedSlot } from '../helpers/relay-fixture';
import { ConsoleHarness } from './console-harness';
import { expectText } from './expect-text';

describe('console: live slot and history', () => {
  let h: ConsoleHarness;
  let slot: ReservedSlot;
  let station: GatewayClient;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    slot = await reservedSlot(h.t, 'Live');
    await h.setTime(new Date(slot.start.getTime() + 10_000));
    station = await gatewayClient(h.t, slot.stationKey);
    await station.startRemote(slot.slotId);
  });

  afterAll(async () => {
    await station.close();
    await h.stop();
  });

  it('shows downlinks and acknowledged uplinks as they pass, then the report, packets and export', async () => {
    const page = await h.page();
    await h.login(page, 'Live-m', 'Live-m-password');
    await page.goto('/spacecraft/LiveSAT');
    await page
      .getByRole('table', { name: 'My bookings' })
      .locator(`tr[data-slot="${slot.slotId}"]`)
      .getByRole('link', { name: 'Live' })
      .click();
    await expectText(page.locator('[data-session]'), 'Session: open');
    await expectText(page.locator('li[data-kind="event"]'), 'REMOTE_CONNECTED');

    const sent = await station.sendMsg(frames.downlink('telemetry'), h.t.clock.now().getTime());
    expect(sent.delivered).toBe(true);
    const downlink = page.locator('li[data-kind="downlink"]');
    await expectText(downlink, /downlink 13 B · Doppler -?\d+(\.\d)? kHz/);
    const bytes = [...frames.downlink('telemetry')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    await expectText(downlink.locator('pre'), `0000  ${bytes}`);
    await expectText(downlink.locator('pre'), 'telemetry');

    const atStation = next<[Buffer]>(station, 'notifyMsg');
    await page
      .getByLabel('Uplink frame (hex, a whole CSP packet)')
      .fill(frames.uplink('ping').toString('hex'));
    await page.getByRole('button', { name: 'Send' }).click();
    expect((await atStation)[0]).toEqual(frames.uplink('ping'));
    await expectText(page.locator('li[data-kind="uplink"]'), 'uplink 8 B stored and relayed');

    // A typo in the hex is refused by the page itself; nothing is sent.
    await page.getByLabel('Uplink frame (hex, a whole CSP packet)').fill('abc');
    await page.getByRole('button', { name: 'Send' }).click();
    await expectText(page.getByRole('alert'), 'even number of hex digits');

    await page.goto(`/history/spacecraft/LiveSAT/${slot.slotId}`);
    const report = page.getByRole('region', { name: 'Slot report' });
    await expectText(report.locator('tr[data-direction="downlink"]'), '1 frame, 13 B');
    await expectText(report.locator('tr[data-direction="uplink"]'), '1 frame, 8 B');
    const packets = page.getByRole('list', { name: 'Packets' }).locator('li');
    await packets.nth(1).waitFor();
    expect(await packets.count()).toBe(2);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON Lines' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`LiveSAT-packets-${slot.slotId}.jsonl`);
    const lines = readFileSync(await file.path(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((p) => [p.direction, Buffer.from(p.data, 'base64')])).toEqual([
      ['DOWNLINK', frames.downlink('telemetry')],
      ['UPLINK', frames.uplink('ping')],
    ]);
  });
});
