// SPDX-License-Identifier: Apache-2.0
import type { Locator } from 'playwright-core';

/**
 * Waits until the element's text contains `expected` (or matches it), as the UI updates: a wait on
 * a UI condition, bounded by the context's default timeout, never a sleep.
 */
export async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  const first = locator.first();
  const handle = await first.elementHandle();
  const pattern = typeof expected === 'string' ? null : { source: expected.source, flags: expected.flags };
  const literal = typeof expected === 'string' ? expected : null;
  try {
    await first.page().waitForFunction(
      ({ element, pattern, literal }) => {
        const text = element?.textContent ?? '';
        return pattern ? new RegExp(pattern.source, pattern.flags).test(text) : text.includes(literal ?? '');
      },
      { element: handle, pattern, literal },
    );
  } catch (error) {
    const actual = (await first.textContent()) ?? '';
    throw new Error(`expected ${String(expected)} in "${actual}": ${(error as Error).message}`);
  }
}
