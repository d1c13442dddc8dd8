// SPDX-License-Identifier: Apache-2.0
import fc from 'fast-check';
import { isoTime } from './iso-time';

describe('isoTime', () => {
  it.each([
    0,
    -1, // 1969-12-31T23:59:59.999Z
    Date.UTC(2030, 0, 1),
    Date.UTC(2030, 0, 1) - 1,
    Date.UTC(2028, 1, 29, 23, 59, 59, 999), // a leap day's last millisecond
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    Date.UTC(10000, 0, 1), // +010000-…: toISOString's own form
    -62_198_755_200_000 - 1, // the last millisecond of year -1
  ])('formats %p as toISOString does', (ms) => {
    expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('formats any millisecond as toISOString does, in any order (a fixed seed; it is printed on failure)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -8.64e15, max: 8.64e15 }), { minLength: 1 }), (times) => {
        for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });

  it('refuses a time that is not one, as toISOString does', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
