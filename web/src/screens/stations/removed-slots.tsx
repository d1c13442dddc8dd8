// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { lastChangePerSlot, readChangeLog } from '../../api/change-log';
import { seg } from '../../api/client';
import { useChanges } from '../../api/session';
import type { Change } from '../../api/types';
import { ErrorNote } from '../../ui/form';
import { timeOfDay, useNow } from '../../ui/format';
import { useLoad } from '../../ui/use-load';
import { DayBar } from './day-bar';

/**
 * The station's booked slots that the server removed (their window stopped existing) and that
 * have not ended yet: no longer listed by the API (docs/api.md "Operational slots"), so read from
 * the change log, then kept current from the live changes.
 */
export function RemovedSlots(props: { station: string }): JSX.Element | null {
  const log = useLoad(() => readChangeLog(`/api/ground-stations/${seg(props.station)}`), props.station);
  const [live, setLive] = useState<Change[]>([]);
  const now = useNow();
  useChanges(
    useCallback(
      (change: Change) => change.gsIdentifier === props.station && setLive((old) => [...old, change]),
      [props.station],
    ),
  );
  const removed = lastChangePerSlot([...(log.data ?? []), ...live])
    .filter((change) => change.to === 'REMOVED' && Date.parse(change.slotEnd) > now)
    .reverse();
  if (removed.length === 0 && !log.error) return null;
  return (
    <>
      <h3>Removed</h3>
      <ErrorNote error={log.error} />
      <ol class="timeline" aria-label="Removed slots">
        {removed.map((change) => (
          <li key={change.slot} class="slot removed" data-slot={change.slot} data-state="REMOVED">
            <DayBar slot={change} />
            <span class="when">
              {change.slotStart.slice(0, 10)} {timeOfDay(change.slotStart)}–{timeOfDay(change.slotEnd)}
            </span>
            <span class="who">
              {change.scIdentifier} · was {change.from.toLowerCase()}
            </span>
            <span class="badge removed">removed</span>
          </li>
        ))}
      </ol>
    </>
  );
}
