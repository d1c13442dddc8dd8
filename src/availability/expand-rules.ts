// SPDX-License-Identifier: Apache-2.0
import { IANAZone } from 'luxon';
import { type FieldError } from '../common/errors';
import { intersectWindows, subtractWindows, type TimeWindow } from '../common/time-window';
import {
  type AvailabilityRuleSpec,
  isKnownTimeZone,
  MINUTES_PER_DAY,
  parseTimeOfDay,
  RULE_OPERATIONS,
  RULE_PERIODICITIES,
  ruleTimeZone,
  validateRuleSpec,
  type Weekday,
  WEEKDAYS,
} from './availability-rule';

/**
 * Availability = union of ADD windows minus union of REMOVE windows, clipped to [from, to)
 * (DESIGN.md §3 "Availability rules").
 *
 * Occurrences are generated per local calendar day of each rule's time zone, from the day before
 * `from` (a window that crosses midnight can reach into `from`) to the day of `to`. A rule's wall
 * times become instants as follows, deliberately, at daylight-saving changes:
 *
 * - A wall time the clocks skip (spring forward: 02:00–02:59 on 29 March 2026 in Europe/Madrid)
 *   means the instant the clocks jump to (03:00 CEST). So a window keeps exactly the wall times
 *   that exist: 01:00–02:30 ends at 03:00 CEST, and 02:00–02:30 is empty that day. (luxon's own
 *   default would shift 02:30 forward to 03:30 and invent half an hour nobody declared.)
 * - A wall time that happens twice (fall back: 02:00–02:59 on 25 October 2026) means its first
 *   occurrence, in summer time (02:30 CEST). So 02:30–02:45 is one quarter of an hour, and
 *   01:00–04:00 covers four real hours. (luxon's default picks the later, winter-time instant.)
 *
 * Rules are validated when written (validateRuleSpec). A stored rule expansion cannot read (bad
 * times, zone, operation or periodicity) is a bug, so it throws InvalidRuleError rather than
 * return availability that silently ignores the rule.
 */
export function expandRules(
  rules: readonly AvailabilityRuleSpec[],
  from: Date,
  to: Date,
  channelId?: string,
): TimeWindow[] {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new RangeError('expandRules needs valid from and to dates');
  if (from >= to) return [];
  const calendars = new Map<string, LocalDay[]>();
  const added: TimeWindow[] = [];
  const removed: TimeWindow[] = [];
  for (const rule of rules) {
    if (!appliesTo(rule, channelId)) continue;
    const compiled = compileRule(rule);
    let days = calendars.get(compiled.zone);
    if (days === undefined) calendars.set(compiled.zone, (days = localDays(compiled.zone, from, to)));
    (rule.operation === 'ADD' ? added : removed).push(...occurrences(compiled, days));
  }
  return intersectWindows(subtractWindows(added, removed), [{ start: from, end: to }]);
}

export class InvalidRuleError extends Error {
  constructor(
    readonly rule: AvailabilityRuleSpec,
    readonly fields: FieldError[],
  ) {
    super(
      `Invalid availability rule: ${fields.map((error) => `${error.field} ${error.message}`).join('; ')}`,
    );
    this.name = 'InvalidRuleError';
  }
}

/** Station-wide rules always apply; a channel's rules only when that channel is asked for. */
function appliesTo(rule: AvailabilityRuleSpec, channelId: string | undefined): boolean {
  return rule.channelId == null || (channelId !== undefined && rule.channelId === channelId);
}

interface CompiledRule {
  spec: AvailabilityRuleSpec;
  zone: string;
  startMinute: number;
  /** Wall-clock minutes; the real length differs on a daylight-saving day. */
  lengthMinutes: number;
  weekdays: ReadonlySet<Weekday>;
}

function compileRule(spec: AvailabilityRuleSpec): CompiledRule {
  const startMinute = parseTimeOfDay(spec.startTime);
  const endMinute = parseTimeOfDay(spec.endTime, true);
  const zone = ruleTimeZone(spec);
  // Only what expansion cannot do without; the full (slower) validation runs when a rule is
  // written, and here only to word the error.
  const usable =
    startMinute !== undefined &&
    endMinute !== undefined &&
    startMinute !== endMinute &&
    isKnownTimeZone(zone) &&
    (RULE_PERIODICITIES as readonly string[]).includes(spec.periodicity) &&
    (RULE_OPERATIONS as readonly string[]).includes(spec.operation);
  if (!usable) throw new InvalidRuleError(spec, validateRuleSpec(spec));
  const lengthMinutes =
    endMinute > startMinute ? endMinute - startMinute : endMinute + MINUTES_PER_DAY - startMinute;
  return { spec, zone, startMinute, lengthMinutes, weekdays: new Set(spec.weekdays ?? []) };
}

function occurrences(rule: CompiledRule, days: readonly LocalDay[]): TimeWindow[] {
  const windows: TimeWindow[] = [];
  for (const day of days) {
    if (!occursOn(rule, day)) continue;
    const startWall = day.wallMidnight + rule.startMinute * MS_PER_MINUTE;
    const start = wallToInstant(startWall, day.offsets);
    const end = wallToInstant(startWall + rule.lengthMinutes * MS_PER_MINUTE, day.offsets);
    // Empty when the whole window lies in a skipped hour; the set operations drop it.
    windows.push({ start: new Date(start), end: new Date(end) });
  }
  return windows;
}

/** Validity dates and `date` are inclusive, compared with the occurrence's local start date. */
function occursOn({ spec, weekdays }: CompiledRule, day: LocalDay): boolean {
  if (spec.validFrom != null && day.isoDate < spec.validFrom) return false;
  if (spec.validUntil != null && day.isoDate > spec.validUntil) return false;
  switch (spec.periodicity) {
    case 'ONCE':
      return day.isoDate === spec.date;
    case 'DAILY':
      return true;
    case 'WEEKLY':
      return weekdays.has(day.weekday);
  }
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * One calendar day of a zone. "Wall" milliseconds write a local wall time as if it were UTC
 * (2026-03-29 02:30 local → Date.UTC(2026, 2, 29, 2, 30)); `offsets` turns them into instants.
 */
interface LocalDay {
  isoDate: string;
  weekday: Weekday;
  wallMidnight: number;
  offsets: OffsetChange;
}

/**
 * A zone's UTC offset (minutes): `before` until the instant `at`, `after` from then on; `at` is
 * +Infinity when nothing changes.
 */
interface OffsetChange {
  before: number;
  after: number;
  at: number;
}

/**
 * Offsets are sampled this far apart and bisected where two samples differ. Sound as long as a
 * zone changes offset at most once in any four days (so once between samples, and once in the
 * instants one day's wall times can map to) — true of every zone in the tz database since 1970.
 */
const SAMPLE_STEP_MS = 3 * MS_PER_DAY;
/** Enough to cover the day before `from`, a day's possible ±14 h offset and the next day. */
const MARGIN_MS = 4 * MS_PER_DAY;

/**
 * The local days from the one before `from` to the one of `to`. luxon supplies the offsets;
 * days are stepped in wall milliseconds, where each is exactly 86,400,000 ms long (UTC has no
 * daylight saving). The Intl lookup behind luxon's offset is what costs time, hence sampling.
 */
function localDays(zoneName: string, from: Date, to: Date): LocalDay[] {
  const zone = IANAZone.create(zoneName);
  const changes = offsetChanges(zone, from.getTime() - MARGIN_MS, to.getTime() + MARGIN_MS);
  const first = wallMidnightOf(from, changes) - MS_PER_DAY;
  const count = (wallMidnightOf(to, changes) - first) / MS_PER_DAY + 1;
  return Array.from({ length: count }, (_, k) => {
    const wallMidnight = first + k * MS_PER_DAY;
    const calendar = new Date(wallMidnight);
    // Instants of this day's and the next day's wall times lie within a day either side.
    const near = changes.find(
      ({ at }) => at > wallMidnight - MS_PER_DAY && at <= wallMidnight + 3 * MS_PER_DAY,
    );
    const offset = offsetAt(wallMidnight, changes);
    return {
      isoDate: calendar.toISOString().slice(0, 10),
      weekday: WEEKDAYS[(calendar.getUTCDay() + 6) % 7], // getUTCDay counts from Sunday
      wallMidnight,
      offsets: near ?? { before: offset, after: offset, at: Infinity },
    };
  });
}

/**
 * The offset at `start` (as a change at -Infinity) followed by every change up to `end`, in
 * order.
 */
function offsetChanges(zone: IANAZone, start: number, end: number): OffsetChange[] {
  let previous = { instant: start, offset: zone.offset(start) };
  const changes: OffsetChange[] = [{ before: previous.offset, after: previous.offset, at: -Infinity }];
  for (let instant = start + SAMPLE_STEP_MS; previous.instant < end; instant += SAMPLE_STEP_MS) {
    const sample = { instant: Math.min(instant, end), offset: zone.offset(Math.min(instant, end)) };
    if (sample.offset !== previous.offset)
      changes.push({
        before: previous.offset,
        after: sample.offset,
        at: findChange(zone, previous, sample.instant),
      });
    previous = sample;
  }
  return changes;
}

/**
 * The first whole minute in (low, high] whose offset differs from the one at `low` (bisection;
 * both bounds are whole minutes). Every change in the tz database since 1970 falls on a whole
 * minute, and minute steps need 13 lookups across three days where milliseconds would need 28.
 */
function findChange(zone: IANAZone, low: { instant: number; offset: number }, high: number): number {
  let before = low.instant;
  while (high - before > MS_PER_MINUTE) {
    const middle = before + Math.floor((high - before) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
    if (zone.offset(middle) === low.offset) before = middle;
    else high = middle;
  }
  return high;
}

function offsetAt(instant: number, changes: readonly OffsetChange[]): number {
  let offset = changes[0].after;
  for (const change of changes) if (change.at <= instant) offset = change.after;
  return offset;
}

/** The wall milliseconds of the local midnight that starts the day `instant` falls on. */
function wallMidnightOf(instant: Date, changes: readonly OffsetChange[]): number {
  const wall = instant.getTime() + offsetAt(instant.getTime(), changes) * MS_PER_MINUTE;
  return wall - (((wall % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
}

/**
 * The instant of a wall time: under the old offset if that lands before the change (this also
 * picks the first of a repeated time), else under the new one if that lands after it, else the
 * wall time was skipped and the answer is the change itself (see expandRules).
 */
function wallToInstant(wall: number, { before, after, at }: OffsetChange): number {
  const early = wall - before * MS_PER_MINUTE;
  if (early < at) return early;
  const late = wall - after * MS_PER_MINUTE;
  return late >= at ? late : at;
}
