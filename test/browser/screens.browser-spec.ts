// SPDX-License-Identifier: Apache-2.0
// The console's other screens in a real Chromium (issue 12): API keys, unregistering, the admin's
// user list, the station editor's horizon mask and rules; keyboard use, a phone-sized screen and
// the dark colour scheme.
import { ISS_TLE } from '../../src/orbit/test-fixtures';
import { agedIss, spacecraftConfig, stationConfig } from '../helpers/fixtures';
import { channelGroup, fillChannel } from './channel-editor';
import { ConsoleHarness } from './console-harness';
import { expectText } from './expect-text';

describe('console: screens', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('creates an API key shown once, lists it and revokes it', async () => {
    const { password } = await h.t.operator('key-owner');
    const page = await h.page();
    await h.login(page, 'key-owner', password);
    await page.getByRole('link', { name: 'key-owner' }).click();
    await page.getByLabel('Key name').fill('gs-client');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(secret).toMatch(/^snk_/);
    expect((await h.t.http('GET', '/api/me', { token: secret })).status).toBe(200);
    const row = page.locator('tr[data-key="gs-client"]');
    await expectText(row, secret.slice(0, 8));
    expect(await row.textContent()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await expectText(row, 'revoked');
    expect((await h.t.http('GET', '/api/me', { token: secret })).body.error.code).toBe('API_KEY_REVOKED');
  });

  it('unregisters only with the right password, then the account is gone', async () => {
    const { password } = await h.t.operator('leaver');
    await h.t.http('POST', '/api/ground-stations', {
      token: await h.t.login('leaver', password),
      body: stationConfig('LeaverGS'),
    });
    const page = await h.page();
    await h.login(page, 'leaver', password);
    await page.goto('/account');
    const confirm = page.getByLabel('Your password, to confirm');
    await confirm.fill('not-my-password');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await expectText(page.locator('small.error[data-field="password"]'), 'password is incorrect');
    expect((await h.t.http('GET', '/api/ground-stations/LeaverGS')).status).not.toBe(404);

    await confirm.fill(password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    const login = await h.t.http('POST', '/api/auth/login', { body: { username: 'leaver', password } });
    expect(login.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(
      (await h.t.http('GET', '/api/ground-stations/LeaverGS', { token: await h.t.adminToken() })).status,
    ).toBe(404);
  });

  it("lets an admin deny with a reason, suspend and reactivate, each shown in the user's status", async () => {
    await h.t.http('POST', '/api/auth/register', {
      body: {
        username: 'spammer',
        email: 'spam@example.org',
        password: 'spammer-password',
        organisation: 'Spam',
      },
    });
    await h.t.operator('wobbly');
    const admin = await h.page();
    await h.login(admin, 'admin', 'admin-password-1');
    const pending = admin.locator('tr[data-user="spammer"]');
    await pending.getByLabel('Reason for spammer').fill('not a real mission');
    await pending.getByRole('button', { name: 'Deny' }).click();
    await pending.waitFor({ state: 'detached' });
    await admin.getByRole('button', { name: 'denied' }).click();
    await expectText(admin.locator('tr[data-user="spammer"]'), /DENIED.*not a real mission/);

    await admin.getByRole('button', { name: 'All' }).click();
    const row = admin.locator('tr[data-user="wobbly"]');
    await expectText(row.locator('.badge'), 'ACTIVE');
    await row.getByLabel('Reason for wobbly').fill('key leaked');
    await row.getByRole('button', { name: 'Suspend' }).click();
    await expectText(row, /SUSPENDED.*key leaked/);
    expect(
      (
        await h.t.http('POST', '/api/auth/login', {
          body: { username: 'wobbly', password: 'wobbly-password' },
        })
      ).body.error.code,
    ).toBe('ACCOUNT_SUSPENDED');
    await row.getByRole('button', { name: 'Reactivate' }).click();
    await expectText(row.locator('.badge'), 'ACTIVE');
    expect(
      (
        await h.t.http('POST', '/api/auth/login', {
          body: { username: 'wobbly', password: 'wobbly-password' },
        })
      ).status,
    ).toBe(200);
  });

  it('draws the horizon mask as it is typed and saves it with the station', async () => {
    const { password, token } = await h.t.operator('masker');
    await h.t.http('POST', '/api/ground-stations', { token, body: stationConfig('MaskGS') });
    const page = await h.page();
    await h.login(page, 'masker', password);
    await page.goto('/stations/MaskGS');
    await page.getByText('Configuration').click();
    const preview = page.getByRole('img', { name: 'Horizon mask, polar view' }).locator('path.mask');
    expect(await preview.getAttribute('d')).toContain('M0 -90'); // no mask: the rim only
    await page.getByLabel('Horizon mask', { exact: true }).fill('300 30 15\n90 120 10');
    // 15° above the horizon at north: 75 of the plot's 90 units out from the zenith.
    await page.locator('svg.polar path.mask[d*="M0 -75"]').waitFor();
    await page.getByRole('button', { name: 'Save station' }).click();
    await page.getByRole('status').filter({ hasText: 'Configuration saved' }).waitFor();
    await expect(
      h.t.http('GET', '/api/ground-stations/MaskGS', { token }).then((r) => r.body.horizonMask),
    ).resolves.toEqual([
      { fromAzimuth: 300, toAzimuth: 30, minElevation: 15 },
      { fromAzimuth: 90, toAzimuth: 120, minElevation: 10 },
    ]);
  });

  it("edits a station's channels as a form, each API error beside the input it names", async () => {
    const { password, token } = await h.t.operator('channeller');
    await h.t.http('POST', '/api/ground-stations', { token, body: stationConfig('ChanGS') });
    const stored = async () =>
      (await h.t.http('GET', '/api/ground-stations/ChanGS', { token })).body.channels as unknown[];
    const page = await h.page();
    await h.login(page, 'channeller', password);
    await page.goto('/stations/ChanGS');
    await page.getByText('Configuration').click();
    const uhf = channelGroup(page, 1);
    expect(await uhf.getByLabel('Lowest frequency (MHz)').inputValue()).toBe('435');
    expect(await uhf.getByLabel('GMSK', { exact: true }).isChecked()).toBe(true);

    // "Add channel" puts the focus in the new channel, so a keyboard user types on.
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.locator('[id="f-channels.1.channelId"]:focus').waitFor();
    await page.keyboard.type('uhf');
    await fillChannel(page, 2, {
      'Lowest frequency (MHz)': '146',
      'Highest frequency (MHz)': '144',
      'Bandwidths (kHz, comma-separated)': '12.5, 25',
      'Bitrates (bit/s, comma-separated)': '1200 9600',
      Polarizations: ['ANY'],
    });
    const save = page.getByRole('button', { name: 'Save station' });
    await save.click();
    await expectText(page.locator('small.error[data-field="channels.1.modulation"]'), 'should not be empty');
    expect(await channelGroup(page, 2).getByLabel('Channel id').getAttribute('aria-describedby')).toBeNull();

    await fillChannel(page, 2, { Modulations: ['FM', 'GMSK'] });
    await save.click();
    await expectText(
      page.locator('small.error[data-field="channels.1.channelId"]'),
      'duplicate channel id "uhf"',
    );
    const range = page.locator('small.error[data-field="channels.1.frequencyRange.maximum"]');
    await expectText(range, 'minimum must not exceed maximum');
    expect(
      await channelGroup(page, 2).getByLabel('Highest frequency (MHz)').getAttribute('aria-describedby'),
    ).toBe(await range.getAttribute('id'));
    expect(await stored()).toHaveLength(1);

    await fillChannel(page, 2, {
      'Channel id': 'vhf',
      'Lowest frequency (MHz)': '144',
      'Highest frequency (MHz)': '146',
    });
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Configuration saved' }).waitFor();
    expect(await stored()).toEqual([
      stationConfig().channels[0],
      {
        channelId: 'vhf',
        direction: 'BOTH',
        modulation: ['FM', 'GMSK'],
        frequencyRange: { minimum: 144e6, maximum: 146e6 },
        bandwidth: [12500, 25000],
        bitrate: [1200, 9600],
        polarization: ['ANY'],
      },
    ]);

    await page.getByRole('button', { name: 'Remove channel 1' }).click();
    expect(await channelGroup(page, 1).getByLabel('Channel id').inputValue()).toBe('vhf');
    const put = page.waitForResponse(
      (response) => response.request().method() === 'PUT' && response.url().endsWith('/ChanGS'),
    );
    await save.click();
    expect((await put).status()).toBe(200);
    await expect(
      stored().then((channels) => channels.map((c) => (c as { channelId: string }).channelId)),
    ).resolves.toEqual(['vhf']);
  });

  it('warns of an old TLE on the spacecraft page and in its editor, until a fresh one is pasted', async () => {
    const { password, token } = await h.t.operator('stale');
    const old = agedIss(30);
    await h.t.http('POST', '/api/spacecraft', {
      token,
      body: spacecraftConfig('STALESAT', { tracking: { tle: { line1: old.line1, line2: old.line2 } } }),
    });
    const page = await h.page();
    await h.login(page, 'stale', password);
    await page.getByRole('link', { name: 'Spacecraft' }).click();
    await expectText(page.locator('ul.cards li', { hasText: 'STALESAT' }), '1 warning(s)');
    await page.getByRole('link', { name: 'STALESAT' }).click();
    const warning = page.locator('p.warning');
    await expectText(warning, 'the TLE epoch is 30 days old (more than 14); predictions may be off');
    await page.getByText('Configuration').click();
    const tleBox = page.locator('.field', { has: page.getByLabel('TLE (two lines, or three with a name)') });
    await expectText(tleBox.locator('.hint'), 'saved TLE: epoch 2008-08-21 12:25:40Z, 30 days old');

    await page.getByLabel('TLE (two lines, or three with a name)').fill(`${ISS_TLE.line1}\n${ISS_TLE.line2}`);
    await page.getByRole('button', { name: 'Save spacecraft' }).click();
    // The editor is drawn anew with what was saved.
    await tleBox.locator('.hint', { hasText: 'epoch 2008-09-20 12:25:40Z, 0 days old' }).waitFor();
    await warning.waitFor({ state: 'detached' });
  });

  it("shows a rule's field errors from the API beside the fields, and a weekly rule in the week view", async () => {
    const { password, token } = await h.t.operator('ruler');
    await h.t.http('POST', '/api/ground-stations', { token, body: stationConfig('RuleGS') });
    const page = await h.page();
    await h.login(page, 'ruler', password);
    await page.goto('/stations/RuleGS');
    await page.getByLabel('Time zone (IANA)').fill('Mars/Olympus');
    await page.getByLabel('End (HH:mm, 24:00 = midnight)').fill('00:00');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await expectText(page.locator('small.error[data-field="timeZone"]'), 'must be an IANA time zone');
    await expectText(page.locator('small.error[data-field="endTime"]'), 'must differ from startTime');
    expect((await h.t.http('GET', '/api/ground-stations/RuleGS/rules', { token })).body).toEqual([]);

    // Saturdays and Sundays 22:00–06:00 in Madrid (summer time): 2008-09-20 is a Saturday.
    await page.getByLabel('Periodicity').selectOption('WEEKLY');
    await page.getByLabel('SAT').check();
    await page.getByLabel('SUN').check();
    await page.getByLabel('Start (HH:mm)').fill('22:00');
    await page.getByLabel('End (HH:mm, 24:00 = midnight)').fill('06:00');
    await page.getByLabel('Time zone (IANA)').fill('Europe/Madrid');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const week = page.getByRole('table', { name: 'Availability by day, Europe/Madrid' });
    await expectText(week.locator('tr', { hasText: '2008-09-21' }), '00:00–06:00, 22:00–24:00');
    await expectText(week.locator('tr', { hasText: '2008-09-22' }), '00:00–06:00');
  });

  it('works by keyboard alone: log in, move through the menu, act', async () => {
    const { password } = await h.t.operator('keyboarder');
    const page = await h.page();
    await page.goto('/login');
    await page.keyboard.press('Tab'); // the skip link
    await page.keyboard.press('Tab');
    await page.keyboard.type('keyboarder');
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('link', { name: 'keyboarder' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await page.getByLabel('Key name').focus();
    await page.keyboard.type('typed');
    await page.keyboard.press('Enter');
    await page.getByTestId('new-key').waitFor();
    // Focus is drawn, so a keyboard user sees where it is.
    await page.keyboard.press('Tab');
    // (Functions given as text run in the page, beyond the server's TypeScript types.)
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
  });

  it('fits a phone-sized screen without sideways scrolling, in the dark scheme when the system asks', async () => {
    const { password, token } = await h.t.operator('phoner');
    await h.t.http('POST', '/api/ground-stations', { token, body: stationConfig('PhoneGS') });
    const page = await h.page({ width: 390, height: 844 }, 'dark');
    await h.login(page, 'phoner', password);
    for (const path of ['/stations/PhoneGS', '/spacecraft', '/account']) {
      await page.goto(path);
      await page.locator('main h1').waitFor();
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect([path, overflow]).toEqual([path, 0]);
    }
    const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(150);
  });
});
