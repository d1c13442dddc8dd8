// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';

/** Where a slot falls in its UTC day. */
export function DayBar(props: { slot: { slotStart: string; slotEnd: string } }): JSX.Element {
  const day = Date.parse(props.slot.slotStart.slice(0, 10) + 'T00:00:00Z');
  const from = (Date.parse(props.slot.slotStart) - day) / 864e5;
  const to = Math.min(1, (Date.parse(props.slot.slotEnd) - day) / 864e5);
  return (
    <span class="day-bar" aria-hidden="true">
      <span class="mark" style={{ left: `${from * 100}%`, width: `max(2px, ${(to - from) * 100}%)` }} />
    </span>
  );
}
