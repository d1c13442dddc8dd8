// SPDX-License-Identifier: Apache-2.0
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { ORBIT_NOW } from '../helpers/fixtures';
import { TestApp } from '../helpers/test-app';

/** Debian's Chromium (.ci/run installs it with apt); never a browser download. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * One server (real port, own database, the fake clock at the fixture TLEs' epoch) and one headless
 * Chromium per test file; each user gets a browser context of its own (its own localStorage, so
 * its own login), whose clock reads the server's fake clock.
 */
export class ConsoleHarness {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly t: TestApp,
    private readonly browser: Browser,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ConsoleHarness> {
    const t = await TestApp.start(env);
    t.clock.set(ORBIT_NOW);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    });
    return new ConsoleHarness(t, browser);
  }

  /** A new user's browser, on the console's login page, 1280×800 unless said. */
  async page(
    viewport = { width: 1280, height: 800 },
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<Page> {
    const context = await this.browser.newContext({ baseURL: this.t.baseUrl, viewport, colorScheme });
    await context.clock.setFixedTime(this.t.clock.now());
    // Every wait is for a UI condition; one that is not met within 10 s is a failure.
    context.setDefaultTimeout(10_000);
    this.contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    return page;
  }

  /** Moves the server's clock and every browser's with it. */
  async advance(ms: number): Promise<void> {
    await this.setTime(new Date(this.t.clock.now().getTime() + ms));
  }

  async setTime(time: Date): Promise<void> {
    this.t.clock.set(time);
    for (const context of this.contexts) await context.clock.setFixedTime(time);
  }

  async login(page: Page, username: string, password: string): Promise<void> {
    await page.goto('/login');
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  }

  async stop(): Promise<void> {
    await this.browser.close();
    await this.t.stop();
  }
}
