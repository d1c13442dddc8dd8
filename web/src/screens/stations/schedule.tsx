// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import { useChanges } from '../../api/session';
import type { Change, Slot } from '../../api/types';
import { Link } from '../../router';
import { ErrorNote, useAction } from '../../ui/form';
import { countdown, timeOfDay, useNow } from '../../ui/format';
import { useLoad } from '../../ui/use-load';
import { DayBar } from './day-bar';
import { RemovedSlots } from './removed-slots';

/**
 * A station's schedule (docs/api.md "Operational slots"): every live slot by day, held ones with
 * their hold's countdown, reserved ones with the mission's operator and channels. Booking changes
 * of this station arriving on /ws/events reload it.
 */
export function StationSchedule(props: { station: string }): JSX.Element {
  const path = `/api/ground-stations/${seg(props.station)}`;
  const slots = useLoad(() => api<Slot[]>('GET', `${path}/slots?limit=500`), props.station);
  const [showFree, setShowFree] = useState(false);
  const now = useNow();
  useChanges(
    useCallback(
      (change: Change) => change.gsIdentifier === props.station && slots.reload(),
      [props.station, slots.reload],
    ),
  );
  const act = useAction(async (route: string, slot: string) => {
    await api('POST', `${path}/${route}`, { slots: [slot] });
    slots.reload();
  });
  const shown = (slots.data ?? []).map((slot) => ({ slot, state: effectiveState(slot, now) }));
  const visible = shown.filter(({ state }) => showFree || state !== 'FREE');
  return (
    <section>
      <h2>Schedule</h2>
      <label class="check">
        <input type="checkbox" checked={showFree} onChange={(e) => setShowFree(e.currentTarget.checked)} />{' '}
        Show free slots ({shown.filter((s) => s.state === 'FREE').length})
      </label>
      <ErrorNote error={slots.error} />
      <ErrorNote error={act.error} />
      {visible.length === 0 && slots.data && (
        <p>No booked slots{showFree ? ' or free slots' : ''} in the planning horizon.</p>
      )}
      <ol class="timeline" aria-label="Slots of the station">
        {visible.map(({ slot, state }) => (
          <li
            key={slot.identifier}
            class={`slot ${state.toLowerCase()}`}
            data-slot={slot.identifier}
            data-state={state}
          >
            <DayBar slot={slot} />
            <span class="when">
              {slot.slotStart.slice(0, 10)} {timeOfDay(slot.slotStart)}–{timeOfDay(slot.slotEnd)}
            </span>
            <span class="who">
              {slot.scIdentifier} · {slot.gsChannel}/{slot.scChannel}
              {slot.mOperator && (
                <>
                  {' '}
                  · <strong>{slot.mOperator.username}</strong> ({slot.mOperator.organisation})
                </>
              )}
            </span>
            <span class={`badge ${state.toLowerCase()}`}>
              {state === 'SELECTED'
                ? `held ${countdown(slot.holdExpiresAt ?? '', now)}`
                : state.toLowerCase()}
            </span>
            <span class="actions">
              {state === 'SELECTED' && (
                <>
                  <button
                    type="button"
                    disabled={act.busy}
                    onClick={() => act.run('slots/confirm', slot.identifier)}
                  >
                    Confirm
                  </button>
                  <button
                    type="button"
                    disabled={act.busy}
                    onClick={() => act.run('slots/deny', slot.identifier)}
                  >
                    Deny
                  </button>
                </>
              )}
              {state === 'RESERVED' && (
                <button
                  type="button"
                  disabled={act.busy}
                  onClick={() => act.run('reservations/cancel', slot.identifier)}
                >
                  Cancel
                </button>
              )}
              {['RESERVED', 'EXECUTING'].includes(state) && (
                <Link href={`/live/ground-stations/${seg(slot.gsIdentifier)}/${slot.identifier}`}>Live</Link>
              )}
              {['RESERVED', 'EXECUTING', 'COMPLETED', 'FAILED'].includes(state) && (
                <Link href={`/history/ground-stations/${seg(slot.gsIdentifier)}/${slot.identifier}`}>
                  Packets &amp; report
                </Link>
              )}
            </span>
          </li>
        ))}
      </ol>
      <RemovedSlots station={props.station} />
    </section>
  );
}

/** A hold is over at its expiry instant whatever the sweeper has stored yet (docs/api.md "Holds"). */
export function effectiveState(slot: Slot, nowMs: number): Slot['state'] {
  if (slot.state === 'SELECTED' && slot.holdExpiresAt && Date.parse(slot.holdExpiresAt) <= nowMs)
    return 'FREE';
  return slot.state;
}
