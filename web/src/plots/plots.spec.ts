// SPDX-License-Identifier: Apache-2.0
import { ISS_TLE } from '../../../src/orbit/test-fixtures';
import { dopplerCurve, niceCeil } from './doppler-curve';
import { hexDump, hexToBytes, bytesToBase64, base64ToBytes } from './hex';
import { formatMask, horizonMaskPath, maskElevationAt, parseMask } from './horizon-mask';
import { passTrack } from './pass-track';
import { elevationRings, polarPoint } from './polar';
import { skyTrack } from './sky-plot';
import { wallClockMs, weekRows } from './week-view';

describe('polar sky plot', () => {
  it('puts the zenith at the centre, the horizon on the rim, north up and east right', () => {
    expect(polarPoint(123, 90, 100)).toEqual({ x: 0, y: 0 });
    expect(polarPoint(0, 0, 100)).toEqual({ x: 0, y: -100 });
    expect(polarPoint(90, 0, 100)).toEqual({ x: 100, y: 0 });
    expect(polarPoint(180, 45, 100)).toEqual({ x: 0, y: 50 });
    expect(polarPoint(270, 60, 90)).toEqual({ x: -30, y: 0 });
  });

  it('clamps elevations outside 0–90 to the rim or the centre', () => {
    expect(polarPoint(90, -5, 100)).toEqual({ x: 100, y: 0 });
    expect(polarPoint(90, 95, 100)).toEqual({ x: 0, y: 0 });
  });

  it('draws rings at the horizon, 30° and 60°', () => {
    expect(elevationRings(90)).toEqual([
      { elevation: 0, r: 90 },
      { elevation: 30, r: 60 },
      { elevation: 60, r: 30 },
    ]);
  });

  it('traces a track from AOS to LOS through its highest point, leaving out samples below the horizon', () => {
    const track = skyTrack(
      [
        { timeMs: 0, azimuthDeg: 180, elevationDeg: -1 },
        { timeMs: 1, azimuthDeg: 180, elevationDeg: 0 },
        { timeMs: 2, azimuthDeg: 90, elevationDeg: 45 },
        { timeMs: 3, azimuthDeg: 0, elevationDeg: 0 },
      ],
      90,
    );
    expect(track).toEqual({
      path: 'M0 90 L45 0 L0 -90',
      aos: { x: 0, y: 90 },
      los: { x: 0, y: -90 },
      top: { x: 45, y: 0 },
    });
    expect(skyTrack([{ timeMs: 0, azimuthDeg: 0, elevationDeg: 10 }], 90)).toBeNull();
  });
});

describe('pass track from the orbit module', () => {
  const vigo = { latitude: 42.17, longitude: -8.69, altitude: 460 };
  // The documented pass over VigoGS (docs/api.md get_passes): AOS 157.4°, LOS 99.78°, max 7.51°.
  const pass = {
    groundStation: 'VigoGS',
    aos: '2008-09-20T18:17:06.918Z',
    tca: '2008-09-20T18:18:55.470Z',
    los: '2008-09-20T18:20:44.015Z',
    durationSeconds: 217,
    maxElevation: 7.51,
    channels: [
      {
        gsChannel: 'uhf',
        scChannel: 'tm',
        direction: 'DOWNLINK' as const,
        frequency: 437.5e6,
        dopplerHz: { aos: 4850, tca: -29, los: -4897 },
      },
    ],
  };

  it('starts and ends on the horizon at the azimuths the server gives, peaking at the maximum elevation', () => {
    const { look } = passTrack(ISS_TLE, vigo, pass);
    expect(look[0].azimuthDeg).toBeCloseTo(157.4, 0);
    expect(look[look.length - 1].azimuthDeg).toBeCloseTo(99.78, 0);
    expect(Math.abs(look[0].elevationDeg - 5)).toBeLessThan(0.1);
    expect(Math.max(...look.map((s) => s.elevationDeg))).toBeCloseTo(7.51, 1);
  });

  it('sweeps the Doppler of each channel from the AOS to the LOS figure the server lists', () => {
    const [{ samples }] = passTrack(ISS_TLE, vigo, pass).doppler;
    expect(Math.abs(samples[0].shiftHz - 4850)).toBeLessThan(5);
    expect(Math.abs(samples[samples.length - 1].shiftHz + 4897)).toBeLessThan(5);
  });
});

describe('Doppler curve', () => {
  it('scales symmetrically around 0 Hz to a readable bound, time left to right', () => {
    const curve = dopplerCurve(
      [
        { timeMs: 1000, shiftHz: 4200 },
        { timeMs: 2000, shiftHz: 0 },
        { timeMs: 3000, shiftHz: -4200 },
      ],
      200,
      100,
    );
    expect(curve?.path).toBe('M0 8 L100 50 L200 92');
    expect(curve?.zeroY).toBe(50);
    expect(curve?.yTicks.map((t) => t.hz)).toEqual([5000, 2500, 0, -2500, -5000]);
  });

  it('needs two samples', () => expect(dopplerCurve([{ timeMs: 0, shiftHz: 1 }], 10, 10)).toBeNull());

  it.each([
    [1, 1],
    [3, 5],
    [4200, 5000],
    [10150, 20000],
    [999, 1000],
  ])('rounds %d up to %d', (value, nice) => expect(niceCeil(value)).toBe(nice));
});

describe('horizon mask', () => {
  const mask = [
    { fromAzimuth: 300, toAzimuth: 30, minElevation: 15 },
    { fromAzimuth: 90, toAzimuth: 120, minElevation: 10 },
  ];

  it('takes the highest of the contact elevation and the sectors covering an azimuth, wrapping past north', () => {
    expect(maskElevationAt(0, mask, 5)).toBe(15);
    expect(maskElevationAt(310, mask, 5)).toBe(15);
    expect(maskElevationAt(30, mask, 5)).toBe(5);
    expect(maskElevationAt(100, mask, 12)).toBe(12);
    expect(maskElevationAt(200, mask, 5)).toBe(5);
  });

  it('shades from the rim in to the mask outline', () => {
    const path = horizonMaskPath(mask, 0, 90, 90);
    // Rim, then the outline at 0°, 90°, 180°, 270°, 360°: 15° at north is 75 units out.
    expect(path).toBe('M0 -90 A90 90 0 1 1 0 90 A90 90 0 1 1 0 -90 Z M0 -75 L80 0 L0 90 L-90 0 L0 -75 Z');
  });

  it('reads and writes the editor text, one sector a line', () => {
    expect(parseMask('300 30 15\n\n 90, 120, 10 ')).toEqual(mask);
    expect(formatMask(mask)).toBe('300 30 15\n90 120 10');
  });
});

describe('week view', () => {
  it('cuts windows at local midnight of the time zone', () => {
    // 20:00Z–04:00Z is 22:00–06:00 in Madrid summer time: the end of one row, the start of the next.
    const rows = weekRows(
      [{ start: '2008-09-20T20:00:00Z', end: '2008-09-21T04:00:00Z' }],
      'Europe/Madrid',
      Date.parse('2008-09-20T12:00:00Z'),
      2,
    );
    expect(rows).toEqual([
      { day: '2008-09-20', segments: [{ from: 22 / 24, to: 1 }] },
      { day: '2008-09-21', segments: [{ from: 0, to: 6 / 24 }] },
    ]);
  });

  it('starts on the local day of the first instant and leaves out windows beyond the rows', () => {
    const rows = weekRows(
      [{ start: '2008-09-30T00:00:00Z', end: '2008-09-30T01:00:00Z' }],
      'UTC',
      Date.parse('2008-09-20T23:30:00Z'),
      3,
    );
    expect(rows.map((r) => r.day)).toEqual(['2008-09-20', '2008-09-21', '2008-09-22']);
    expect(rows.every((r) => r.segments.length === 0)).toBe(true);
  });

  it('reads the wall clock across a DST change', () => {
    expect(new Date(wallClockMs(Date.parse('2008-10-26T00:30:00Z'), 'Europe/Madrid')).toISOString()).toBe(
      '2008-10-26T02:30:00.000Z',
    );
    expect(new Date(wallClockMs(Date.parse('2008-10-26T01:30:00Z'), 'Europe/Madrid')).toISOString()).toBe(
      '2008-10-26T02:30:00.000Z',
    );
  });
});

describe('hex frames', () => {
  it('reads hex with spaces, refuses odd or non-hex input', () => {
    expect(Array.from(hexToBytes('02 a2 d4 00'))).toEqual([2, 0xa2, 0xd4, 0]);
    expect(() => hexToBytes('abc')).toThrow('even number of hex digits');
    expect(() => hexToBytes('zz')).toThrow();
  });

  it('round-trips base64 and dumps 16 bytes a line with printable ASCII', () => {
    const bytes = hexToBytes('02a2d400' + Buffer.from('telecommand!!!!!x').toString('hex'));
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).toEqual(Array.from(bytes));
    expect(hexDump(bytes)).toEqual([
      '0000  02 a2 d4 00 74 65 6c 65 63 6f 6d 6d 61 6e 64 21  ....telecommand!',
      '0010  21 21 21 21 78                                   !!!!x',
    ]);
  });
});
