// SPDX-License-Identifier: Apache-2.0
import { api } from './client';
import type { Change } from './types';

/** A page of the change log is full at this many changes (docs/api.md "Change log and cursors"). */
const CHANGES_PER_PAGE = 500;
/** Enough pages for months of a busy station; older changes are left unread. */
const MAX_PAGES = 20;

/**
 * The change log of a station or spacecraft (`base`: its API path), oldest first. Slots that are
 * over, denied, cancelled or removed are no longer listed (docs/api.md "Operational slots"); the
 * log is where the console finds them.
 */
export async function readChangeLog(base: string): Promise<Change[]> {
  const all: Change[] = [];
  let cursor = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api<{ changes: Change[]; nextCursor: number }>(
      'GET',
      `${base}/changes?cursor=${cursor}`,
    );
    all.push(...answer.changes);
    if (answer.changes.length < CHANGES_PER_PAGE) break;
    cursor = answer.nextCursor;
  }
  return all;
}

/** Each slot's latest change (changes oldest first), the slot ending last first. */
export function lastChangePerSlot(changes: Change[]): Change[] {
  const last = new Map<string, Change>();
  for (const change of changes) last.set(change.slot, change);
  return [...last.values()].sort((a, b) => b.slotEnd.localeCompare(a.slotEnd));
}
