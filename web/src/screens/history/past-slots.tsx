// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useCallback } from 'preact/hooks';
import { api, seg } from '../../api/client';
import { useChanges } from '../../api/session';
import type { Change } from '../../api/types';
import { Link } from '../../router';
import { ErrorNote } from '../../ui/form';
import { timeOfDay } from '../../ui/format';
import { useLoad } from '../../ui/use-load';

/** A page of the change log is full at this many changes (docs/api.md "Change log and cursors"). */
const CHANGES_PER_PAGE = 500;
/** Enough pages for months of a busy station; the newest slots are the ones shown anyway. */
const MAX_PAGES = 20;
const SHOWN = 20;

/**
 * The slots of a station or spacecraft that are over (`COMPLETED` or `FAILED`), newest first, each
 * with a link to its report and packets. Slots are no longer listed once they end (docs/api.md
 * "Slot lifecycle"); the change log still has them, so this reads it.
 */
export function PastSlots(props: {
  kind: 'spacecraft' | 'ground-stations';
  identifier: string;
}): JSX.Element {
  const base = `/api/${props.kind}/${seg(props.identifier)}`;
  const changes = useLoad(() => changeLog(base), `${props.kind}/${props.identifier}`);
  useChanges(
    useCallback(
      (change: Change) =>
        isFinal(change) &&
        (props.kind === 'spacecraft' ? change.scIdentifier : change.gsIdentifier) === props.identifier &&
        changes.reload(),
      [props.kind, props.identifier, changes.reload],
    ),
  );
  const past = pastSlots(changes.data ?? []).slice(0, SHOWN);
  return (
    <section>
      <h2>Past slots</h2>
      <ErrorNote error={changes.error} />
      {changes.data && past.length === 0 && <p>No slot has been operated yet.</p>}
      <ul class="past-slots" aria-label="Past slots">
        {past.map((change) => (
          <li key={change.slot} data-slot={change.slot} data-state={change.to}>
            {change.slotStart.slice(0, 10)} {timeOfDay(change.slotStart)}–{timeOfDay(change.slotEnd)}{' '}
            {props.kind === 'spacecraft' ? change.gsIdentifier : change.scIdentifier}{' '}
            <span class={`badge ${change.to.toLowerCase()}`}>{change.to.toLowerCase()}</span>{' '}
            <Link href={`/history/${props.kind}/${seg(props.identifier)}/${change.slot}`}>
              Packets &amp; report
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

async function changeLog(base: string): Promise<Change[]> {
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

function isFinal(change: Change): boolean {
  return change.to === 'COMPLETED' || change.to === 'FAILED';
}

/** The slots whose last change closed them, the latest slot first. */
export function pastSlots(changes: Change[]): Change[] {
  const last = new Map<string, Change>();
  for (const change of changes) last.set(change.slot, change);
  return [...last.values()].filter(isFinal).sort((a, b) => b.slotEnd.localeCompare(a.slotEnd));
}
