// SPDX-License-Identifier: Apache-2.0
import * as satellite from 'satellite.js';
import { horizonElevationDeg, type GroundSite } from './horizon';
import { lookAnglesAt } from './propagator';
import { coarseStepS, findPasses, findPassesForSites, MAX_STEP_S, type Pass } from './passes';
import { EQUATORIAL_TLE, FIXTURE_START, ISS_TLE, SINGAPORE, SSO_TLE, SVALBARD, VIGO } from './test-fixtures';
import { parseTle, TleError, tleChecksum } from './tle';

const DAY_MS = 86_400_000;
const FROM = FIXTURE_START;
const TO = new Date(FROM.getTime() + DAY_MS);
const DEG = 180 / Math.PI;

/** High minimum elevations: many passes last about one step, some less. */
const HIGH = [VIGO, SINGAPORE, SVALBARD].map((site) => ({ ...site, minElevationDeg: 40 }));
/** Vigo behind a wrapping northern sector (300°→60°) and a lower southern one. */
const VIGO_MASKED: GroundSite = {
  ...VIGO,
  horizonMask: [
    { fromAzimuthDeg: 300, toAzimuthDeg: 60, minElevationDeg: 30 },
    { fromAzimuthDeg: 150, toAzimuthDeg: 210, minElevationDeg: 12 },
  ],
};
const STATIONS = [VIGO, SINGAPORE, SVALBARD, VIGO_MASKED, ...HIGH];

interface Window {
  aosMs: number;
  losMs: number;
  tcaMs: number;
  maxElevationDeg: number;
}

/**
 * Reference: satellite.js called directly, once per second, visibility = elevation above the
 * site's effective horizon; windows run from the first to the last visible second.
 * One shortcut keeps it affordable under Jest: a 20-s prescan skips the seconds around which
 * every site has the spacecraft more than 10° below its horizon — a LEO near the horizon moves
 * well under 0.5°/s in elevation, so it cannot climb 15° to a 5° horizon within 20 s.
 */
function bruteForce(
  lines: { line1: string; line2: string },
  sites: GroundSite[],
  from: Date,
  to: Date,
): Window[][] {
  const satrec = satellite.twoline2satrec(lines.line1, lines.line2);
  // Sites differing only in horizon share an observer: look angles are computed once per place.
  const places = [
    ...new Set(sites.map((site) => `${site.latitudeDeg},${site.longitudeDeg},${site.altitudeM}`)),
  ];
  const observers = places.map((place) => {
    const [lat, lon, alt] = place.split(',').map(Number);
    return { latitude: lat / DEG, longitude: lon / DEG, height: alt / 1000 };
  });
  const placeOf = sites.map((site) =>
    places.indexOf(`${site.latitudeDeg},${site.longitudeDeg},${site.altitudeM}`),
  );
  const lookAll = (t: number) => {
    const pv = satellite.propagate(satrec, new Date(t));
    if (!pv) throw new Error('reference propagation failed');
    const ecf = satellite.eciToEcf(pv.position, satellite.gstime(new Date(t)));
    const looks = observers.map((observer) => satellite.ecfToLookAngles(observer, ecf));
    return placeOf.map((place) => looks[place]);
  };
  const nearby = new Set<number>();
  for (let t = from.getTime(); t <= to.getTime() + 20_000; t += 20_000) {
    if (lookAll(t).some((look) => look.elevation * DEG > -10)) nearby.add(t - 20_000).add(t);
  }
  const windows: Window[][] = sites.map(() => []);
  const open: (Window | undefined)[] = sites.map(() => undefined);
  for (let t = from.getTime(); t <= to.getTime(); t += 1000) {
    const slot = from.getTime() + Math.floor((t - from.getTime()) / 20_000) * 20_000;
    const looks = nearby.has(slot) ? lookAll(t) : undefined;
    sites.forEach((site, i) => {
      const look = looks?.[i];
      const elevation = look ? look.elevation * DEG : -90;
      const visible = !!look && elevation > horizonElevationDeg(site, look.azimuth * DEG);
      const current = open[i];
      if (visible && !current) open[i] = { aosMs: t, losMs: t, tcaMs: t, maxElevationDeg: elevation };
      if (visible && current) {
        current.losMs = t;
        if (elevation > current.maxElevationDeg) [current.tcaMs, current.maxElevationDeg] = [t, elevation];
      }
      if (!visible && current) [windows[i], open[i]] = [[...windows[i], current], undefined];
    });
  }
  open.forEach((window, i) => window && windows[i].push(window));
  return windows;
}

/** One reference scan per element set, computed on first use and never modified. */
const references = new Map<string, Window[][]>();
function referenceFor(lines: { line1: string; line2: string }): Window[][] {
  const cached = references.get(lines.line1) ?? bruteForce(lines, STATIONS, FROM, TO);
  references.set(lines.line1, cached);
  return cached;
}

function referenceElevationDeg(
  lines: { line1: string; line2: string },
  site: GroundSite,
  time: Date,
): number {
  const pv = satellite.propagate(satellite.twoline2satrec(lines.line1, lines.line2), time)!;
  const observer = {
    latitude: site.latitudeDeg / DEG,
    longitude: site.longitudeDeg / DEG,
    height: site.altitudeM / 1000,
  };
  const look = satellite.ecfToLookAngles(observer, satellite.eciToEcf(pv.position, satellite.gstime(time)));
  return look.elevation * DEG;
}

const durationS = (window: Window) => (window.losMs - window.aosMs) / 1000;

/**
 * Every reference window that is clearly long enough is found within 1 s at both ends, and
 * every pass found is a reference window (none invented, none too short).
 */
function expectAgreement(
  found: Pass[],
  reference: Window[],
  minDurationS: number,
  lines: { line1: string; line2: string },
  site: GroundSite,
): void {
  const wanted = reference.filter((window) => durationS(window) >= minDurationS + 2);
  for (const window of wanted) {
    const pass = found.find((p) => Math.abs(p.aos.getTime() - window.aosMs) <= 1000);
    expect(pass).toBeDefined();
    expect(Math.abs(pass!.los.getTime() - window.losMs)).toBeLessThanOrEqual(1000);
    expect(Math.abs(pass!.tca.getTime() - window.tcaMs)).toBeLessThanOrEqual(3000);
    // The reference samples whole seconds, so it can only under-estimate a peak inside the
    // window. A peak at an end (a mask edge, the search window) moves with that end, by up to
    // a second of the elevation rate, so there only the TCA itself is checked.
    const peakAtEnd = [pass!.aos, pass!.los].some((end) => end.getTime() === pass!.tca.getTime());
    if (!peakAtEnd) {
      expect(pass!.maxElevationDeg).toBeGreaterThan(window.maxElevationDeg - 0.005);
      expect(pass!.maxElevationDeg).toBeLessThan(window.maxElevationDeg + 0.1);
    }
  }
  for (const pass of found) {
    expect(pass.durationS).toBeGreaterThanOrEqual(minDurationS);
    expect(pass.maxElevationDeg).toBeCloseTo(referenceElevationDeg(lines, site, pass.tca), 2);
    const window = reference.find((w) => Math.abs(pass.aos.getTime() - w.aosMs) <= 1000);
    expect(window).toBeDefined();
  }
}

describe('findPassesForSites against a 1-second brute-force scan over a day', () => {
  const cases = [
    { label: 'ISS (51.6°)', lines: ISS_TLE, counts: [6, 3, 0, 5, 1, 1, 0] },
    { label: 'sun-synchronous (98.8°)', lines: SSO_TLE, counts: [5, 4, 14, 5, 1, 1, 7] },
    { label: 'equatorial (6°)', lines: EQUATORIAL_TLE, counts: [0, 14, 0, 0, 0, 10, 0] },
  ];

  it.each(cases)('$label over mid-latitude, equatorial, polar, high-mask and masked sites', (c) => {
    const tle = parseTle(c.lines.line1, c.lines.line2);
    const reference = referenceFor(c.lines);
    const found = findPassesForSites(tle, STATIONS, FROM, TO, { minDurationS: 60 });

    STATIONS.forEach((site, i) => expectAgreement(found[i], reference[i], 60, c.lines, site));
    expect(found.map((passes) => passes.length)).toEqual(c.counts);
  });

  it('misses no pass at least minDurationS long, though the step equals that duration', () => {
    const durations: number[] = [];
    for (const lines of [ISS_TLE, SSO_TLE, EQUATORIAL_TLE]) {
      const tle = parseTle(lines.line1, lines.line2);
      const found = findPassesForSites(tle, HIGH, FROM, TO, { minDurationS: 120 });
      HIGH.forEach((site, i) => {
        const reference = referenceFor(lines)[STATIONS.indexOf(site)];
        expectAgreement(found[i], reference, 120, lines, site);
        expect(found[i].length).toBe(reference.filter((w) => durationS(w) >= 120).length);
        durations.push(...reference.map(durationS));
      });
    }
    // The scenario must hold windows shorter than the step and just longer, or it proves nothing.
    expect(coarseStepS({ minDurationS: 120 })).toBe(120);
    expect(durations.filter((d) => d < 120).length).toBeGreaterThanOrEqual(3);
    expect(durations.filter((d) => d >= 122 && d < 180).length).toBeGreaterThanOrEqual(3);
  });
});

describe('findPasses window edges', () => {
  const tle = parseTle(ISS_TLE.line1, ISS_TLE.line2);
  const all = findPasses(tle, VIGO, FROM, TO, { minDurationS: 60 });

  it('starts a pass already in progress at `from` at `from`, and ends one still up at `to` at `to`', () => {
    const [first, last] = [all[0], all[all.length - 1]];
    const from = new Date(first.aos.getTime() + 100_000);
    const to = new Date(last.los.getTime() - 100_000);

    const clipped = findPasses(tle, VIGO, from, to, { minDurationS: 60 });

    expect(clipped[0].aos).toEqual(from);
    expect(Math.abs(clipped[0].los.getTime() - first.los.getTime())).toBeLessThanOrEqual(500);
    expect(clipped[clipped.length - 1].los).toEqual(to);
    expect(clipped).toHaveLength(all.length);
    expect(clipped[0].durationS).toBeCloseTo(first.durationS - 100, 0);
  });

  it('drops a pass whose part inside the window is shorter than minDurationS', () => {
    const first = all[0];
    const from = new Date(first.los.getTime() - 50_000);

    const clipped = findPasses(tle, VIGO, from, TO, { minDurationS: 60 });

    expect(clipped[0].aos.getTime()).toBeGreaterThan(first.los.getTime());
    expect(clipped).toHaveLength(all.length - 1);
  });

  it('returns nothing for an empty window and rejects a reversed one', () => {
    expect(findPasses(tle, VIGO, FROM, FROM, { minDurationS: 60 })).toEqual([]);
    expect(() => findPasses(tle, VIGO, TO, FROM, { minDurationS: 60 })).toThrow(RangeError);
  });
});

describe('horizon mask', () => {
  const tle = parseTle(ISS_TLE.line1, ISS_TLE.line2);

  it('shortens or removes passes and never reports AOS/LOS below the effective horizon', () => {
    const open = findPasses(tle, VIGO, FROM, TO, { minDurationS: 60 });
    const masked = findPasses(tle, VIGO_MASKED, FROM, TO, { minDurationS: 60 });

    expect(masked.length).toBeLessThan(open.length);
    const total = (passes: Pass[]) => passes.reduce((sum, pass) => sum + pass.durationS, 0);
    expect(total(masked)).toBeLessThan(total(open) - 300);
    for (const pass of masked) {
      for (const azimuth of [pass.aosAzimuthDeg, pass.losAzimuthDeg]) {
        // A pass begins and ends where the mask allows it: outside the 30° northern sector,
        // or above it.
        const blocked = azimuth >= 300 || azimuth <= 60;
        if (blocked) expect(pass.maxElevationDeg).toBeGreaterThan(30);
      }
    }
  });

  it('splits a pass where it runs behind a sector and agrees with the brute-force scan', () => {
    const high = findPasses(tle, VIGO, FROM, TO, { minDurationS: 60 }).find((p) => p.maxElevationDeg > 70)!;
    // A tall obstacle covering the azimuths the spacecraft sweeps 10 s before its peak.
    const azimuthAt = (s: number) =>
      lookAnglesAt(tle, VIGO, new Date(high.tca.getTime() + s * 1000)).azimuthDeg;
    const [a, b] = [azimuthAt(-20), azimuthAt(-10)];
    const site: GroundSite = {
      ...VIGO,
      horizonMask: [{ fromAzimuthDeg: Math.min(a, b), toAzimuthDeg: Math.max(a, b), minElevationDeg: 85 }],
    };
    const from = new Date(high.aos.getTime() - 60_000);
    const to = new Date(high.los.getTime() + 60_000);

    const split = findPasses(tle, site, from, to, { minDurationS: 10 });
    const [reference] = bruteForce(ISS_TLE, [site], from, to);

    expect(split).toHaveLength(2);
    // Another search window means other coarse samples: the ends agree within the tolerance.
    expect(Math.abs(split[0].aos.getTime() - high.aos.getTime())).toBeLessThanOrEqual(500);
    expect(Math.abs(split[1].los.getTime() - high.los.getTime())).toBeLessThanOrEqual(500);
    expect((split[1].aos.getTime() - split[0].los.getTime()) / 1000).toBeCloseTo(10, -0.5);
    expect(reference).toHaveLength(2);
    expectAgreement(split, reference, 10, ISS_TLE, site);
  });
});

describe('options and errors', () => {
  it('uses a step no longer than minDurationS and caps it', () => {
    expect(coarseStepS({ minDurationS: 60 })).toBe(60);
    expect(coarseStepS({ minDurationS: 600 })).toBe(MAX_STEP_S);
    expect(coarseStepS({ minDurationS: 600, stepS: 30 })).toBe(30);
    expect(() => coarseStepS({ minDurationS: 60, stepS: 90 })).toThrow(/must not exceed/);
    expect(() => coarseStepS({ minDurationS: -1 })).toThrow(RangeError);
  });

  it('rejects an invalid site', () => {
    const tle = parseTle(ISS_TLE.line1, ISS_TLE.line2);
    expect(() => findPasses(tle, { ...VIGO, latitudeDeg: 91 }, FROM, TO, { minDurationS: 60 })).toThrow(
      /latitudeDeg/,
    );
  });

  it('throws PROPAGATION_FAILED, never NaN, when SGP4 gives up inside the window', () => {
    // Heavy drag (B* = 0.01): SGP4 reports this orbit decayed about 13 days after its epoch.
    const tle = parseTle(...resign(ISS_TLE.line1.replace('-11606-4', ' 10000-1'), ISS_TLE.line2));
    const later = new Date(FROM.getTime() + 20 * DAY_MS);
    const attempt = () =>
      findPasses(tle, VIGO, later, new Date(later.getTime() + DAY_MS), { minDurationS: 60 });
    expect(attempt).toThrow(TleError);
    expect(attempt).toThrow(/cannot be propagated/);
  });
});

/** Re-signs edited lines; tleChecksum itself is checked against published lines in tle.spec.ts. */
function resign(line1: string, line2: string): [string, string] {
  const sign = (line: string) => line.slice(0, 68) + String(tleChecksum(line));
  return [sign(line1), sign(line2)];
}
