// SPDX-License-Identifier: Apache-2.0
import { round } from './polar';

export interface DopplerSample {
  timeMs: number;
  shiftHz: number;
}

export interface Curve {
  path: string;
  /** Horizontal lines: the shift each stands for and its y. */
  yTicks: { hz: number; y: number }[];
  /** y of 0 Hz. */
  zeroY: number;
}

/**
 * The Doppler shift over a pass in a `width` × `height` box: time left to right, the shift on a
 * scale symmetric around 0 Hz (a pass sweeps from +shift to −shift), rounded up to a readable step.
 */
export function dopplerCurve(samples: DopplerSample[], width: number, height: number): Curve | null {
  if (samples.length < 2) return null;
  const t0 = samples[0].timeMs;
  const span = samples[samples.length - 1].timeMs - t0 || 1;
  const top = niceCeil(Math.max(...samples.map((s) => Math.abs(s.shiftHz)), 1));
  const y = (hz: number) => round(height / 2 - (hz / top) * (height / 2));
  const path = samples
    .map((s, i) => `${i ? 'L' : 'M'}${round(((s.timeMs - t0) / span) * width)} ${y(s.shiftHz)}`)
    .join(' ');
  return { path, zeroY: y(0), yTicks: [top, top / 2, 0, -top / 2, -top].map((hz) => ({ hz, y: y(hz) })) };
}

/** The smallest of 1, 2, 5 × 10^n at or above `value`. */
export function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
