// SPDX-License-Identifier: Apache-2.0
import { intersectWindows, type TimeWindow } from '../common/time-window';
import {
  type ChannelPair,
  type ExistingSlot,
  generateSlots,
  type PassSummary,
  reconcileSlots,
  type SlotCandidate,
  type SlotGenerationInput,
} from './slot-generation';
import { type SlotState } from './slot-transitions';

const BASE = Date.UTC(2030, 0, 1);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** An instant `minutes` (fractions allowed) after BASE. */
function t(minutes: number): Date {
  return new Date(BASE + minutes * MINUTE);
}

function window(from: number, to: number): TimeWindow {
  return { start: t(from), end: t(to) };
}

function pass(aos: number, los: number, maxElevationDeg = 45): PassSummary {
  return { aos: t(aos), los: t(los), tca: t((aos + los) / 2), maxElevationDeg };
}

const UHF: ChannelPair = { gsChannelId: 'gs-uhf', scChannelId: 'sc-uhf' };
const SBAND: ChannelPair = { gsChannelId: 'gs-s', scChannelId: 'sc-s' };

function generate(changes: Partial<SlotGenerationInput>): SlotCandidate[] {
  return generateSlots({
    stationId: 'GS1',
    spacecraftId: 'SC1',
    passes: [pass(10, 20)],
    availability: new Map([['gs-uhf', [window(0, 1000)]]]),
    channelPairs: [UHF],
    ...changes,
  });
}

/** "gsChannel start-end" in minutes after BASE, for compact expectations. */
function describeSlots(slots: readonly SlotCandidate[]): string[] {
  const minutes = (date: Date): number => (date.getTime() - BASE) / MINUTE;
  return slots.map((slot) => `${slot.gsChannelId} ${minutes(slot.start)}-${minutes(slot.end)}`);
}

describe('generateSlots', () => {
  it('keeps a pass that is wholly available, with its key and pass figures', () => {
    expect(generate({})).toEqual([
      {
        stationId: 'GS1',
        spacecraftId: 'SC1',
        ...UHF,
        start: t(10),
        end: t(20),
        tca: t(15),
        maxElevationDeg: 45,
      },
    ]);
  });

  it.each<[string, TimeWindow[], string[]]>([
    ['cut at the start', [window(12, 100)], ['gs-uhf 12-20']],
    ['cut at the end', [window(0, 17)], ['gs-uhf 10-17']],
    ['split by a hole', [window(0, 13), window(15, 100)], ['gs-uhf 10-13', 'gs-uhf 15-20']],
    ['split, dropping the short piece', [window(0, 11), window(14, 100)], ['gs-uhf 14-20']],
    ['exactly the minimum (2 min) kept', [window(18, 100)], ['gs-uhf 18-20']],
    ['a millisecond short of the minimum dropped', [window(18 + 1 / MINUTE, 100)], []],
    ['touching windows joined, not split', [window(0, 15), window(15, 100)], ['gs-uhf 10-20']],
    ['overlapping, unsorted windows merged', [window(14, 100), window(0, 16)], ['gs-uhf 10-20']],
    ['availability touching the pass only at its edges', [window(0, 10), window(20, 30)], []],
    ['no availability', [], []],
  ])('a pass %s', (_name, availability, expected) => {
    expect(describeSlots(generate({ availability: new Map([['gs-uhf', availability]]) }))).toEqual(expected);
  });

  it('honours a custom minimum duration, and 0 keeps any non-empty piece', () => {
    const availability = new Map([['gs-uhf', [window(0, 10.5), window(19.5, 100)]]]);
    expect(describeSlots(generate({ availability, minDurationS: 30 }))).toEqual([
      'gs-uhf 10-10.5',
      'gs-uhf 19.5-20',
    ]);
    expect(describeSlots(generate({ availability, minDurationS: 31 }))).toEqual([]);
    expect(describeSlots(generate({ passes: [pass(10, 10.001)], minDurationS: 0 }))).toEqual([
      'gs-uhf 10-10.001',
    ]);
  });

  it('gives the pass figures to every piece, even when the TCA lies outside it', () => {
    const [piece] = generate({ availability: new Map([['gs-uhf', [window(17, 100)]]]) });
    expect(piece.tca).toEqual(t(15));
    expect(piece.maxElevationDeg).toBe(45);
  });

  it('produces one slot per compatible pair, each cut to its own GS channel', () => {
    const slots = generate({
      channelPairs: [SBAND, UHF, { gsChannelId: 'gs-uhf', scChannelId: 'sc-uhf-2' }],
      availability: new Map([
        ['gs-uhf', [window(0, 100)]],
        ['gs-s', [window(15, 100)]],
      ]),
    });
    expect(slots.map((slot) => `${slot.scChannelId} ${describeSlots([slot])[0]}`)).toEqual([
      'sc-uhf gs-uhf 10-20',
      'sc-uhf-2 gs-uhf 10-20',
      'sc-s gs-s 15-20',
    ]);
  });

  it('ignores a channel missing from the availability map, and repeated pairs', () => {
    expect(generate({ channelPairs: [SBAND] })).toEqual([]);
    expect(generate({ channelPairs: [UHF, { ...UHF }] })).toHaveLength(1);
  });

  it.each<[string, Partial<SlotGenerationInput>]>([
    ['no passes', { passes: [] }],
    ['no channel pairs', { channelPairs: [] }],
    ['an empty pass', { passes: [pass(10, 10)] }],
  ])('returns nothing for %s', (_name, changes) => {
    expect(generate(changes)).toEqual([]);
  });

  it('orders by start whatever the order of passes', () => {
    const passes = [pass(300, 310), pass(10, 20), pass(150, 160)];
    expect(describeSlots(generate({ passes }))).toEqual(['gs-uhf 10-20', 'gs-uhf 150-160', 'gs-uhf 300-310']);
  });

  it('agrees with a plain intersection for many passes and windows', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const passes = Array.from({ length: 60 }, (_, i) =>
      pass(i * 100 + random(50), i * 100 + 55 + random(30)),
    );
    const availability = Array.from({ length: 80 }, () => {
      const start = random(6000);
      return window(start, start + random(120));
    });
    const expected = passes.flatMap((p) =>
      intersectWindows([{ start: p.aos, end: p.los }], availability).filter(
        (piece) => piece.end.getTime() - piece.start.getTime() >= 2 * MINUTE,
      ),
    );
    const slots = generate({ passes, availability: new Map([['gs-uhf', availability]]) });
    expect(slots.map(({ start, end }) => ({ start, end }))).toEqual(expected);
  });
});

describe('reconcileSlots', () => {
  const now = t(0);
  let nextId = 0;

  function candidate(start: number, end: number, changes: Partial<SlotCandidate> = {}): SlotCandidate {
    return {
      stationId: 'GS1',
      spacecraftId: 'SC1',
      ...UHF,
      start: t(start),
      end: t(end),
      tca: t(start),
      maxElevationDeg: 30,
      ...changes,
    };
  }

  function stored(
    start: number,
    end: number,
    state: SlotState = 'FREE',
    changes: Partial<ExistingSlot> = {},
  ): ExistingSlot {
    return { ...candidate(start, end), id: `s${++nextId}`, state, ...changes };
  }

  it('creates every candidate when nothing is stored', () => {
    const candidates = [candidate(30, 40), candidate(10, 20)];
    expect(reconcileSlots([], candidates, { now })).toEqual({
      created: [candidates[1], candidates[0]],
      updated: [],
      unchanged: [],
      vanished: [],
    });
  });

  it('reports an exact match as unchanged', () => {
    const slot = stored(10, 20);
    expect(reconcileSlots([slot], [candidate(10, 20)], { now })).toMatchObject({
      unchanged: [slot],
      created: [],
      updated: [],
      vanished: [],
    });
  });

  it('updates a slot whose pass figures changed though its times did not', () => {
    const slot = stored(10, 20);
    const moved = candidate(10, 20, { maxElevationDeg: 31 });
    expect(reconcileSlots([slot], [moved], { now }).updated).toEqual([{ slot, candidate: moved }]);
  });

  it('takes the same pass found from another search start as unchanged (peak elevation equal but for float noise)', () => {
    const slot = stored(10, 20, 'RESERVED', { maxElevationDeg: 30 + 6e-14 });
    expect(reconcileSlots([slot], [candidate(10, 20)], { now }).unchanged).toEqual([slot]);
  });

  it('compares the pass figures only when the stored slot keeps them', () => {
    const slot = stored(10, 20, 'FREE', { tca: null, maxElevationDeg: undefined });
    expect(reconcileSlots([slot], [candidate(10, 20, { maxElevationDeg: 80 })], { now }).unchanged).toEqual([
      slot,
    ]);
  });

  it.each<[string, number, number, boolean]>([
    ['start moved 30 s later', 10.5, 20, true],
    ['both edges moved 60 s earlier (the default tolerance)', 9, 19, true],
    ['end moved 60 s + 1 ms', 10, 21 + 1 / MINUTE, false],
    ['start moved 61 s earlier', 10 - 61 / 60, 20, false],
    ['start moved 61 s later', 10 + 61 / 60, 20, false],
    ['shortened by a rule cutting 5 minutes', 10, 15, false],
  ])('%s → kept: %p', (_name, start, end, kept) => {
    const slot = stored(10, 20, 'RESERVED');
    const fresh = candidate(start, end);
    const result = reconcileSlots([slot], [fresh], { now });
    if (kept)
      expect(result).toMatchObject({ updated: [{ slot, candidate: fresh }], created: [], vanished: [] });
    else expect(result).toMatchObject({ updated: [], created: [fresh], vanished: [slot] });
  });

  it('takes a custom tolerance, 0 meaning exact matches only', () => {
    const slot = stored(10, 20);
    expect(reconcileSlots([slot], [candidate(10, 20 + 1 / MINUTE)], { now, toleranceS: 0 }).vanished).toEqual(
      [slot],
    );
    expect(reconcileSlots([slot], [candidate(12, 22)], { now, toleranceS: 120 }).updated).toHaveLength(1);
  });

  it('never matches windows that do not overlap, however short', () => {
    const slot = stored(10, 10.5);
    const result = reconcileSlots([slot], [candidate(10.75, 11.25)], { now, toleranceS: 60 });
    expect(result.vanished).toEqual([slot]);
    expect(result.created).toHaveLength(1);
  });

  it.each<[string, Partial<SlotCandidate>]>([
    ['another GS channel', { gsChannelId: 'gs-s' }],
    ['another SC channel', { scChannelId: 'sc-s' }],
    ['another station', { stationId: 'GS2' }],
    ['another spacecraft', { spacecraftId: 'SC2' }],
  ])('does not match a candidate for %s', (_name, changes) => {
    const slot = stored(10, 20);
    expect(reconcileSlots([slot], [candidate(10, 20, changes)], { now })).toMatchObject({
      vanished: [slot],
      created: [{ ...changes }],
    });
  });

  it.each<SlotState>(['FREE', 'SELECTED', 'RESERVED'])(
    'reports a vanished %s slot for the caller to remove',
    (state) => {
      const slot = stored(10, 20, state);
      expect(reconcileSlots([slot], [], { now }).vanished).toEqual([slot]);
    },
  );

  it.each<SlotState>(['DENIED', 'CANCELED', 'REMOVED', 'COMPLETED'])(
    'leaves a %s slot as history and offers its window again as a new slot',
    (state) => {
      const slot = stored(10, 20, state);
      const fresh = candidate(10, 20);
      expect(reconcileSlots([slot], [fresh], { now })).toEqual({
        created: [fresh],
        updated: [],
        unchanged: [],
        vanished: [],
      });
    },
  );

  it('leaves slots and candidates that ended by `now` alone', () => {
    const later = t(100);
    const past = stored(10, 20, 'RESERVED');
    const endingNow = stored(90, 100, 'RESERVED');
    const result = reconcileSlots([past, endingNow], [candidate(50, 60), candidate(90, 100)], { now: later });
    expect(result).toEqual({ created: [], updated: [], unchanged: [], vanished: [] });
  });

  it('still reconciles a slot in progress', () => {
    const running = stored(10, 20, 'RESERVED');
    expect(reconcileSlots([running], [], { now: t(15) }).vanished).toEqual([running]);
    expect(reconcileSlots([running], [candidate(10, 20.5)], { now: t(15) }).updated).toHaveLength(1);
  });

  it('matches each slot to the candidate that moved least, and each candidate once', () => {
    const slot = stored(10, 20);
    const near = candidate(10.25, 20.25);
    const nearer = candidate(9.9, 20);
    const result = reconcileSlots([slot], [near, nearer], { now });
    expect(result.updated).toEqual([{ slot, candidate: nearer }]);
    expect(result.created).toEqual([near]);
  });

  it('gives a contested candidate to the earlier slot and reports the other vanished', () => {
    const [first, second] = [stored(10, 20), stored(10.5, 20.5)];
    const result = reconcileSlots([second, first], [candidate(10.25, 20.25)], { now });
    expect(result.updated.map((update) => update.slot)).toEqual([first]);
    expect(result.vanished).toEqual([second]);
  });

  it('does not depend on input order', () => {
    const slots = [stored(10, 20), stored(30, 40, 'SELECTED'), stored(50, 60, 'RESERVED'), stored(70, 80)];
    const candidates = [
      candidate(10.5, 20),
      candidate(30, 40),
      candidate(55, 65),
      candidate(90, 100),
      candidate(0.5, 5),
    ];
    const forward = reconcileSlots(slots, candidates, { now });
    const backward = reconcileSlots([...slots].reverse(), [...candidates].reverse(), { now });
    expect(backward).toEqual(forward);
    expect(forward.vanished.map((slot) => slot.id)).toEqual([slots[2].id, slots[3].id]);
    expect(forward.created.map((c) => c.start)).toEqual([t(0.5), t(55), t(90)]);
  });

  it('round-trips: stored slots from a generation are unchanged by the same generation', () => {
    const passes = [pass(10, 20), pass(110, 125), pass(210, 218)];
    const availability = new Map([['gs-uhf', [window(0, 115), window(118, 1000)]]]);
    const first = generate({ passes, availability });
    const slots = first.map((slot, i) => ({ ...slot, id: `slot-${i}`, state: 'FREE' as const }));
    expect(reconcileSlots(slots, first, { now }).unchanged).toEqual(slots);
    // A REMOVE rule now takes 115–125 away: the second piece of the second pass vanishes.
    const shrunk = new Map([['gs-uhf', [window(0, 115), window(125, 1000)]]]);
    const result = reconcileSlots(slots, generate({ passes, availability: shrunk }), { now });
    expect(result.vanished.map((slot) => slot.id)).toEqual(['slot-2']);
    expect(result.created).toEqual([]);
  });
});
