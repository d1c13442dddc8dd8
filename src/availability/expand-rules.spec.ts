// SPDX-License-Identifier: Apache-2.0
import { DateTime } from 'luxon';
import { intersectWindows } from '../common/time-window';
import { type AvailabilityRuleSpec, type Weekday, WEEKDAYS } from './availability-rule';
import { expandRules, InvalidRuleError } from './expand-rules';

type RuleChanges = Partial<AvailabilityRuleSpec>;

function add(changes: RuleChanges): AvailabilityRuleSpec {
  return { operation: 'ADD', periodicity: 'DAILY', startTime: '08:00', endTime: '10:00', ...changes };
}

function remove(changes: RuleChanges): AvailabilityRuleSpec {
  return add({ operation: 'REMOVE', ...changes });
}

function once(date: string, startTime: string, endTime: string, timeZone = 'UTC'): AvailabilityRuleSpec {
  return add({ periodicity: 'ONCE', date, startTime, endTime, timeZone });
}

/** Expands and renders each window as "start/end" in UTC ISO, without seconds, for short tables. */
function expand(rules: AvailabilityRuleSpec[], from: string, to: string, channelId?: string): string[] {
  const short = (date: Date): string => date.toISOString().slice(0, 16) + 'Z';
  return expandRules(rules, new Date(from), new Date(to), channelId).map(
    (window) => `${short(window.start)}/${short(window.end)}`,
  );
}

const JUNE_10 = '2026-06-10T00:00Z'; // a Wednesday
const JUNE_12 = '2026-06-12T00:00Z';

describe('expandRules: periodicity', () => {
  it('expands a ONCE rule on its date only', () => {
    expect(expand([add({ periodicity: 'ONCE', date: '2026-06-11' })], JUNE_10, '2026-06-14T00:00Z')).toEqual([
      '2026-06-11T08:00Z/2026-06-11T10:00Z',
    ]);
  });

  it('expands a DAILY rule on every day of the range', () => {
    expect(expand([add({})], JUNE_10, '2026-06-13T00:00Z')).toEqual([
      '2026-06-10T08:00Z/2026-06-10T10:00Z',
      '2026-06-11T08:00Z/2026-06-11T10:00Z',
      '2026-06-12T08:00Z/2026-06-12T10:00Z',
    ]);
  });

  it('expands a WEEKLY rule on its weekdays only', () => {
    const rule = add({ periodicity: 'WEEKLY', weekdays: ['MON', 'WED', 'SUN'] });
    expect(expand([rule], JUNE_10, '2026-06-17T00:00Z')).toEqual([
      '2026-06-10T08:00Z/2026-06-10T10:00Z', // Wednesday
      '2026-06-14T08:00Z/2026-06-14T10:00Z', // Sunday
      '2026-06-15T08:00Z/2026-06-15T10:00Z', // Monday
    ]);
  });

  it.each(WEEKDAYS.map((day, index): [Weekday, string] => [day, `2026-06-${String(15 + index)}`]))(
    'maps %s to the right calendar day',
    (day, date) => {
      const [window] = expand(
        [add({ periodicity: 'WEEKLY', weekdays: [day] })],
        '2026-06-15T00:00Z',
        '2026-06-22T00:00Z',
      );
      expect(window.slice(0, 10)).toBe(date);
    },
  );

  it('covers a 7-day horizon with exactly seven DAILY windows', () => {
    const windows = expand([add({ startTime: '12:00', endTime: '13:30' })], JUNE_10, '2026-06-17T00:00Z');
    expect(windows).toHaveLength(7);
    expect(windows[6]).toBe('2026-06-16T12:00Z/2026-06-16T13:30Z');
  });
});

describe('expandRules: windows across midnight and range edges', () => {
  const night = add({ startTime: '22:00', endTime: '02:00' });

  it('includes the tail of an occurrence that started the day before `from`', () => {
    expect(expand([night], JUNE_10, JUNE_12)).toEqual([
      '2026-06-10T00:00Z/2026-06-10T02:00Z',
      '2026-06-10T22:00Z/2026-06-11T02:00Z',
      '2026-06-11T22:00Z/2026-06-12T00:00Z',
    ]);
  });

  it('treats 24:00 and 00:00 as ends at the next midnight, joining consecutive days', () => {
    expect(
      expand(
        [add({ startTime: '20:00', endTime: '24:00' }), add({ startTime: '00:00', endTime: '01:00' })],
        JUNE_10,
        JUNE_12,
      ),
    ).toEqual([
      '2026-06-10T00:00Z/2026-06-10T01:00Z',
      '2026-06-10T20:00Z/2026-06-11T01:00Z',
      '2026-06-11T20:00Z/2026-06-12T00:00Z',
    ]);
    expect(expand([add({ startTime: '20:00', endTime: '00:00' })], JUNE_10, JUNE_12)).toEqual(
      expand([add({ startTime: '20:00', endTime: '24:00' })], JUNE_10, JUNE_12),
    );
  });

  it('merges a whole-day rule into one window across days', () => {
    expect(expand([add({ startTime: '00:00', endTime: '24:00' })], JUNE_10, JUNE_12)).toEqual([
      '2026-06-10T00:00Z/2026-06-12T00:00Z',
    ]);
  });

  it('clips windows to a range that starts and ends inside them', () => {
    expect(expand([add({})], '2026-06-10T09:00Z', '2026-06-11T09:30Z')).toEqual([
      '2026-06-10T09:00Z/2026-06-10T10:00Z',
      '2026-06-11T08:00Z/2026-06-11T09:30Z',
    ]);
  });
});

describe('expandRules: validity dates (inclusive, by local start date)', () => {
  it('respects validFrom and validUntil, both inclusive', () => {
    const rule = add({ validFrom: '2026-06-11', validUntil: '2026-06-12' });
    expect(expand([rule], JUNE_10, '2026-06-15T00:00Z')).toEqual([
      '2026-06-11T08:00Z/2026-06-11T10:00Z',
      '2026-06-12T08:00Z/2026-06-12T10:00Z',
    ]);
  });

  it('lets the last valid occurrence run past midnight, and drops one that started before validFrom', () => {
    const rule = add({
      startTime: '22:00',
      endTime: '02:00',
      validFrom: '2026-06-10',
      validUntil: '2026-06-10',
    });
    expect(expand([rule], JUNE_10, '2026-06-13T00:00Z')).toEqual(['2026-06-10T22:00Z/2026-06-11T02:00Z']);
  });

  it('reads validity dates in the rule’s zone', () => {
    // 2026-06-15 08:00 in Auckland (NZST, +12) is 2026-06-14 20:00 UTC.
    const rule = add({ timeZone: 'Pacific/Auckland', validFrom: '2026-06-15', validUntil: '2026-06-15' });
    expect(expand([rule], '2026-06-13T00:00Z', '2026-06-17T00:00Z')).toEqual([
      '2026-06-14T20:00Z/2026-06-14T22:00Z',
    ]);
  });
});

describe('expandRules: ADD minus REMOVE', () => {
  it('cuts a REMOVE out of the middle of an ADD', () => {
    const rules = [
      add({ startTime: '08:00', endTime: '18:00' }),
      remove({ startTime: '12:00', endTime: '13:00' }),
    ];
    expect(expand(rules, JUNE_10, '2026-06-11T00:00Z')).toEqual([
      '2026-06-10T08:00Z/2026-06-10T12:00Z',
      '2026-06-10T13:00Z/2026-06-10T18:00Z',
    ]);
  });

  it('lets a ONCE REMOVE cancel one day of a DAILY ADD', () => {
    const rules = [
      add({}),
      remove({ periodicity: 'ONCE', date: '2026-06-11', startTime: '00:00', endTime: '24:00' }),
    ];
    expect(expand(rules, JUNE_10, '2026-06-13T00:00Z')).toEqual([
      '2026-06-10T08:00Z/2026-06-10T10:00Z',
      '2026-06-12T08:00Z/2026-06-12T10:00Z',
    ]);
  });

  it('merges overlapping and touching ADDs', () => {
    const rules = [
      add({ startTime: '08:00', endTime: '10:00' }),
      add({ startTime: '09:00', endTime: '11:00' }),
      add({ startTime: '11:00', endTime: '12:00' }),
    ];
    expect(expand(rules, JUNE_10, '2026-06-11T00:00Z')).toEqual(['2026-06-10T08:00Z/2026-06-10T12:00Z']);
  });

  it('does not let rule order matter: a REMOVE wins over any ADD', () => {
    const rules = [remove({}), add({ startTime: '00:00', endTime: '24:00' })];
    expect(expand(rules, JUNE_10, '2026-06-11T00:00Z')).toEqual(
      expand([...rules].reverse(), JUNE_10, '2026-06-11T00:00Z'),
    );
    expect(expand(rules, JUNE_10, '2026-06-11T00:00Z')).toEqual([
      '2026-06-10T00:00Z/2026-06-10T08:00Z',
      '2026-06-10T10:00Z/2026-06-11T00:00Z',
    ]);
  });

  it('subtracts across zones: a Madrid REMOVE from a UTC ADD', () => {
    const rules = [
      add({ startTime: '00:00', endTime: '24:00' }),
      remove({ startTime: '12:00', endTime: '14:00', timeZone: 'Europe/Madrid' }),
    ];
    expect(expand(rules, JUNE_10, '2026-06-11T00:00Z')).toEqual([
      '2026-06-10T00:00Z/2026-06-10T10:00Z',
      '2026-06-10T12:00Z/2026-06-11T00:00Z',
    ]);
  });
});

describe('expandRules: channels', () => {
  const rules = [
    add({}),
    add({ channelId: 'A', startTime: '12:00', endTime: '14:00' }),
    remove({ channelId: 'B', startTime: '08:00', endTime: '09:00' }),
  ];
  const expandFor = (channel?: string): string[] => expand(rules, JUNE_10, '2026-06-11T00:00Z', channel);

  it('uses station-wide rules only when no channel is given', () => {
    expect(expandFor()).toEqual(['2026-06-10T08:00Z/2026-06-10T10:00Z']);
  });

  it('adds a channel’s own ADD rules to the station-wide ones', () => {
    expect(expandFor('A')).toEqual([
      '2026-06-10T08:00Z/2026-06-10T10:00Z',
      '2026-06-10T12:00Z/2026-06-10T14:00Z',
    ]);
  });

  it('applies a channel’s REMOVE rules to the station-wide availability', () => {
    expect(expandFor('B')).toEqual(['2026-06-10T09:00Z/2026-06-10T10:00Z']);
  });

  it('gives a channel without rules of its own the station-wide availability', () => {
    expect(expandFor('C')).toEqual(expandFor());
  });
});

describe('expandRules: time zones other than UTC', () => {
  it.each([
    ['America/New_York', '2026-06-10T13:00Z/2026-06-10T21:00Z'], // EDT, UTC-4
    ['Asia/Kolkata', '2026-06-10T03:30Z/2026-06-10T11:30Z'], // UTC+5:30
    ['Pacific/Chatham', '2026-06-09T20:15Z/2026-06-10T04:15Z'], // UTC+12:45 in June
    ['Europe/Madrid', '2026-06-10T07:00Z/2026-06-10T15:00Z'], // CEST, UTC+2
  ])('reads 09:00–17:00 on 2026-06-10 in %s', (timeZone, expected) => {
    const rule = once('2026-06-10', '09:00', '17:00', timeZone);
    expect(expand([rule], '2026-06-09T00:00Z', '2026-06-12T00:00Z')).toEqual([expected]);
  });

  it('uses the weekday of the rule’s zone, not of UTC', () => {
    // Monday 08:00 in Auckland is Sunday 20:00 UTC.
    const rule = add({ periodicity: 'WEEKLY', weekdays: ['MON'], timeZone: 'Pacific/Auckland' });
    expect(expand([rule], '2026-06-14T00:00Z', '2026-06-16T00:00Z')).toEqual([
      '2026-06-14T20:00Z/2026-06-14T22:00Z',
    ]);
  });

  it('finds an occurrence that started on the local day before `from` in a zone west of UTC', () => {
    // 20:00–02:00 in New York on 9 June is 10 June 00:00–06:00 UTC.
    const rule = once('2026-06-09', '20:00', '02:00', 'America/New_York');
    expect(expand([rule], '2026-06-10T01:00Z', '2026-06-11T00:00Z')).toEqual([
      '2026-06-10T01:00Z/2026-06-10T06:00Z',
    ]);
  });
});

/**
 * Europe/Madrid, 2026. Spring forward on Sunday 29 March: 02:00 CET becomes 03:00 CEST at 01:00Z,
 * so 02:00–02:59 never happens. Fall back on Sunday 25 October: 03:00 CEST becomes 02:00 CET at
 * 01:00Z, so 02:00–02:59 happens twice. Skipped wall times mean the instant the clocks jump to;
 * repeated ones mean their first occurrence (summer time). See expandRules.
 */
describe('expandRules: daylight saving in Europe/Madrid', () => {
  const madrid = (changes: RuleChanges): AvailabilityRuleSpec =>
    add({ timeZone: 'Europe/Madrid', ...changes });
  const march = (rules: AvailabilityRuleSpec[]): string[] =>
    expand(rules, '2026-03-27T00:00Z', '2026-04-01T00:00Z');
  const october = (rules: AvailabilityRuleSpec[]): string[] =>
    expand(rules, '2026-10-23T00:00Z', '2026-10-28T00:00Z');

  it.each([
    ['before the gap, unchanged', '00:30', '01:30', '2026-03-28T23:30Z/2026-03-29T00:30Z'],
    ['a start inside the gap moves to 03:00 CEST', '02:30', '04:00', '2026-03-29T01:00Z/2026-03-29T02:00Z'],
    ['an end inside the gap moves to 03:00 CEST', '01:00', '02:30', '2026-03-29T00:00Z/2026-03-29T01:00Z'],
    ['across the gap: 3 wall hours, 2 real ones', '01:00', '04:00', '2026-03-29T00:00Z/2026-03-29T02:00Z'],
    ['after the gap, in summer time', '03:00', '04:00', '2026-03-29T01:00Z/2026-03-29T02:00Z'],
    ['the whole day lasts 23 hours', '00:00', '24:00', '2026-03-28T23:00Z/2026-03-29T22:00Z'],
    [
      'overnight into the change: 22:00 CET to 06:00 CEST',
      '22:00',
      '06:00',
      '2026-03-28T21:00Z/2026-03-29T04:00Z',
    ],
  ])('29 March: %s', (_name, startTime, endTime, expected) => {
    const date = startTime > endTime ? '2026-03-28' : '2026-03-29';
    expect(march([once(date, startTime, endTime, 'Europe/Madrid')])).toEqual([expected]);
  });

  it('29 March: a window wholly inside the skipped hour is empty that day', () => {
    expect(march([once('2026-03-29', '02:00', '02:59', 'Europe/Madrid')])).toEqual([]);
    expect(march([once('2026-03-29', '02:15', '02:45', 'Europe/Madrid')])).toEqual([]);
  });

  it.each([
    [
      'a repeated start means the first 02:30 (CEST)',
      '02:30',
      '04:00',
      '2026-10-25T00:30Z/2026-10-25T03:00Z',
    ],
    [
      'a window inside the repeated hour lasts its wall length once',
      '02:30',
      '02:45',
      '2026-10-25T00:30Z/2026-10-25T00:45Z',
    ],
    ['a repeated end means the first 02:30 (CEST)', '00:00', '02:30', '2026-10-24T22:00Z/2026-10-25T00:30Z'],
    ['across the repeat: 3 wall hours, 4 real ones', '01:00', '04:00', '2026-10-24T23:00Z/2026-10-25T03:00Z'],
    ['after the repeat, in winter time', '03:00', '04:00', '2026-10-25T02:00Z/2026-10-25T03:00Z'],
    ['the whole day lasts 25 hours', '00:00', '24:00', '2026-10-24T22:00Z/2026-10-25T23:00Z'],
    [
      'overnight through the change: 22:00 CEST to 06:00 CET',
      '22:00',
      '06:00',
      '2026-10-24T20:00Z/2026-10-25T05:00Z',
    ],
  ])('25 October: %s', (_name, startTime, endTime, expected) => {
    const date = startTime > endTime ? '2026-10-24' : '2026-10-25';
    expect(october([once(date, startTime, endTime, 'Europe/Madrid')])).toEqual([expected]);
  });

  it('25 October: a REMOVE of 02:00–03:00 removes both runs of the repeated hour', () => {
    const rules = [
      once('2026-10-25', '00:00', '06:00', 'Europe/Madrid'),
      { ...once('2026-10-25', '02:00', '03:00', 'Europe/Madrid'), operation: 'REMOVE' as const },
    ];
    expect(october(rules)).toEqual([
      '2026-10-24T22:00Z/2026-10-25T00:00Z',
      '2026-10-25T02:00Z/2026-10-25T05:00Z',
    ]);
  });

  it('keeps a DAILY rule at the same wall time on both sides of each change', () => {
    const daily = madrid({ startTime: '09:00', endTime: '17:00' });
    expect(expand([daily], '2026-03-28T00:00Z', '2026-03-31T00:00Z')).toEqual([
      '2026-03-28T08:00Z/2026-03-28T16:00Z',
      '2026-03-29T07:00Z/2026-03-29T15:00Z',
      '2026-03-30T07:00Z/2026-03-30T15:00Z',
    ]);
    expect(expand([daily], '2026-10-24T00:00Z', '2026-10-27T00:00Z')).toEqual([
      '2026-10-24T07:00Z/2026-10-24T15:00Z',
      '2026-10-25T08:00Z/2026-10-25T16:00Z',
      '2026-10-26T08:00Z/2026-10-26T16:00Z',
    ]);
  });

  it('gives the same windows whichever range they are expanded in', () => {
    const rules = [
      madrid({ startTime: '01:30', endTime: '02:30' }),
      madrid({ startTime: '23:00', endTime: '03:15' }),
    ];
    const wide = expandRules(rules, new Date('2026-03-01T00:00Z'), new Date('2026-11-30T00:00Z'));
    for (const [from, to] of [
      ['2026-03-29T00:45Z', '2026-03-30T00:00Z'],
      ['2026-10-25T00:10Z', '2026-10-25T02:30Z'],
    ]) {
      const range = { start: new Date(from), end: new Date(to) };
      expect(expandRules(rules, range.start, range.end)).toEqual(intersectWindows(wide, [range]));
    }
  });
});

describe('expandRules: other daylight-saving shapes', () => {
  it('handles a skipped midnight (America/Santiago, 6 September 2026: 00:00 → 01:00)', () => {
    const rule = once('2026-09-06', '00:00', '02:00', 'America/Santiago');
    expect(expand([rule], '2026-09-05T00:00Z', '2026-09-08T00:00Z')).toEqual([
      '2026-09-06T04:00Z/2026-09-06T05:00Z',
    ]);
  });

  it('handles a half-hour change (Australia/Lord_Howe, 4 October 2026: 02:00 → 02:30)', () => {
    const rules = [
      once('2026-10-04', '02:00', '03:00', 'Australia/Lord_Howe'),
      once('2026-10-04', '05:00', '05:15', 'Australia/Lord_Howe'),
    ];
    expect(expand(rules, '2026-10-02T00:00Z', '2026-10-05T00:00Z')).toEqual([
      '2026-10-03T15:30Z/2026-10-03T16:00Z',
      '2026-10-03T18:00Z/2026-10-03T18:15Z',
    ]);
  });
});

describe('expandRules: empty results and bad input', () => {
  it.each<[string, AvailabilityRuleSpec[], string, string]>([
    ['no rules', [], JUNE_10, JUNE_12],
    ['only REMOVE rules', [remove({})], JUNE_10, JUNE_12],
    ['an empty range', [add({})], JUNE_10, JUNE_10],
    ['a reversed range', [add({})], JUNE_12, JUNE_10],
    ['a ONCE date outside the range', [add({ periodicity: 'ONCE', date: '2026-07-01' })], JUNE_10, JUNE_12],
    ['validity over before the range', [add({ validUntil: '2026-06-01' })], JUNE_10, JUNE_12],
    ['validity starting after the range', [add({ validFrom: '2026-07-01' })], JUNE_10, JUNE_12],
    ['a range between two windows', [add({})], '2026-06-10T10:00Z', '2026-06-11T08:00Z'],
    ['only another channel’s rules', [add({ channelId: 'A' })], JUNE_10, JUNE_12],
  ])('%s', (_name, rules, from, to) => {
    expect(expand(rules, from, to)).toEqual([]);
  });

  it('refuses a rule it cannot read, naming the problem', () => {
    const bad = add({ timeZone: 'Mars/Olympus_Mons' });
    expect(() => expandRules([bad], new Date(JUNE_10), new Date(JUNE_12))).toThrow(InvalidRuleError);
    expect(() => expandRules([bad], new Date(JUNE_10), new Date(JUNE_12))).toThrow(
      /timeZone must be an IANA time zone/,
    );
  });

  it('ignores an unreadable rule of another channel', () => {
    expect(expand([add({ channelId: 'A', startTime: 'soon' })], JUNE_10, JUNE_12)).toEqual([]);
  });

  it('refuses invalid dates for the range', () => {
    expect(() => expandRules([], new Date('nope'), new Date(JUNE_12))).toThrow(RangeError);
  });
});

/**
 * Against an independent model: an instant is available when some ADD occurrence and no REMOVE
 * occurrence covers its local wall time, computed with luxon DateTime per sample. June 2026 has no
 * daylight-saving change in these zones, so there the model and expandRules must agree exactly.
 */
describe('expandRules agrees with a per-instant model', () => {
  const zones = ['UTC', 'Europe/Madrid', 'America/New_York', 'Pacific/Auckland'];
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const time = (quarters: number): string =>
    `${String(Math.floor(quarters / 4)).padStart(2, '0')}:${String((quarters % 4) * 15).padStart(2, '0')}`;

  const randomRule = (): AvailabilityRuleSpec => {
    const start = random(96);
    let end = random(97);
    if (end === start) end = (start + 1) % 96;
    const periodicity = (['ONCE', 'DAILY', 'WEEKLY'] as const)[random(3)];
    return {
      operation: random(3) === 0 ? 'REMOVE' : 'ADD',
      periodicity,
      date: periodicity === 'ONCE' ? `2026-06-${String(10 + random(8))}` : undefined,
      weekdays:
        periodicity === 'WEEKLY'
          ? [WEEKDAYS[random(7)], WEEKDAYS[(random(6) + 1 + random(1)) % 7]].filter(
              (day, i, all) => all.indexOf(day) === i,
            )
          : undefined,
      validFrom: random(4) === 0 ? `2026-06-${String(10 + random(5))}` : undefined,
      validUntil: random(4) === 0 ? `2026-06-${String(14 + random(5))}` : undefined,
      startTime: time(start),
      endTime: end === 96 ? '24:00' : time(end),
      timeZone: zones[random(zones.length)],
    };
  };

  const from = Date.parse('2026-06-11T00:00Z');
  const to = from + 7 * 86_400_000;
  // Sample 7 minutes into each quarter hour, away from every window edge (rules use a 15-minute grid).
  const samples = Array.from({ length: 7 * 96 }, (_, i) => from + (i * 15 + 7) * 60_000);

  /** Per zone and sample: the local start date of "today" and "yesterday", minutes since each, weekday. */
  type LocalView = { date: string; weekday: Weekday; minutes: number }[];
  const views = new Map<string, LocalView[]>(
    zones.map((zone) => [
      zone,
      samples.map((instant) => {
        const local = DateTime.fromMillis(instant, { zone });
        return [0, 1].map((daysBack) => {
          const day = local.minus({ days: daysBack }).startOf('day');
          const minutes = local.diff(day, 'minutes').minutes;
          return { date: day.toISODate() ?? '', weekday: WEEKDAYS[day.weekday - 1], minutes };
        });
      }),
    ]),
  );

  const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
  const covers = (rule: AvailabilityRuleSpec, sample: number): boolean => {
    const [start, end] = [minutesOf(rule.startTime), minutesOf(rule.endTime)];
    const length = end > start ? end - start : end + 1440 - start;
    return (views.get(rule.timeZone ?? 'UTC') ?? [])[sample].some(
      ({ date, weekday, minutes }) =>
        (rule.validFrom == null || date >= rule.validFrom) &&
        (rule.validUntil == null || date <= rule.validUntil) &&
        (rule.periodicity === 'DAILY' ||
          (rule.periodicity === 'ONCE' && date === rule.date) ||
          (rule.periodicity === 'WEEKLY' && (rule.weekdays ?? []).includes(weekday))) &&
        minutes >= start &&
        minutes < start + length,
    );
  };

  it('for 60 random sets of rules over 7 days, sampled every 15 minutes', () => {
    for (let run = 0; run < 60; run++) {
      const rules = Array.from({ length: 1 + random(5) }, randomRule);
      const windows = expandRules(rules, new Date(from), new Date(to));
      samples.forEach((instant, sample) => {
        const covered = (operation: string): boolean =>
          rules.some((rule) => rule.operation === operation && covers(rule, sample));
        const expected = covered('ADD') && !covered('REMOVE');
        const actual = windows.some((w) => w.start.getTime() <= instant && instant < w.end.getTime());
        if (actual !== expected)
          throw new Error(`run ${run}, ${new Date(instant).toISOString()}: ${JSON.stringify(rules)}`);
      });
    }
  });
});
