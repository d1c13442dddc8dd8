// SPDX-License-Identifier: Apache-2.0
import { DateTime, IANAZone } from 'luxon';
import { type FieldError } from '../common/errors';

/**
 * The availability rule model (DESIGN.md §3 "Availability rules", Annex D add_rule): pure types,
 * parsing and validation, shared by the service (on write) and by expand-rules.ts (on read).
 *
 * Optional fields also accept null, so a row read from a nullable column can be passed as is.
 */
export const RULE_OPERATIONS = ['ADD', 'REMOVE'] as const;
export type RuleOperation = (typeof RULE_OPERATIONS)[number];

export const RULE_PERIODICITIES = ['ONCE', 'DAILY', 'WEEKLY'] as const;
export type RulePeriodicity = (typeof RULE_PERIODICITIES)[number];

/** ISO order: index + 1 is luxon's `weekday` (1 = Monday … 7 = Sunday). */
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEFAULT_RULE_TIME_ZONE = 'UTC';

export interface AvailabilityRuleSpec {
  operation: RuleOperation;
  periodicity: RulePeriodicity;
  /** 'YYYY-MM-DD', the day of a ONCE rule (in the rule's time zone); only for ONCE. */
  date?: string | null;
  /** Only for WEEKLY; the weekday of an occurrence's start in the rule's time zone. */
  weekdays?: readonly Weekday[] | null;
  /** 'YYYY-MM-DD', inclusive; compared with an occurrence's start date in the rule's time zone. */
  validFrom?: string | null;
  /** 'YYYY-MM-DD', inclusive. */
  validUntil?: string | null;
  /** 'HH:mm', 00:00 to 23:59. */
  startTime: string;
  /** 'HH:mm', 00:00 to 24:00; earlier than startTime means the window ends on the next day. */
  endTime: string;
  /** IANA zone name; DEFAULT_RULE_TIME_ZONE when absent. */
  timeZone?: string | null;
  /** Absent: the rule covers the whole station; present: only that GS channel. */
  channelId?: string | null;
}

export const MINUTES_PER_DAY = 24 * 60;

const TIME_PATTERN = /^(\d{2}):(\d{2})$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DAY_LIST = WEEKDAYS.join(', ');

/**
 * Minutes since midnight for 'HH:mm', or undefined when malformed. '24:00' (the end of the day)
 * is accepted only with `allowEndOfDay`, since a window cannot start there.
 */
export function parseTimeOfDay(text: unknown, allowEndOfDay = false): number | undefined {
  const match = typeof text === 'string' ? TIME_PATTERN.exec(text) : null;
  if (match === null) return undefined;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (allowEndOfDay && hours === 24 && minutes === 0) return MINUTES_PER_DAY;
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : undefined;
}

/** True for a real calendar date written 'YYYY-MM-DD' ('2026-02-30' is false). */
export function isCalendarDate(text: unknown): text is string {
  return (
    typeof text === 'string' && DATE_PATTERN.test(text) && DateTime.fromISO(text, { zone: 'utc' }).isValid
  );
}

/** True for a time zone luxon (that is, the runtime's ICU data) knows; IANAZone caches the answer. */
export function isKnownTimeZone(name: string): boolean {
  // Node 24's ICU also takes UTC offsets ("+02:00") as zones; a rule names a place, as documented.
  return name !== '' && !/^[+-]/.test(name) && IANAZone.create(name).isValid;
}

/** The zone a rule's wall times are read in. */
export function ruleTimeZone(spec: Pick<AvailabilityRuleSpec, 'timeZone'>): string {
  return spec.timeZone ?? DEFAULT_RULE_TIME_ZONE;
}

/**
 * Every problem with a rule, as `{ field, message }` in the wording an operator sees; empty when
 * the rule is valid. Checks each field on its own first, then how the fields fit together.
 */
export function validateRuleSpec(spec: AvailabilityRuleSpec): FieldError[] {
  return [
    ...checkEnum('operation', spec.operation, RULE_OPERATIONS),
    ...checkEnum('periodicity', spec.periodicity, RULE_PERIODICITIES),
    ...checkTimes(spec),
    ...checkTimeZone(spec.timeZone),
    ...checkDates(spec),
    ...checkWeekdays(spec),
    ...checkChannel(spec.channelId),
  ];
}

function checkEnum(field: string, value: unknown, allowed: readonly string[]): FieldError[] {
  const choices = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  if (value === undefined || value === null) return [{ field, message: `is required; use ${choices}` }];
  if (typeof value === 'string' && allowed.includes(value)) return [];
  return [{ field, message: `must be ${choices} (got ${JSON.stringify(value)})` }];
}

function checkTimes(spec: AvailabilityRuleSpec): FieldError[] {
  const start = parseTimeOfDay(spec.startTime);
  const end = parseTimeOfDay(spec.endTime, true);
  const errors: FieldError[] = [];
  if (start === undefined)
    errors.push({
      field: 'startTime',
      message: `must be a time of day HH:mm from 00:00 to 23:59${got(spec.startTime)}`,
    });
  if (end === undefined)
    errors.push({
      field: 'endTime',
      message: `must be a time of day HH:mm from 00:00 to 24:00${got(spec.endTime)}`,
    });
  if (start !== undefined && start === end)
    errors.push({
      field: 'endTime',
      message:
        'must differ from startTime: the window would be empty (for a whole day use 00:00 to 24:00; ' +
        'an end earlier than the start means the window runs past midnight)',
    });
  return errors;
}

function checkTimeZone(zone: AvailabilityRuleSpec['timeZone']): FieldError[] {
  if (zone === undefined || zone === null) return [];
  if (typeof zone === 'string' && isKnownTimeZone(zone)) return [];
  return [
    { field: 'timeZone', message: `must be an IANA time zone such as "Europe/Madrid" or "UTC"${got(zone)}` },
  ];
}

function checkDates(spec: AvailabilityRuleSpec): FieldError[] {
  const errors = (['date', 'validFrom', 'validUntil'] as const).flatMap((field) =>
    checkDate(field, spec[field]),
  );
  // Whether a date belongs depends on the periodicity; an unknown one is already reported.
  if (spec.periodicity === 'ONCE' && spec.date == null)
    errors.push({ field: 'date', message: 'is required when periodicity is ONCE (the day, as YYYY-MM-DD)' });
  if ((spec.periodicity === 'DAILY' || spec.periodicity === 'WEEKLY') && spec.date != null)
    errors.push({
      field: 'date',
      message:
        'is only allowed when periodicity is ONCE; limit a DAILY or WEEKLY rule with validFrom/validUntil',
    });
  return errors.length > 0 ? errors : checkDateOrder(spec);
}

function checkDate(field: string, value: unknown): FieldError[] {
  if (value === undefined || value === null || isCalendarDate(value)) return [];
  const shapeOk = typeof value === 'string' && DATE_PATTERN.test(value);
  const message = shapeOk ? `${value} is not a real calendar date` : `must be a date YYYY-MM-DD${got(value)}`;
  return [{ field, message }];
}

/** Runs once every date parsed: ISO dates compare correctly as strings. */
function checkDateOrder({ date, validFrom, validUntil }: AvailabilityRuleSpec): FieldError[] {
  if (validFrom != null && validUntil != null && validUntil < validFrom)
    return [
      {
        field: 'validUntil',
        message: `must not be before validFrom (${validFrom}); both dates are inclusive`,
      },
    ];
  const outside =
    date != null && ((validFrom != null && date < validFrom) || (validUntil != null && date > validUntil));
  if (!outside) return [];
  const period = `${validFrom ?? '…'} to ${validUntil ?? '…'}`;
  return [
    { field: 'date', message: `lies outside the validity period (${period}), so the rule would never apply` },
  ];
}

function checkWeekdays({ periodicity, weekdays }: AvailabilityRuleSpec): FieldError[] {
  // An empty list from a nullable or defaulted column means "none given", not a mistake.
  const given = weekdays != null && (!Array.isArray(weekdays) || weekdays.length > 0);
  if (periodicity === 'WEEKLY' && !given)
    return [
      {
        field: 'weekdays',
        message: `is required when periodicity is WEEKLY: list at least one of ${DAY_LIST}`,
      },
    ];
  if (!given) return [];
  if (periodicity === 'ONCE' || periodicity === 'DAILY')
    return [{ field: 'weekdays', message: 'is only allowed when periodicity is WEEKLY' }];
  if (!Array.isArray(weekdays))
    return [{ field: 'weekdays', message: `must be a list of weekdays (${DAY_LIST})` }];
  const seen = new Set<string>();
  return weekdays.flatMap((day: unknown, index): FieldError[] => {
    const field = `weekdays.${index}`;
    if (typeof day !== 'string' || !(WEEKDAYS as readonly string[]).includes(day))
      return [{ field, message: `${JSON.stringify(day)} is not a weekday; use ${DAY_LIST}` }];
    if (seen.has(day)) return [{ field, message: `${day} is listed more than once` }];
    seen.add(day);
    return [];
  });
}

function checkChannel(channelId: AvailabilityRuleSpec['channelId']): FieldError[] {
  if (channelId === undefined || channelId === null) return [];
  if (typeof channelId === 'string' && channelId.trim() !== '') return [];
  return [
    {
      field: 'channelId',
      message: 'must be a non-empty channel id; omit it for a rule covering the whole station',
    },
  ];
}

/** " (got …)" for an echo of a short offending value, so the operator sees what was read. */
function got(value: unknown): string {
  if (value === undefined || value === null) return '';
  // JSON shows strings quoted, so "" and " " stay visible; functions and symbols have no JSON.
  const text = JSON.stringify(value) ?? typeof value;
  return text.length <= 40 ? ` (got ${text})` : '';
}
