// SPDX-License-Identifier: Apache-2.0
import {
  clipWindow,
  intersectWindows,
  mergeWindows,
  subtractWindows,
  type TimeWindow,
  windowDurationMs,
  windowsOverlap,
} from './time-window';

const BASE = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** A window from minute `a` to minute `b` after BASE. */
function w(a: number, b: number): TimeWindow {
  return { start: new Date(BASE + a * MINUTE), end: new Date(BASE + b * MINUTE) };
}

/** Windows written as minutes, "0-10 20-30", so each table row fits on one line. */
function ws(text: string): TimeWindow[] {
  return text
    .split(' ')
    .filter(Boolean)
    .map((pair) => {
      const [a, b] = pair.split('/').map(Number);
      return w(a, b);
    });
}

/** Back to the same notation for comparison. */
function text(windows: readonly TimeWindow[]): string {
  const minutes = (date: Date): number => (date.getTime() - BASE) / MINUTE;
  return windows.map((x) => `${minutes(x.start)}/${minutes(x.end)}`).join(' ');
}

describe('mergeWindows', () => {
  it.each([
    ['empty input', '', ''],
    ['one window', '0/10', '0/10'],
    ['disjoint, kept apart', '0/10 20/30', '0/10 20/30'],
    ['overlapping', '0/10 5/15', '0/15'],
    ['touching edges join', '0/10 10/20', '0/20'],
    ['containment', '0/30 5/10', '0/30'],
    ['unsorted input', '20/30 0/10 5/12', '0/12 20/30'],
    ['identical windows', '0/10 0/10', '0/10'],
    ['chain of overlaps', '0/5 4/9 8/13 20/21', '0/13 20/21'],
    ['empty window dropped', '5/5', ''],
    ['inverted window dropped', '10/5 0/1', '0/1'],
    ['long window swallows later short ones', '0/100 10/20 30/40 99/101', '0/101'],
    ['negative minutes (before BASE)', '-20/-10 -10/0', '-20/0'],
  ])('%s', (_name, input, expected) => {
    expect(text(mergeWindows(ws(input)))).toBe(expected);
  });

  it('drops windows with invalid dates', () => {
    expect(mergeWindows([{ start: new Date(NaN), end: new Date(BASE) }, w(0, 1)])).toEqual([w(0, 1)]);
  });

  it('returns fresh Date objects, never the caller’s', () => {
    const input = w(0, 10);
    const [out] = mergeWindows([input]);
    expect(out.start).not.toBe(input.start);
    out.start.setTime(0);
    expect(input.start.getTime()).toBe(BASE);
  });
});

describe('subtractWindows', () => {
  it.each([
    ['nothing minus anything', '', '0/10', ''],
    ['anything minus nothing', '0/10', '', '0/10'],
    ['hole in the middle', '0/30', '10/20', '0/10 20/30'],
    ['cut at the start', '0/30', '-5/10', '10/30'],
    ['cut at the end', '0/30', '20/40', '0/20'],
    ['fully covered', '10/20', '0/30', ''],
    ['exactly equal', '10/20', '10/20', ''],
    ['touching before leaves it whole', '10/20', '0/10', '10/20'],
    ['touching after leaves it whole', '10/20', '20/30', '10/20'],
    ['several holes', '0/100', '10/20 30/40 90/110', '0/10 20/30 40/90'],
    ['one removal across two windows', '0/10 20/30', '5/25', '0/5 25/30'],
    ['unsorted, overlapping removals', '0/50', '30/40 5/10 8/12', '0/5 12/30 40/50'],
    ['overlapping minuend merged first', '0/10 5/20', '9/11', '0/9 11/20'],
    ['removal between windows', '0/10 20/30', '12/18', '0/10 20/30'],
    ['removals before and after everything', '10/20', '0/5 25/30', '10/20'],
  ])('%s', (_name, a, b, expected) => {
    expect(text(subtractWindows(ws(a), ws(b)))).toBe(expected);
  });
});

describe('intersectWindows', () => {
  it.each([
    ['empty left', '', '0/10', ''],
    ['partial overlap', '0/10', '5/15', '5/10'],
    ['touching edges share nothing', '0/10', '10/20', ''],
    ['containment', '0/30', '10/20', '10/20'],
    ['many against one', '0/5 10/15 20/25', '3/22', '3/5 10/15 20/22'],
    ['interleaved', '0/10 20/30', '5/25 28/40', '5/10 20/25 28/30'],
    ['unsorted input', '20/30 0/10', '5/25', '5/10 20/25'],
    ['equal ends', '0/10 20/30', '0/10 20/30', '0/10 20/30'],
  ])('%s (either way round)', (_name, a, b, expected) => {
    expect(text(intersectWindows(ws(a), ws(b)))).toBe(expected);
    expect(text(intersectWindows(ws(b), ws(a)))).toBe(expected);
  });
});

describe('clipWindow, windowsOverlap, windowDurationMs', () => {
  it.each([
    ['inside', '10/20', '0/30', '10/20'],
    ['sticking out both sides', '0/30', '10/20', '10/20'],
    ['sticking out left', '0/15', '10/20', '10/15'],
    ['sticking out right', '15/25', '10/20', '15/20'],
    ['touching left', '0/10', '10/20', undefined],
    ['touching right', '20/30', '10/20', undefined],
    ['disjoint', '40/50', '10/20', undefined],
  ])('clips a window %s', (_name, window, bounds, expected) => {
    const [a, b] = [ws(window)[0], ws(bounds)[0]];
    const clipped = clipWindow(a, b);
    expect(clipped && text([clipped])).toBe(expected);
    expect(windowsOverlap(a, b)).toBe(expected !== undefined);
    expect(windowsOverlap(b, a)).toBe(expected !== undefined);
  });

  it('measures durations, empty and inverted windows as 0', () => {
    expect(windowDurationMs(w(0, 2))).toBe(2 * MINUTE);
    expect(windowDurationMs(w(2, 2))).toBe(0);
    expect(windowDurationMs(w(3, 2))).toBe(0);
  });
});

/**
 * Against a brute-force model: a bitmap of covered minutes. Random but seeded, so a failure
 * reproduces exactly.
 */
describe('set operations agree with a minute bitmap', () => {
  const SIZE = 240;
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const randomSet = (): TimeWindow[] =>
    Array.from({ length: random(8) }, () => {
      const a = random(SIZE - 40);
      return w(a, a + random(40));
    });
  /** '1' for each covered minute; one string comparison instead of hundreds of matcher calls. */
  const bitmap = (windows: readonly TimeWindow[]): string => {
    const bits = new Array<string>(SIZE).fill('0');
    for (const window of windows) {
      const [a, b] = [window.start, window.end].map((date) => (date.getTime() - BASE) / MINUTE);
      for (let i = a; i < b; i++) bits[i] = '1';
    }
    return bits.join('');
  };
  const combine = (a: string, b: string, rule: (x: boolean, y: boolean) => boolean): string =>
    [...a].map((bit, i) => (rule(bit === '1', b[i] === '1') ? '1' : '0')).join('');
  const isNormalised = (windows: readonly TimeWindow[]): boolean =>
    windows.every((x, i) => x.start < x.end && (i === 0 || x.start > windows[i - 1].end));

  it('for 500 random pairs of sets', () => {
    for (let run = 0; run < 500; run++) {
      const [a, b] = [randomSet(), randomSet()];
      const [bitsA, bitsB] = [bitmap(a), bitmap(b)];
      const union = mergeWindows([...a, ...b]);
      const difference = subtractWindows(a, b);
      const intersection = intersectWindows(a, b);
      expect([union, difference, intersection].every(isNormalised)).toBe(true);
      expect(bitmap(union)).toBe(combine(bitsA, bitsB, (x, y) => x || y));
      expect(bitmap(difference)).toBe(combine(bitsA, bitsB, (x, y) => x && !y));
      expect(bitmap(intersection)).toBe(combine(bitsA, bitsB, (x, y) => x && y));
    }
  });
});
