// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useCallback } from 'preact/hooks';
import { readChangeLog, lastChangePerSlot } from '../../api/change-log';
import { seg } from '../../api/client';
import { useChanges } from '../../api/session';
import type { Change } from '../../api/types';
import { Link } from '../../router';
import { ErrorNote } from '../../ui/form';
import { timeOfDay } from '../../ui/format';
import { useLoad } from '../../ui/use-load';

const SHOWN = 20;

/**
 * The slots of a station or spacecraft that are over (`COMPLETED` or `FAILED`), newest first, each
 * with a link to its report and packets (docs/api.md "Slot lifecycle").
 */
export function PastSlots(props: {
  kind: 'spacecraft' | 'ground-stations';
  identifier: string;
}): JSX.Element {
  const base = `/api/${props.kind}/${seg(props.identifier)}`;
  const changes = useLoad(() => readChangeLog(base), `${props.kind}/${props.identifier}`);
  useChanges(
    useCallback(
      (change: Change) =>
        isFinal(change) &&
        (props.kind === 'spacecraft' ? change.scIdentifier : change.gsIdentifier) === props.identifier &&
        changes.reload(),
      [props.kind, props.identifier, changes.reload],
    ),
  );
  const past = lastChangePerSlot(changes.data ?? [])
    .filter(isFinal)
    .slice(0, SHOWN);
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

function isFinal(change: Change): boolean {
  return change.to === 'COMPLETED' || change.to === 'FAILED';
}
