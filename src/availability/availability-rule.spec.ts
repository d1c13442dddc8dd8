// SPDX-License-Identifier: Apache-2.0
import {
  type AvailabilityRuleSpec,
  isCalendarDate,
  isKnownTimeZone,
  parseTimeOfDay,
  ruleTimeZone,
  validateRuleSpec,
} from './availability-rule';

const DAILY: AvailabilityRuleSpec = {
  operation: 'ADD',
  periodicity: 'DAILY',
  startTime: '08:00',
  endTime: '12:00',
};

/** Validates DAILY with `changes` applied; loosely typed so tests can feed what a client might send. */
function errorsFor(changes: Record<string, unknown>): { field: string; message: string }[] {
  return validateRuleSpec({ ...DAILY, ...changes });
}

function fieldsOf(changes: Record<string, unknown>): string[] {
  return errorsFor(changes).map((error) => error.field);
}

describe('parseTimeOfDay', () => {
  it.each([
    ['00:00', false, 0],
    ['08:30', false, 510],
    ['23:59', false, 1439],
    ['24:00', true, 1440],
    ['24:00', false, undefined],
    ['24:01', true, undefined],
    ['23:60', false, undefined],
    ['8:30', false, undefined],
    ['08:30:00', false, undefined],
    ['0830', false, undefined],
    [' 08:30', false, undefined],
    ['', false, undefined],
    [830, false, undefined],
    [null, false, undefined],
  ])('%p (end of day allowed: %p) → %p', (text, allowEndOfDay, expected) => {
    expect(parseTimeOfDay(text, allowEndOfDay)).toBe(expected);
  });
});

describe('isCalendarDate, isKnownTimeZone, ruleTimeZone', () => {
  it.each([
    ['2026-03-29', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-3-29', false],
    ['2026-03-29T00:00', false],
    ['29/03/2026', false],
    [20260329, false],
  ])('date %p → %p', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });

  it.each([
    ['UTC', true],
    ['Europe/Madrid', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Etc/GMT+1', true],
    ['Mars/Olympus_Mons', false],
    ['+02:00', false],
    ['', false],
  ])('zone %p → %p', (zone, expected) => {
    expect(isKnownTimeZone(zone)).toBe(expected);
  });

  it('defaults the zone to UTC', () => {
    expect(ruleTimeZone({})).toBe('UTC');
    expect(ruleTimeZone({ timeZone: null })).toBe('UTC');
    expect(ruleTimeZone({ timeZone: 'Europe/Madrid' })).toBe('Europe/Madrid');
  });
});

describe('validateRuleSpec accepts', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a plain DAILY rule', {}],
    ['a REMOVE rule', { operation: 'REMOVE' }],
    ['a ONCE rule with its date', { periodicity: 'ONCE', date: '2026-03-29' }],
    ['a ONCE rule inside its validity', { periodicity: 'ONCE', date: '2026-03-29', validFrom: '2026-03-29' }],
    ['a WEEKLY rule', { periodicity: 'WEEKLY', weekdays: ['MON', 'SUN'] }],
    ['a window across midnight', { startTime: '22:00', endTime: '02:00' }],
    ['a window ending at midnight (00:00)', { startTime: '22:00', endTime: '00:00' }],
    ['a whole day', { startTime: '00:00', endTime: '24:00' }],
    ['validity on one single day', { validFrom: '2026-01-01', validUntil: '2026-01-01' }],
    ['a time zone', { timeZone: 'Europe/Madrid' }],
    ['a channel', { channelId: 'uhf-1' }],
    [
      'nulls from nullable columns',
      { date: null, weekdays: null, validFrom: null, timeZone: null, channelId: null },
    ],
    ['an empty weekday list on a DAILY rule', { weekdays: [] }],
  ])('%s', (_name, changes) => {
    expect(errorsFor(changes)).toEqual([]);
  });
});

describe('validateRuleSpec rejects', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a missing operation', { operation: undefined }, 'operation', /required; use ADD or REMOVE/],
    ['an unknown operation', { operation: 'DELETE' }, 'operation', /must be ADD or REMOVE \(got "DELETE"\)/],
    ['lowercase periodicity', { periodicity: 'daily' }, 'periodicity', /must be ONCE, DAILY or WEEKLY/],
    ['a malformed start', { startTime: '8:00' }, 'startTime', /HH:mm from 00:00 to 23:59 \(got "8:00"\)/],
    ['a start at 24:00', { startTime: '24:00' }, 'startTime', /00:00 to 23:59/],
    ['a missing end', { endTime: undefined }, 'endTime', /HH:mm from 00:00 to 24:00$/],
    ['an end past 24:00', { endTime: '24:30' }, 'endTime', /00:00 to 24:00/],
    ['start equal to end', { startTime: '10:00', endTime: '10:00' }, 'endTime', /must differ from startTime/],
    [
      'an unknown zone',
      { timeZone: 'Europe/Atlantis' },
      'timeZone',
      /IANA time zone .* \(got "Europe\/Atlantis"\)/,
    ],
    ['an empty zone', { timeZone: '' }, 'timeZone', /IANA time zone/],
    ['ONCE without a date', { periodicity: 'ONCE' }, 'date', /required when periodicity is ONCE/],
    ['a date on a DAILY rule', { date: '2026-03-29' }, 'date', /only allowed when periodicity is ONCE/],
    [
      'an impossible date',
      { validFrom: '2026-02-30' },
      'validFrom',
      /2026-02-30 is not a real calendar date/,
    ],
    ['a malformed date', { validUntil: '31/12/2026' }, 'validUntil', /must be a date YYYY-MM-DD/],
    [
      'validUntil before validFrom',
      { validFrom: '2026-05-02', validUntil: '2026-05-01' },
      'validUntil',
      /must not be before validFrom \(2026-05-02\); both dates are inclusive/,
    ],
    [
      'a ONCE date outside its validity',
      { periodicity: 'ONCE', date: '2026-05-01', validUntil: '2026-04-30' },
      'date',
      /outside the validity period \(… to 2026-04-30\)/,
    ],
    ['WEEKLY without weekdays', { periodicity: 'WEEKLY' }, 'weekdays', /at least one of MON, TUE/],
    [
      'WEEKLY with no weekdays',
      { periodicity: 'WEEKLY', weekdays: [] },
      'weekdays',
      /required when periodicity is WEEKLY/,
    ],
    [
      'weekdays on a DAILY rule',
      { weekdays: ['MON'] },
      'weekdays',
      /only allowed when periodicity is WEEKLY/,
    ],
    [
      'weekdays that are not a list',
      { periodicity: 'WEEKLY', weekdays: 'MON' },
      'weekdays',
      /must be a list/,
    ],
    [
      'an unknown weekday',
      { periodicity: 'WEEKLY', weekdays: ['MON', 'MONDAY'] },
      'weekdays.1',
      /"MONDAY" is not a weekday/,
    ],
    ['a lowercase weekday', { periodicity: 'WEEKLY', weekdays: ['tue'] }, 'weekdays.0', /not a weekday/],
    [
      'a repeated weekday',
      { periodicity: 'WEEKLY', weekdays: ['FRI', 'SAT', 'FRI'] },
      'weekdays.2',
      /FRI is listed more than once/,
    ],
    ['an empty channel', { channelId: ' ' }, 'channelId', /omit it for a rule covering the whole station/],
  ])('%s', (_name, changes, field, message) => {
    const errors = errorsFor(changes);
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe(field);
    expect(errors[0].message).toMatch(message);
  });

  it('reports every problem at once, each on its field', () => {
    expect(
      fieldsOf({
        operation: 'X',
        periodicity: 'WEEKLY',
        startTime: '25:00',
        endTime: 'noon',
        timeZone: 'Nowhere',
      }),
    ).toEqual(['operation', 'startTime', 'endTime', 'timeZone', 'weekdays']);
  });

  it('does not pile periodicity-dependent errors onto an unknown periodicity', () => {
    expect(fieldsOf({ periodicity: 'MONTHLY', date: '2026-01-01', weekdays: ['MON'] })).toEqual([
      'periodicity',
    ]);
  });

  it('checks the order of dates only once each date is readable', () => {
    expect(fieldsOf({ validFrom: '2026-13-01', validUntil: '2026-01-01' })).toEqual(['validFrom']);
  });

  it('does not echo long values back', () => {
    expect(errorsFor({ timeZone: 'x'.repeat(200) })[0].message).not.toContain('got');
  });
});
