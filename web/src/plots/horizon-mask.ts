// SPDX-License-Identifier: Apache-2.0
import type { HorizonSector } from '../api/types';
import { polarPoint, polyline } from './polar';

/**
 * The elevation below which the station cannot see, at each azimuth: the highest of the contact
 * elevation and every mask sector covering that azimuth (a sector may wrap past north: 300 → 30).
 */
export function maskElevationAt(azDeg: number, sectors: HorizonSector[], contactElevation: number): number {
  let elevation = contactElevation;
  for (const sector of sectors)
    if (covers(sector, azDeg)) elevation = Math.max(elevation, sector.minElevation);
  return elevation;
}

function covers(sector: HorizonSector, azDeg: number): boolean {
  const { fromAzimuth: from, toAzimuth: to } = sector;
  return from <= to ? azDeg >= from && azDeg < to : azDeg >= from || azDeg < to;
}

/** The blocked part of the sky as a closed SVG path: the horizon ring with the mask's outline cut in. */
export function horizonMaskPath(
  sectors: HorizonSector[],
  contactElevation: number,
  radius: number,
  stepDeg = 1,
): string {
  const outline = [];
  for (let az = 0; az <= 360; az += stepDeg) {
    outline.push(polarPoint(az % 360, maskElevationAt(az % 360, sectors, contactElevation), radius));
  }
  // Outer ring clockwise, then the mask outline back: the even-odd fill shades what lies between.
  const ring = `M0 ${-radius} A${radius} ${radius} 0 1 1 0 ${radius} A${radius} ${radius} 0 1 1 0 ${-radius} Z`;
  return `${ring} ${polyline(outline)} Z`;
}

/** The mask editor's text: one sector a line, `from to minElevation` in degrees. */
export function parseMask(text: string): HorizonSector[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [fromAzimuth, toAzimuth, minElevation] = line.split(/[\s,]+/).map(Number);
      return { fromAzimuth, toAzimuth, minElevation };
    });
}

export function formatMask(sectors: HorizonSector[]): string {
  return sectors.map((s) => `${s.fromAzimuth} ${s.toAzimuth} ${s.minElevation}`).join('\n');
}
