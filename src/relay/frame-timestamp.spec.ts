// SPDX-License-Identifier: Apache-2.0
import { parseFrameTimestamp } from './frame-timestamp';

const instant = (value: string | number) => {
  const parsed = parseFrameTimestamp(value);
  return 'time' in parsed ? parsed.time.toISOString() : undefined;
};

describe('parseFrameTimestamp', () => {
  it.each([
    ['2030-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
    ['2030-01-01T00:00:00.125Z', '2030-01-01T00:00:00.125Z'],
    ['2030-01-01t00:00:00.1z', '2030-01-01T00:00:00.100Z'],
    ['2030-01-01 00:00:00+00:00', '2030-01-01T00:00:00.000Z'],
    ['2030-01-01T01:30:00+0130', '2030-01-01T00:00:00.000Z'],
    ['2029-12-31T19:00:00-05:00', '2030-01-01T00:00:00.000Z'],
    // Java's ZonedDateTime.toString(): nanoseconds and an RFC 9557 zone name (50 characters)
    ['2026-12-02T02:00:00.123456789+01:00[Europe/Madrid]', '2026-12-02T01:00:00.123Z'],
    ['2030-01-01T00:00:00,5Z', '2030-01-01T00:00:00.500Z'],
    ['2030-01-01T00:00:00.1239Z', '2030-01-01T00:00:00.123Z'], // dropped, not rounded (protocol §5.3)
    [1893456000000, '2030-01-01T00:00:00.000Z'],
    [0, '1970-01-01T00:00:00.000Z'],
  ])('reads %p', (value, expected) => {
    expect(instant(value)).toBe(expected);
  });

  it.each([
    '2030-01-01T00:00:00', // no offset: whose local time?
    '2030-01-01',
    '2030-01-01T00:00Z', // no seconds
    '2030-W01-1T00:00:00Z', // week date
    '2030-001T00:00:00Z', // ordinal date
    '1',
    'yesterday',
    '2030-02-30T00:00:00Z',
    '2030-13-01T00:00:00Z',
    '2030-01-01T24:00:00Z',
    '2030-01-01T00:00:00+24:00',
    '2030-01-01T00:00:00.1234567890Z',
    '2030-01-01T00:00:00Z[',
    '1969-12-31T23:59:59Z',
    ' 2030-01-01T00:00:00Z',
  ])('refuses %p with a message that says what is accepted', (value) => {
    const parsed = parseFrameTimestamp(value);
    expect(parsed).toEqual({ invalid: expect.stringContaining('ISO 8601') });
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER, 253402300800000])('refuses %p milliseconds', (value) => {
    expect(parseFrameTimestamp(value)).toEqual({ invalid: expect.stringContaining('milliseconds') });
  });
});
