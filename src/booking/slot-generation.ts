// SPDX-License-Identifier: Apache-2.0
import { clipWindow, mergeWindows, type TimeWindow } from '../common/time-window';
import { isLive, type SlotState } from './slot-transitions';

/**
 * Operational slots from passes, availability and channel compatibility, and the comparison of
 * a fresh computation with the slots already stored (DESIGN.md §3 "Operational slots and
 * booking"). Pure: the booking service loads, calls these, and writes the differences.
 */

/** What slot generation needs of a pass (orbit/passes.ts `Pass` fits). */
export interface PassSummary {
  aos: Date;
  los: Date;
  tca: Date;
  maxElevationDeg: number;
}

/** A compatible pair of channels (radio/compatibility.ts `CompatiblePair` fits). */
export interface ChannelPair {
  gsChannelId: string;
  scChannelId: string;
}

export interface SlotKey extends ChannelPair {
  stationId: string;
  spacecraftId: string;
}

/**
 * A bookable window. `tca` and `maxElevationDeg` describe the whole pass, so they may lie
 * outside a slot that availability cut to a part of it.
 */
export interface SlotCandidate extends SlotKey, TimeWindow {
  tca: Date;
  maxElevationDeg: number;
}

export const DEFAULT_MIN_SLOT_DURATION_S = 120;
export const DEFAULT_RECONCILE_TOLERANCE_S = 60;

export interface SlotGenerationInput {
  stationId: string;
  spacecraftId: string;
  passes: readonly PassSummary[];
  /**
   * Availability per GS channel id, as expandRules(rules, from, to, channelId) returns it; a
   * channel missing here has none. Expand over at least every pass's [aos, los): a pass cut by
   * the end of the range (rather than by a rule) gives a shortened slot that will seem to have
   * moved when the range rolls forward, and a moved reserved slot is REMOVED.
   */
  availability: ReadonlyMap<string, readonly TimeWindow[]>;
  channelPairs: readonly ChannelPair[];
  minDurationS?: number;
}

/**
 * For one (spacecraft, station): each pass cut to each compatible channel pair's availability,
 * keeping pieces at least `minDurationS` long. Ordered by start, then GS and SC channel id.
 */
export function generateSlots(input: SlotGenerationInput): SlotCandidate[] {
  const minMs = Math.max(0, input.minDurationS ?? DEFAULT_MIN_SLOT_DURATION_S) * 1000;
  const passes = [...input.passes].sort((a, b) => a.aos.getTime() - b.aos.getTime());
  const piecesByChannel = new Map<string, PassPiece[]>();
  const candidates: SlotCandidate[] = [];
  for (const pair of uniquePairs(input.channelPairs)) {
    let pieces = piecesByChannel.get(pair.gsChannelId);
    if (pieces === undefined) {
      pieces = cutPasses(passes, input.availability.get(pair.gsChannelId) ?? [], minMs);
      piecesByChannel.set(pair.gsChannelId, pieces);
    }
    const key = { stationId: input.stationId, spacecraftId: input.spacecraftId, ...pair };
    // Fresh Dates per candidate: pairs on one GS channel share pieces, and callers may mutate.
    for (const { pass, window } of pieces)
      candidates.push({
        ...key,
        start: new Date(window.start),
        end: new Date(window.end),
        tca: new Date(pass.tca),
        maxElevationDeg: pass.maxElevationDeg,
      });
  }
  return candidates.sort(compareCandidates);
}

interface PassPiece {
  pass: PassSummary;
  window: TimeWindow;
}

/** Passes (sorted by AOS) cut to availability; a binary search finds each pass's first window. */
function cutPasses(
  passes: readonly PassSummary[],
  availability: readonly TimeWindow[],
  minMs: number,
): PassPiece[] {
  const windows = mergeWindows(availability);
  const pieces: PassPiece[] = [];
  for (const pass of passes) {
    const [aos, los] = [pass.aos.getTime(), pass.los.getTime()];
    for (let i = partitionPoint(windows, (w) => w.end.getTime() <= aos); i < windows.length; i++) {
      if (windows[i].start.getTime() >= los) break;
      const window = clipWindow(windows[i], { start: pass.aos, end: pass.los });
      if (window !== undefined && window.end.getTime() - window.start.getTime() >= minMs)
        pieces.push({ pass, window });
    }
  }
  return pieces;
}

/** Binary search: the first index of `items` for which `before` is false (it must be true, then false). */
function partitionPoint<T>(items: readonly T[], before: (item: T) => boolean): number {
  let [low, high] = [0, items.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(items[middle])) low = middle + 1;
    else high = middle;
  }
  return low;
}

function uniquePairs(pairs: readonly ChannelPair[]): ChannelPair[] {
  const byKey = new Map(pairs.map((pair) => [`${pair.gsChannelId}\u0000${pair.scChannelId}`, pair]));
  return [...byKey.values()].map(({ gsChannelId, scChannelId }) => ({ gsChannelId, scChannelId }));
}

/** A slot as stored: the booking service's row, or anything carrying these fields. */
export interface ExistingSlot extends SlotKey, TimeWindow {
  id: string;
  state: SlotState;
  /** Compared when present, so a changed pass figure counts as an update. */
  tca?: Date | null;
  maxElevationDeg?: number | null;
}

export interface SlotUpdate<S extends ExistingSlot> {
  slot: S;
  /** The new times (and pass figures) for `slot`, which keeps its id and state. */
  candidate: SlotCandidate;
}

export interface Reconciliation<S extends ExistingSlot> {
  /** New windows: store them as FREE slots. */
  created: SlotCandidate[];
  /** Windows that moved within the tolerance, or whose pass figures changed. */
  updated: SlotUpdate<S>[];
  /** Matched exactly; nothing to write. */
  unchanged: S[];
  /**
   * Live slots whose window no longer exists: FREE ones may be deleted or REMOVED; SELECTED and
   * RESERVED ones must become REMOVED, with both owners told (never silently deleted).
   */
  vanished: S[];
}

export interface ReconcileOptions {
  now: Date;
  /** How far start and end may each move for a slot to keep its id; DEFAULT_RECONCILE_TOLERANCE_S. */
  toleranceS?: number;
}

/**
 * Compares stored slots with freshly generated candidates for the same scope (pass every live
 * slot of the stations and spacecraft that were regenerated, over the range the candidates were
 * computed for). A stored slot keeps its id when a candidate with the same station, spacecraft
 * and channel pair overlaps it and neither its start nor its end moved more than the tolerance;
 * among several, the one that moved least wins. Left alone entirely: slots and candidates that
 * ended by `now` (history), and stored slots that are not live (DENIED, CANCELED, REMOVED,
 * COMPLETED — the record of a booking that ended), so a window whose booking ended that way comes
 * back as a new FREE slot. Every list is sorted by start, then slot id or key, so the output does
 * not depend on input order.
 */
export function reconcileSlots<S extends ExistingSlot>(
  existing: readonly S[],
  candidates: readonly SlotCandidate[],
  options: ReconcileOptions,
): Reconciliation<S> {
  const toleranceMs = (options.toleranceS ?? DEFAULT_RECONCILE_TOLERANCE_S) * 1000;
  const nowMs = options.now.getTime();
  // getTime() rather than comparing Dates: relational operators on objects take V8's slow path.
  const current = (window: TimeWindow): boolean => window.end.getTime() > nowMs;
  const pools = groupByKey(candidates.filter(current));
  const result: Reconciliation<S> = { created: [], updated: [], unchanged: [], vanished: [] };
  const slots = existing.filter((slot) => current(slot) && isLive(slot.state)).sort(compareSlots);
  for (const slot of slots) {
    const pool = pools.get(keyOf(slot));
    const index = pool && closestMatch(slot, pool, toleranceMs);
    if (pool === undefined || index === undefined) {
      result.vanished.push(slot);
      continue;
    }
    pool.taken[index] = true;
    const candidate = pool.candidates[index];
    if (sameCandidate(slot, candidate)) result.unchanged.push(slot);
    else result.updated.push({ slot, candidate });
  }
  result.created = [...pools.values()]
    .flatMap((pool) => pool.candidates.filter((_, i) => !pool.taken[i]))
    .sort(compareCandidates);
  return result;
}

/** The candidates of one slot key, sorted by start, and which of them a slot has claimed. */
interface Pool {
  candidates: SlotCandidate[];
  taken: boolean[];
}

/**
 * Index of the free candidate in `pool` that overlaps `slot`, moved each edge by at most the
 * tolerance and moved least in total (the earliest on a tie). Only candidates starting within the
 * tolerance of the slot's start can qualify; a binary search skips to them.
 */
function closestMatch(slot: ExistingSlot, pool: Pool, toleranceMs: number): number | undefined {
  const [start, end] = [slot.start.getTime(), slot.end.getTime()];
  const { candidates, taken } = pool;
  let best: { index: number; moved: number } | undefined;
  const earliest = start - toleranceMs;
  for (let i = partitionPoint(candidates, (c) => c.start.getTime() < earliest); i < candidates.length; i++) {
    const [candidateStart, candidateEnd] = [candidates[i].start.getTime(), candidates[i].end.getTime()];
    if (candidateStart > start + toleranceMs) break;
    const moved = Math.abs(candidateStart - start) + Math.abs(candidateEnd - end);
    const fits =
      !taken[i] &&
      Math.abs(candidateEnd - end) <= toleranceMs &&
      candidateStart < end &&
      start < candidateEnd;
    if (fits && (best === undefined || moved < best.moved)) best = { index: i, moved };
  }
  return best?.index;
}

/** Same times, and the same pass figures where the stored slot keeps them. */
/**
 * The same pass found again from another search start differs in its peak elevation by float
 * noise (~1e-14°) though its times agree to the millisecond; that is no change to store.
 */
const SAME_ELEVATION_DEG = 1e-9;

function sameCandidate(slot: ExistingSlot, candidate: SlotCandidate): boolean {
  return (
    slot.start.getTime() === candidate.start.getTime() &&
    slot.end.getTime() === candidate.end.getTime() &&
    (slot.tca == null || slot.tca.getTime() === candidate.tca.getTime()) &&
    (slot.maxElevationDeg == null ||
      Math.abs(slot.maxElevationDeg - candidate.maxElevationDeg) <= SAME_ELEVATION_DEG)
  );
}

function groupByKey(candidates: readonly SlotCandidate[]): Map<string, Pool> {
  const pools = new Map<string, Pool>();
  for (const candidate of candidates) {
    const key = keyOf(candidate);
    const pool = pools.get(key);
    if (pool === undefined) pools.set(key, { candidates: [candidate], taken: [] });
    else pool.candidates.push(candidate);
  }
  for (const pool of pools.values()) {
    pool.candidates.sort(compareCandidates);
    pool.taken = pool.candidates.map(() => false);
  }
  return pools;
}

function keyOf(key: SlotKey): string {
  return `${key.stationId}\u0000${key.spacecraftId}\u0000${key.gsChannelId}\u0000${key.scChannelId}`;
}

/** Code-unit order, not localeCompare: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(a: SlotKey, b: SlotKey): number {
  return (
    compareText(a.stationId, b.stationId) ||
    compareText(a.spacecraftId, b.spacecraftId) ||
    compareText(a.gsChannelId, b.gsChannelId) ||
    compareText(a.scChannelId, b.scChannelId)
  );
}

function compareCandidates(a: SlotCandidate, b: SlotCandidate): number {
  return a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime() || compareKeys(a, b);
}

function compareSlots(a: ExistingSlot, b: ExistingSlot): number {
  return a.start.getTime() - b.start.getTime() || compareText(a.id, b.id);
}
