// SPDX-License-Identifier: Apache-2.0
import { type Point, polarPoint, polyline } from './polar';

export interface LookSample {
  timeMs: number;
  azimuthDeg: number;
  elevationDeg: number;
}

export interface SkyTrack {
  path: string;
  aos: Point;
  los: Point;
  /** The highest point of the track (TCA). */
  top: Point;
}

/** A pass's azimuth/elevation track as a path over the polar plot; samples below the horizon are left out. */
export function skyTrack(samples: LookSample[], radius: number): SkyTrack | null {
  const visible = samples.filter((s) => s.elevationDeg >= 0);
  if (visible.length < 2) return null;
  const points = visible.map((s) => polarPoint(s.azimuthDeg, s.elevationDeg, radius));
  let top = 0;
  visible.forEach((s, i) => {
    if (s.elevationDeg > visible[top].elevationDeg) top = i;
  });
  return { path: polyline(points), aos: points[0], los: points[points.length - 1], top: points[top] };
}
