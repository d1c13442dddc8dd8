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
import { effectiveState } from '../stations/schedule';

/**
 * Bookable slots across stations and the mission's own bookings (docs/api.md "Operational slots"):
 * select (held until the station confirms; countdown), cancel a selection or a reservation.
 */
export function SpacecraftSlots(props: { spacecraft: string }): JSX.Element {
  const path = `/api/spacecraft/${seg(props.spacecraft)}`;
  const slots = useLoad(() => api<Slot[]>('GET', `${path}/slots?limit=500`), props.spacecraft);
  const [station, setStation] = useState('');
  const now = useNow();
  useChanges(
    useCallback(
      (change: Change) => change.scIdentifier === props.spacecraft && slots.reload(),
      [props.spacecraft, slots.reload],
    ),
  );
  const act = useAction(async (route: string, slot: string) => {
    await api('POST', `${path}/${route}`, { slots: [slot] });
    slots.reload();
  });
  const all = (slots.data ?? []).map((slot) => ({ slot, state: effectiveState(slot, now) }));
  const mine = all.filter(({ state }) => state !== 'FREE');
  const stations = [...new Set(all.map(({ slot }) => slot.gsIdentifier))].sort();
  const free = all.filter(
    ({ state, slot }) => state === 'FREE' && (!station || slot.gsIdentifier === station),
  );
  const row = ({ slot, state }: { slot: Slot; state: Slot['state'] }) => (
    <tr
      key={slot.identifier}
      data-slot={slot.identifier}
      data-state={state}
      class={`slot ${state.toLowerCase()}`}
    >
      <td>{slot.gsIdentifier}</td>
      <td>
        {slot.slotStart.slice(0, 10)} {timeOfDay(slot.slotStart)}–{timeOfDay(slot.slotEnd)}
      </td>
      <td>
        {slot.gsChannel}/{slot.scChannel}
      </td>
      <td>{slot.maxElevation.toFixed(1)}°</td>
      <td>
        <span class={`badge ${state.toLowerCase()}`}>
          {state === 'SELECTED' ? `held ${countdown(slot.holdExpiresAt ?? '', now)}` : state.toLowerCase()}
        </span>
      </td>
      <td class="actions">
        {state === 'FREE' && (
          <button type="button" disabled={act.busy} onClick={() => act.run('slots/select', slot.identifier)}>
            Select
          </button>
        )}
        {state === 'SELECTED' && (
          <button type="button" disabled={act.busy} onClick={() => act.run('slots/cancel', slot.identifier)}>
            Cancel selection
          </button>
        )}
        {state === 'RESERVED' && (
          <button
            type="button"
            disabled={act.busy}
            onClick={() => act.run('reservations/cancel', slot.identifier)}
          >
            Cancel reservation
          </button>
        )}
        {(state === 'RESERVED' || state === 'EXECUTING') && (
          <Link href={`/live/${seg(slot.scIdentifier)}/${slot.identifier}`}>Live</Link>
        )}
        {['RESERVED', 'EXECUTING', 'COMPLETED', 'FAILED'].includes(state) && (
          <Link href={`/history/spacecraft/${seg(slot.scIdentifier)}/${slot.identifier}`}>
            Packets &amp; report
          </Link>
        )}
      </td>
    </tr>
  );
  const head = (
    <thead>
      <tr>
        <th>Station</th>
        <th>Time (UTC)</th>
        <th>Channels</th>
        <th>Max el.</th>
        <th>State</th>
        <th>Actions</th>
      </tr>
    </thead>
  );
  return (
    <section>
      <ErrorNote error={slots.error} />
      <ErrorNote error={act.error} />
      <h2>My bookings</h2>
      {mine.length === 0 ? (
        <p>No selection or reservation.</p>
      ) : (
        <table class="slots" aria-label="My bookings">
          {head}
          <tbody>{mine.map(row)}</tbody>
        </table>
      )}
      <h2>Bookable slots</h2>
      <label>
        Station{' '}
        <select value={station} onChange={(e) => setStation(e.currentTarget.value)}>
          <option value="">all</option>
          {stations.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      {slots.data && free.length === 0 && (
        <p>No free slot: no compatible, available station has a pass in the planning horizon.</p>
      )}
      <table class="slots" aria-label="Bookable slots">
        {head}
        <tbody>{free.map(row)}</tbody>
      </table>
    </section>
  );
}
