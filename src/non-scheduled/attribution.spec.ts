// SPDX-License-Identifier: Apache-2.0
import { buildCspFrame } from '../csp/csp-frame';
import { type CspVersion, makeCspHeader } from '../csp/csp-header';
import * as passes from '../orbit/passes';
import { EQUATORIAL_TLE, FIXTURE_START, ISS_TLE, VIGO } from '../orbit/test-fixtures';
import { parseTle } from '../orbit/tle';
import { type AttributionCandidate, Attributor } from './attribution';

const ISS = parseTle(ISS_TLE.line1, ISS_TLE.line2);
const EQUATORIAL = parseTle(EQUATORIAL_TLE.line1, EQUATORIAL_TLE.line2);
const MARGIN_MS = 120_000;
/** The ISS's first two passes over Vigo after FIXTURE_START (found by the pass finder itself). */
const [FIRST, SECOND] = passes.findPasses(
  ISS,
  VIGO,
  FIXTURE_START,
  new Date(FIXTURE_START.getTime() + 86_400_000),
  {
    minDurationS: 10,
  },
);

const frame = (source: number, version: CspVersion = 1, payload = 'beacon') =>
  buildCspFrame(
    version,
    makeCspHeader({ source, sourcePort: 1, destination: 2, destinationPort: 3 }),
    Buffer.from(payload),
  );
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
const candidate = (
  spacecraftId: string,
  addresses: number[],
  overrides: Partial<AttributionCandidate> = {},
): AttributionCandidate => ({ spacecraftId, version: 1, addresses, tle: ISS, ...overrides });

describe('Attributor: CSP source address and a pass at that time (docs/api.md "Non-scheduled frames")', () => {
  afterEach(() => jest.restoreAllMocks());

  it('attributes by address during a pass and within the margin around it, not beyond', () => {
    const attributor = new Attributor([candidate('iss', [10])], VIGO, MARGIN_MS);
    const mid = new Date((FIRST.aos.getTime() + FIRST.los.getTime()) / 2);
    expect(
      attributor.attribute([
        { data: frame(10), gsTime: mid },
        { data: frame(10), gsTime: at(FIRST.aos, -110) },
        { data: frame(10), gsTime: at(FIRST.los, 110) },
        { data: frame(10), gsTime: at(FIRST.aos, -150) },
        { data: frame(10), gsTime: at(FIRST.los, 150) },
        { data: frame(11), gsTime: mid },
      ]),
    ).toEqual(['iss', 'iss', 'iss', null, null, null]);
  });

  it('reads the header in each candidate version: a v2 address is not a v1 one', () => {
    const attributor = new Attributor(
      [candidate('v1', [10]), candidate('v2', [300], { version: 2 })],
      VIGO,
      MARGIN_MS,
    );
    const time = at(FIRST.aos, 30);
    expect(
      attributor.attribute([
        { data: frame(300, 2), gsTime: time },
        { data: frame(10, 1), gsTime: time },
        { data: frame(10, 1, '').subarray(0, 5), gsTime: time }, // too short for a v2 header
      ]),
    ).toEqual(['v2', 'v1', 'v1']);
  });

  it('leaves a frame unattributed when two spacecraft fit, and ignores one without a TLE or a pass', () => {
    const time = at(FIRST.aos, 30);
    const shared = (others: AttributionCandidate[]) =>
      new Attributor([candidate('iss', [10]), ...others], VIGO, MARGIN_MS).attribute([
        { data: frame(10), gsTime: time },
      ]);
    expect(shared([candidate('twin', [10])])).toEqual([null]);
    expect(shared([candidate('no-tle', [10], { tle: null })])).toEqual(['iss']);
    expect(shared([candidate('not-overhead', [10], { tle: EQUATORIAL })])).toEqual(['iss']);
  });

  it('searches passes once per spacecraft and cluster of frame times, not per frame', () => {
    const search = jest.spyOn(passes, 'findPasses');
    const frames = [FIRST, SECOND].flatMap((pass) =>
      Array.from({ length: 500 }, (_, i) => ({ data: frame(10, 1, `f${i}`), gsTime: at(pass.aos, i * 0.4) })),
    );
    const attributed = new Attributor(
      [candidate('iss', [10]), candidate('other', [99])],
      VIGO,
      MARGIN_MS,
    ).attribute(frames);
    expect(attributed.every((id) => id === 'iss')).toBe(true);
    expect(search).toHaveBeenCalledTimes(2); // two passes, hours apart: two clusters, one spacecraft
  });
});
