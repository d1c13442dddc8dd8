// SPDX-License-Identifier: Apache-2.0
import type { GeodeticPoint } from './propagator';

/**
 * A ground site's effective horizon: the minimum contact elevation, raised inside azimuth
 * sectors by an optional mask (buildings, terrain).
 */

export interface HorizonSector {
  /** Sector start, degrees clockwise from north, 0 ≤ from < 360. */
  fromAzimuthDeg: number;
  /** Sector end, 0 < to ≤ 360; a sector with to < from wraps through north. */
  toAzimuthDeg: number;
  minElevationDeg: number;
}

export interface GroundSite extends GeodeticPoint {
  minElevationDeg: number;
  horizonMask?: readonly HorizonSector[];
}

/** Whether a sector covers an azimuth; both ends inclusive, so a boundary takes the higher level. */
export function sectorCovers(sector: HorizonSector, azimuthDeg: number): boolean {
  const { fromAzimuthDeg: from, toAzimuthDeg: to } = sector;
  return from <= to ? azimuthDeg >= from && azimuthDeg <= to : azimuthDeg >= from || azimuthDeg <= to;
}

/** Effective horizon at an azimuth: max(minimum elevation, every mask sector covering it). */
export function horizonElevationDeg(site: GroundSite, azimuthDeg: number): number {
  let horizon = site.minElevationDeg;
  for (const sector of site.horizonMask ?? []) {
    if (sector.minElevationDeg > horizon && sectorCovers(sector, azimuthDeg)) {
      horizon = sector.minElevationDeg;
    }
  }
  return horizon;
}

/** Angle (0 ≤ a < 360) turned from `fromDeg` to `toDeg` in direction `turn` (+1 clockwise). */
export function angleTurnedDeg(fromDeg: number, toDeg: number, turn: 1 | -1): number {
  return (((turn * (toDeg - fromDeg)) % 360) + 360) % 360;
}

/**
 * The sector edges met while the azimuth turns from `fromDeg` to `toDeg` in direction `turn`
 * (+1 clockwise, −1 counter-clockwise): the angles turned from `fromDeg` at which each is met,
 * ascending, each edge once. Only there can the effective horizon jump.
 */
export function edgesSwept(
  mask: readonly HorizonSector[],
  fromDeg: number,
  toDeg: number,
  turn: 1 | -1,
): number[] {
  const sweep = angleTurnedDeg(fromDeg, toDeg, turn);
  const offsets = new Set<number>();
  for (const sector of mask) {
    for (const edge of [sector.fromAzimuthDeg, sector.toAzimuthDeg]) {
      const offset = angleTurnedDeg(fromDeg, edge, turn);
      if (offset > 0 && offset <= sweep) offsets.add(offset);
    }
  }
  return [...offsets].sort((a, b) => a - b);
}

/**
 * Rejects values that would silently produce nonsense (NaN-free but wrong) passes. Services
 * validate DTOs with field-level messages first; this guards the pure API itself.
 */
export function assertValidSite(site: GroundSite): void {
  check(site.latitudeDeg, -90, 90, 'latitudeDeg');
  check(site.longitudeDeg, -180, 180, 'longitudeDeg');
  check(site.altitudeM, -500, 10_000, 'altitudeM');
  check(site.minElevationDeg, 0, 90, 'minElevationDeg');
  (site.horizonMask ?? []).forEach((sector, i) => {
    check(sector.fromAzimuthDeg, 0, 360, `horizonMask[${i}].fromAzimuthDeg`);
    check(sector.toAzimuthDeg, 0, 360, `horizonMask[${i}].toAzimuthDeg`);
    check(sector.minElevationDeg, 0, 90, `horizonMask[${i}].minElevationDeg`);
    if (sector.fromAzimuthDeg === sector.toAzimuthDeg) {
      throw new RangeError(`horizonMask[${i}] is empty: fromAzimuthDeg equals toAzimuthDeg`);
    }
  });
}

function check(value: number, min: number, max: number, field: string): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${field} must be between ${min} and ${max}, got ${value}`);
  }
}
