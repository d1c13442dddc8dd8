// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

/** The channel editor's inputs that are selects (web/src/ui/channel-rows.ts); the others are typed. */
const SELECTS = new Set(['Direction', 'Modulation', 'Polarization']);

/** Channel `number` (from 1) of the editor on the page, as a group of labelled inputs. */
export function channelGroup(page: Page, number: number): Locator {
  return page.getByRole('group', { name: `Channel ${number}`, exact: true });
}

/**
 * Fills channel `number` as a user would, by the inputs' labels: text is typed, a select takes the
 * option named, and a list of names sets exactly those checkboxes of a group (Modulations, …).
 */
export async function fillChannel(
  page: Page,
  number: number,
  values: Record<string, string | string[]>,
): Promise<void> {
  const group = channelGroup(page, number);
  for (const [label, value] of Object.entries(values)) {
    if (Array.isArray(value)) {
      const boxes = group.getByRole('group', { name: label, exact: true }).getByRole('checkbox');
      for (let i = 0; i < (await boxes.count()); i++) {
        const option = (await boxes.nth(i).locator('xpath=..').textContent())?.trim() ?? '';
        await boxes.nth(i).setChecked(value.includes(option));
      }
    } else if (SELECTS.has(label)) await group.getByLabel(label, { exact: true }).selectOption(value);
    else await group.getByLabel(label, { exact: true }).fill(value);
  }
}
