// SPDX-License-Identifier: Apache-2.0
import type { Window } from '../api/types';

export interface DayRow {
  /** The local date, YYYY-MM-DD in the view's time zone. */
  day: string;
  /** Available stretches as fractions of that local day (0 = 00:00, 1 = 24:00). */
  segments: { from: number; to: number }[];
}

const DAY_MS = 86_400_000;

/**
 * Availability windows laid out as one row per local calendar day of `timeZone`, `days` days from
 * the day holding `fromMs`. Days are cut at local midnight on the local wall clock, so a day of a
 * DST change still spans the row (its 23 or 25 hours are drawn on a 24-hour scale).
 */
export function weekRows(windows: Window[], timeZone: string, fromMs: number, days = 7): DayRow[] {
  const firstDay = localDate(fromMs, timeZone);
  const rows: DayRow[] = [];
  for (let i = 0; i < days; i++) rows.push({ day: addDays(firstDay, i), segments: [] });
  const index = new Map(rows.map((row, i) => [row.day, i]));
  for (const window of windows) {
    let start = wallClockMs(Date.parse(window.start), timeZone);
    const end = wallClockMs(Date.parse(window.end), timeZone);
    while (start < end) {
      const dayStart = Math.floor(start / DAY_MS) * DAY_MS;
      const stop = Math.min(end, dayStart + DAY_MS);
      const row = index.get(new Date(dayStart).toISOString().slice(0, 10));
      if (row !== undefined)
        rows[row].segments.push({ from: (start - dayStart) / DAY_MS, to: (stop - dayStart) / DAY_MS });
      start = stop;
    }
  }
  return rows;
}

/** The instant's local wall-clock reading in `timeZone`, expressed as if it were UTC milliseconds. */
export function wallClockMs(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall + (instantMs % 1000);
}

function localDate(instantMs: number, timeZone: string): string {
  return new Date(wallClockMs(instantMs, timeZone)).toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(day + 'T00:00:00Z') + n * DAY_MS).toISOString().slice(0, 10);
}
