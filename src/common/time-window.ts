// SPDX-License-Identifier: Apache-2.0
/**
 * Half-open time windows [start, end) and the set operations availability and slot generation
 * are built from. Pure: no clock, no I/O.
 *
 * Every operation accepts windows in any order, treats a window with end <= start (or an invalid
 * Date) as empty, and returns a normalised set: sorted by start, non-empty, pairwise disjoint and
 * not touching, as fresh Date objects (callers may mutate the result without touching the input).
 * Sorting is skipped when the input is already sorted, so sorted input costs linear time.
 */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** Milliseconds since the epoch; the operations below work on these to avoid Date churn. */
interface Span {
  start: number;
  end: number;
}

/** The union of `windows`: overlapping and touching windows become one. */
export function mergeWindows(windows: readonly TimeWindow[]): TimeWindow[] {
  return toWindows(normalise(windows));
}

/** The parts of `a` not covered by any window of `b`. */
export function subtractWindows(a: readonly TimeWindow[], b: readonly TimeWindow[]): TimeWindow[] {
  const minuend = normalise(a);
  const subtrahend = normalise(b);
  const result: Span[] = [];
  let j = 0;
  for (const span of minuend) {
    let cursor = span.start;
    // Removals ending at or before this span cannot touch it or any later one (both sorted).
    while (j < subtrahend.length && subtrahend[j].end <= cursor) j++;
    for (let k = j; k < subtrahend.length && subtrahend[k].start < span.end; k++) {
      if (subtrahend[k].start > cursor) result.push({ start: cursor, end: subtrahend[k].start });
      cursor = Math.max(cursor, subtrahend[k].end);
    }
    if (cursor < span.end) result.push({ start: cursor, end: span.end });
  }
  return toWindows(result);
}

/** The instants covered by both `a` and `b`. */
export function intersectWindows(a: readonly TimeWindow[], b: readonly TimeWindow[]): TimeWindow[] {
  const left = normalise(a);
  const right = normalise(b);
  const result: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const start = Math.max(left[i].start, right[j].start);
    const end = Math.min(left[i].end, right[j].end);
    if (start < end) result.push({ start, end });
    // Advance whichever ends first: it cannot overlap anything further in the other list.
    if (left[i].end < right[j].end) i++;
    else j++;
  }
  return toWindows(result);
}

/** `window` cut to `bounds`, or undefined when nothing of it lies inside. */
export function clipWindow(window: TimeWindow, bounds: TimeWindow): TimeWindow | undefined {
  const start = Math.max(window.start.getTime(), bounds.start.getTime());
  const end = Math.min(window.end.getTime(), bounds.end.getTime());
  return start < end ? { start: new Date(start), end: new Date(end) } : undefined;
}

/** True when the two windows share at least one instant (touching edges do not count). */
export function windowsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return clipWindow(a, b) !== undefined;
}

/** Length in milliseconds; 0 for an empty or invalid window. */
export function windowDurationMs(window: TimeWindow): number {
  const length = window.end.getTime() - window.start.getTime();
  return length > 0 ? length : 0;
}

/** Sorted, disjoint, non-touching spans. */
function normalise(windows: readonly TimeWindow[]): Span[] {
  const spans = toSpans(windows);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Non-empty spans sorted by start; NaN (invalid Date) fails `start < end` and is dropped. */
function toSpans(windows: readonly TimeWindow[]): Span[] {
  const spans: Span[] = [];
  let sorted = true;
  for (const window of windows) {
    const start = window.start.getTime();
    const end = window.end.getTime();
    if (!(start < end)) continue;
    if (spans.length > 0 && start < spans[spans.length - 1].start) sorted = false;
    spans.push({ start, end });
  }
  if (!sorted) spans.sort((x, y) => x.start - y.start);
  return spans;
}

function toWindows(spans: readonly Span[]): TimeWindow[] {
  return spans.map((span) => ({ start: new Date(span.start), end: new Date(span.end) }));
}
