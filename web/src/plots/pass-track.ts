// SPDX-License-Identifier: Apache-2.0
// The server's own orbit module (src/orbit: SGP4 via satellite.js), bundled into the console, so
// the plotted track and Doppler are the very numbers the server's passes and relay use.
import { dopplerShiftHz } from '../../../src/orbit/doppler';
import { lookAnglesAt } from '../../../src/orbit/propagator';
import { parseTle } from '../../../src/orbit/tle';
import type { Location, Pass, PassChannel } from '../api/types';
import type { DopplerSample } from './doppler-curve';
import type { LookSample } from './sky-plot';

export interface PassTrack {
  look: LookSample[];
  /** Per channel line of the pass (`gsChannel/scChannel direction`), its Doppler over the pass. */
  doppler: { channel: PassChannel; samples: DopplerSample[] }[];
}

/** Samples the pass from AOS to LOS (about 120 points) seen from the station at `location`. */
export function passTrack(
  tle: { line1: string; line2: string },
  location: Location,
  pass: Pass,
  points = 120,
): PassTrack {
  const parsed = parseTle(tle.line1, tle.line2);
  const site = {
    latitudeDeg: location.latitude,
    longitudeDeg: location.longitude,
    altitudeM: location.altitude,
  };
  const aos = Date.parse(pass.aos);
  const step = (Date.parse(pass.los) - aos) / (points - 1);
  const look: LookSample[] = [];
  const rangeRates: number[] = [];
  for (let i = 0; i < points; i++) {
    const timeMs = aos + i * step;
    const angles = lookAnglesAt(parsed, site, new Date(timeMs));
    look.push({ timeMs, azimuthDeg: angles.azimuthDeg, elevationDeg: angles.elevationDeg });
    rangeRates.push(angles.rangeRateMps);
  }
  const doppler = pass.channels.map((channel) => ({
    channel,
    samples: look.map((s, i) => ({
      timeMs: s.timeMs,
      shiftHz: dopplerShiftHz(channel.frequency, rangeRates[i], channel.direction),
    })),
  }));
  return { look, doppler };
}
