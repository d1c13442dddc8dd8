// SPDX-License-Identifier: Apache-2.0
// A station owner opens the live view of a reserved slot from the station's schedule: the slot's
// state change and sessions as the clients join, each frame in both directions as it passes, and,
// opened again mid-pass, the frames that already passed (issue 12 "Live slot").
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
  const clients: GatewayClient[] = [];
  /** A gateway client of the slot, in it. */
  const join = async (key: string) => {
    const client = await gatewayClient(h.t, key);
    clients.push(client);
    await client.startRemote(slot.slotId);
    return client;
  };

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    slot = await reservedSlot(h.t, 'Watch');
    await h.setTime(new Date(slot.start.getTime() + 10_000));
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await h.stop();
  });

  it('shows the slot going live and frames in both directions, then, reopened, those sent before', async () => {
    const page = await h.page();
    await h.login(page, 'Watch-gs', 'Watch-gs-password');
    await page.goto('/stations/WatchGS');
    await page.locator('.live-dot.live').waitFor(); // booking changes are followed from now on
    await page
      .getByRole('list', { name: 'Slots of the station' })
      .locator(`li[data-slot="${slot.slotId}"]`)
      .getByRole('link', { name: 'Live' })
      .click();
    await expectText(page.locator('[data-stream]'), 'Frames: live');
    // Read-only: a station owner's view has nothing to send with.
    expect(await page.getByRole('textbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(0);

    const station = await join(slot.stationKey);
    await expectText(page.locator('li[data-kind="event"]'), 'RESERVED → EXECUTING');
    const sessions = page.getByRole('list', { name: 'Sessions' });
    await expectText(sessions.locator('li[data-side="station"]'), 'station over tls (Watch-gs)');
    const mission = await join(slot.missionKey);

    const early = { down: frames.downlink('early'), up: frames.uplink('early-cmd') };
    expect((await station.sendMsg(early.down, h.t.clock.now().toISOString())).delivered).toBe(true);
    expect((await mission.sendMsg(early.up, h.t.clock.now().toISOString())).delivered).toBe(true);
    const downlinks = page.locator('li[data-kind="downlink"]');
    const uplinks = page.locator('li[data-kind="uplink"]');
    await expectText(downlinks, /downlink 9 B RELAYED · Doppler -?\d+(\.\d)? kHz/);
    await expectText(downlinks.locator('pre'), dumpRow(early.down));
    await expectText(uplinks, /uplink 13 B RELAYED · Doppler -?\d+(\.\d)? kHz/);
    await expectText(uplinks.locator('pre'), dumpRow(early.up));

    // Opened again mid-pass: what already passed is played back from the slot's start.
    await page.reload();
    await expectText(page.locator('[data-stream]'), 'Frames: live');
    await expectText(downlinks.locator('pre'), dumpRow(early.down));
    await expectText(uplinks.locator('pre'), dumpRow(early.up));
    await expectText(sessions.locator('li[data-side="mission"]'), 'mission over tls (Watch-m)');

    const late = { down: frames.downlink('late'), up: frames.uplink('late-cmd') };
    await h.advance(1000);
    await station.sendMsg(late.down, h.t.clock.now().toISOString());
    await mission.sendMsg(late.up, h.t.clock.now().toISOString());
    await expectText(downlinks.filter({ hasText: 'late' }).locator('pre'), dumpRow(late.down));
    await expectText(uplinks.filter({ hasText: 'late-cmd' }), /#2 uplink 12 B RELAYED/);
    await expectText(uplinks.filter({ hasText: 'late-cmd' }).locator('pre'), dumpRow(late.up));
    // Newest first, each frame once: the live frames above the ones played back.
    expect(await page.locator('li[data-kind] pre').allTextContents()).toEqual(
      [late.up, late.down, early.up, early.down].map((frame) => expect.stringContaining(dumpRow(frame))),
    );
  });
});
