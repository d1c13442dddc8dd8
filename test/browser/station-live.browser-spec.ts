// SPDX-License-Identifier: Apache-2.0
// A station owner opens the live view of a reserved slot from the station's schedule during the
// pass: the frames that already passed, then each new one, in both directions (issue 12 "Live slot").
import type { GatewayClient } from '../../src/client/gateway-client';
import { frames, gatewayClient, reservedSlot, type ReservedSlot } from '../helpers/relay-fixture';
import { ConsoleHarness } from './console-harness';
import { expectText } from './expect-text';

/** How the console's hex dump shows a short frame: its offset and bytes on one row. */
const dumpRow = (frame: Buffer) =>
  `0000  ${[...frame].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;

describe('console: a station owner watches a slot live', () => {
  let h: ConsoleHarness;
  let slot: ReservedSlot;
  let station: GatewayClient;
  let mission: GatewayClient;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    slot = await reservedSlot(h.t, 'Watch');
    await h.setTime(new Date(slot.start.getTime() + 10_000));
    station = await gatewayClient(h.t, slot.stationKey);
    await station.startRemote(slot.slotId);
    mission = await gatewayClient(h.t, slot.missionKey);
    await mission.startRemote(slot.slotId);
  });

  afterAll(async () => {
    await station.close();
    await mission.close();
    await h.stop();
  });

  it('shows the frames sent before the page opened, then new ones in both directions, read-only', async () => {
    const early = { down: frames.downlink('early'), up: frames.uplink('early-cmd') };
    expect((await station.sendMsg(early.down, h.t.clock.now().toISOString())).delivered).toBe(true);
    expect((await mission.sendMsg(early.up, h.t.clock.now().toISOString())).delivered).toBe(true);

    const page = await h.page();
    await h.login(page, 'Watch-gs', 'Watch-gs-password');
    await page.goto('/stations/WatchGS');
    await page
      .getByRole('list', { name: 'Slots of the station' })
      .locator(`li[data-slot="${slot.slotId}"]`)
      .getByRole('link', { name: 'Live' })
      .click();
    await expectText(page.locator('[data-stream]'), 'Frames: live');
    const downlinks = page.locator('li[data-kind="downlink"]');
    const uplinks = page.locator('li[data-kind="uplink"]');
    await expectText(downlinks, /downlink 9 B RELAYED · Doppler -?\d+(\.\d)? kHz/);
    await expectText(downlinks.locator('pre'), dumpRow(early.down));
    await expectText(uplinks, /uplink 13 B RELAYED · Doppler -?\d+(\.\d)? kHz/);
    await expectText(uplinks.locator('pre'), dumpRow(early.up));
    const sessions = page.getByRole('list', { name: 'Sessions' });
    await expectText(sessions.locator('li[data-side="station"]'), 'station over tls (Watch-gs)');
    await expectText(sessions.locator('li[data-side="mission"]'), 'mission over tls (Watch-m)');
    // Read-only: a station owner's view has nothing to send with.
    expect(await page.getByRole('textbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(0);

    const late = { down: frames.downlink('late'), up: frames.uplink('late-cmd') };
    await h.advance(1000);
    await station.sendMsg(late.down, h.t.clock.now().toISOString());
    await mission.sendMsg(late.up, h.t.clock.now().toISOString());
    // Newest first: the live frames above the ones played back.
    await expectText(uplinks.first().locator('pre'), dumpRow(late.up));
    await expectText(downlinks.first().locator('pre'), dumpRow(late.down));
    expect(await downlinks.count()).toBe(2);
    expect(await uplinks.count()).toBe(2);
    await expectText(page.locator('li[data-kind]').first(), /#2 uplink 12 B RELAYED/);
  });
});
