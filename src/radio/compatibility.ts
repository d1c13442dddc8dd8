// SPDX-License-Identifier: Apache-2.0
import type { Direction, Polarization } from './radio';

/** What compatibility needs of a ground-station channel (units: Hz, bit/s). */
export interface GsChannelSpec {
  channelId: string;
  direction: Direction;
  modulations: readonly string[];
  frequencyMinHz: number;
  frequencyMaxHz: number;
  bandwidthsHz: readonly number[];
  bitratesBps: readonly number[];
  polarizations: readonly Polarization[];
}

/** What compatibility needs of a spacecraft channel. */
export interface ScChannelSpec {
  channelId: string;
  direction: Direction;
  modulation: string;
  frequencyHz: number;
  bandwidthHz: number;
  bitrateBps: number;
  polarization: Polarization;
}

export interface CompatiblePair {
  gsChannelId: string;
  scChannelId: string;
  /** The direction(s) the pair can carry: the overlap of both channels' directions. */
  direction: Direction;
}

/** The directions both channels can carry, or null when they share none. */
export function sharedDirection(a: Direction, b: Direction): Direction | null {
  if (a === 'BOTH') return b;
  if (b === 'BOTH' || a === b) return a;
  return null;
}

function polarizationFits(allowed: readonly Polarization[], wanted: Polarization): boolean {
  return wanted === 'ANY' || allowed.includes('ANY') || allowed.includes(wanted);
}

/** The direction the pair can carry, or null when the channels cannot work together. */
export function compatibility(gs: GsChannelSpec, sc: ScChannelSpec): Direction | null {
  const direction = sharedDirection(gs.direction, sc.direction);
  if (direction === null) return null;
  const fits =
    sc.frequencyHz >= gs.frequencyMinHz &&
    sc.frequencyHz <= gs.frequencyMaxHz &&
    gs.modulations.includes(sc.modulation) &&
    gs.bandwidthsHz.includes(sc.bandwidthHz) &&
    gs.bitratesBps.includes(sc.bitrateBps) &&
    polarizationFits(gs.polarizations, sc.polarization);
  return fits ? direction : null;
}

/** Every compatible (GS channel, SC channel) pair, in a stable order. */
export function compatiblePairs(
  gsChannels: readonly GsChannelSpec[],
  scChannels: readonly ScChannelSpec[],
): CompatiblePair[] {
  const pairs: CompatiblePair[] = [];
  for (const gs of gsChannels)
    for (const sc of scChannels) {
      const direction = compatibility(gs, sc);
      if (direction) pairs.push({ gsChannelId: gs.channelId, scChannelId: sc.channelId, direction });
    }
  return pairs.sort(
    (a, b) => a.gsChannelId.localeCompare(b.gsChannelId) || a.scChannelId.localeCompare(b.scChannelId),
  );
}
