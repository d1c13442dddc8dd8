// SPDX-License-Identifier: Apache-2.0
import * as satellite from 'satellite.js';
import { propagationError, satrecOf, type Tle } from './tle';

/**
 * Thin, allocation-conscious wrapper around satellite.js SGP4.
 *
 * Public functions take `Date`s and return metres; the `…Into` functions are the hot path used by
 * pass search: epoch milliseconds in, kilometres and km/s written into a caller-owned
 * Float64Array (satellite.js's native units), no objects allocated beyond SGP4's own result.
 */

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

export interface GeodeticPoint {
  latitudeDeg: number;
  longitudeDeg: number;
  altitudeM: number;
}

/** Position and velocity; ECF velocity is relative to the rotating Earth. */
export interface StateVector {
  positionM: Vec3;
  velocityMps: Vec3;
}

export interface LookAngles {
  /** 0° = north, 90° = east. */
  azimuthDeg: number;
  elevationDeg: number;
  rangeM: number;
  /** Rate of change of range; negative while the spacecraft approaches. */
  rangeRateMps: number;
}

/**
 * A site's Earth-fixed position (km) and its local east/north/up unit vectors, precomputed once
 * so that a look angle costs three dot products. Up is the WGS-84 ellipsoid normal, as in
 * satellite.js's `ecfToLookAngles`.
 */
export interface SiteFrame {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly east: Vec3;
  readonly north: Vec3;
  readonly up: Vec3;
}

/** Earth's rotation rate (rad/s): GMST advances by this much per SI second. */
export const EARTH_ROTATION_RAD_S = 7.2921158553e-5;
/** Stride of one sample written by `propagateEcfInto`: x, y, z (km), vx, vy, vz (km/s). */
export const STATE_STRIDE = 6;

const MINUTES_PER_DAY = 1440;
// Bound once: under CommonJS interop every `satellite.x` access goes through a getter.
const { sgp4, gstime } = satellite;
const UNIX_EPOCH_JD = 2440587.5;
const MS_PER_DAY = 86_400_000;
const DEG = Math.PI / 180;

export function siteFrame(point: GeodeticPoint): SiteFrame {
  const lat = point.latitudeDeg * DEG;
  const lon = point.longitudeDeg * DEG;
  const ecf = satellite.geodeticToEcf({ latitude: lat, longitude: lon, height: point.altitudeM / 1000 });
  const [sinLat, cosLat, sinLon, cosLon] = [Math.sin(lat), Math.cos(lat), Math.sin(lon), Math.cos(lon)];
  return {
    ...ecf,
    east: { x: -sinLon, y: cosLon, z: 0 },
    north: { x: -sinLat * cosLon, y: -sinLat * sinLon, z: cosLat },
    up: { x: cosLat * cosLon, y: cosLat * sinLon, z: sinLat },
  };
}

function julianDate(timeMs: number): number {
  return timeMs / MS_PER_DAY + UNIX_EPOCH_JD;
}

/** Greenwich mean sidereal time (rad) at an instant given in epoch milliseconds. */
export function gmstAtMs(timeMs: number): number {
  return gstime(julianDate(timeMs));
}

/**
 * Propagates to `timeMs` and writes the Earth-fixed state at `out[offset…offset+5]` (km, km/s).
 * Throws `TleError` (PROPAGATION_FAILED) instead of ever writing NaN.
 */
export function propagateEcfInto(tle: Tle, timeMs: number, out: Float64Array, offset: number): void {
  const satrec = satrecOf(tle);
  // Same time base as satellite.js's propagate(), minus its Date → calendar → Julian detour.
  const pv = sgp4(satrec, (julianDate(timeMs) - satrec.jdsatepoch) * MINUTES_PER_DAY);
  if (!pv || !Number.isFinite(pv.position.x) || !Number.isFinite(pv.velocity.x)) {
    throw propagationError(tle, satrec, new Date(timeMs));
  }
  const gmst = gmstAtMs(timeMs);
  const c = Math.cos(gmst);
  const s = Math.sin(gmst);
  const { position: p, velocity: v } = pv;
  const x = p.x * c + p.y * s;
  const y = -p.x * s + p.y * c;
  out[offset] = x;
  out[offset + 1] = y;
  out[offset + 2] = p.z;
  // d/dt of the rotated position: rotated inertial velocity minus ω × r.
  out[offset + 3] = v.x * c + v.y * s + EARTH_ROTATION_RAD_S * y;
  out[offset + 4] = -v.x * s + v.y * c - EARTH_ROTATION_RAD_S * x;
  out[offset + 5] = v.z;
}

/** Earth-fixed (ECF/ECEF) position and Earth-relative velocity at `time`. */
export function ecfStateAt(tle: Tle, time: Date): StateVector {
  const out = new Float64Array(STATE_STRIDE);
  propagateEcfInto(tle, time.getTime(), out, 0);
  return {
    positionM: { x: out[0] * 1000, y: out[1] * 1000, z: out[2] * 1000 },
    velocityMps: { x: out[3] * 1000, y: out[4] * 1000, z: out[5] * 1000 },
  };
}

/** Sine of the elevation of an Earth-fixed point (km) seen from a site: the hot-path primitive. */
export function sinElevation(frame: SiteFrame, x: number, y: number, z: number): number {
  const rx = x - frame.x;
  const ry = y - frame.y;
  const rz = z - frame.z;
  const { up } = frame;
  return (up.x * rx + up.y * ry + up.z * rz) / Math.sqrt(rx * rx + ry * ry + rz * rz);
}

/** Rate of change (1/s) of the sine of elevation of a state sample (`state[offset…]`, km, km/s). */
export function sinElevationRate(frame: SiteFrame, state: Float64Array, offset: number): number {
  const rx = state[offset] - frame.x;
  const ry = state[offset + 1] - frame.y;
  const rz = state[offset + 2] - frame.z;
  const vx = state[offset + 3];
  const vy = state[offset + 4];
  const vz = state[offset + 5];
  const { up } = frame;
  const range2 = rx * rx + ry * ry + rz * rz;
  const range = Math.sqrt(range2);
  // d/dt (u / ρ) = (u̇ ρ − u ρ̇) / ρ², with ρ̇ = (ρ⃗ · v) / ρ
  const u = up.x * rx + up.y * ry + up.z * rz;
  const uRate = up.x * vx + up.y * vy + up.z * vz;
  return (uRate * range - (u * (rx * vx + ry * vy + rz * vz)) / range) / range2;
}

/** Azimuth (degrees, 0 ≤ az < 360, clockwise from north) of an Earth-fixed point (km). */
export function azimuthDeg(frame: SiteFrame, x: number, y: number, z: number): number {
  const rx = x - frame.x;
  const ry = y - frame.y;
  const rz = z - frame.z;
  const { east, north } = frame;
  const azimuth = Math.atan2(east.x * rx + east.y * ry, north.x * rx + north.y * ry + north.z * rz) / DEG;
  return azimuth < 0 ? azimuth + 360 : azimuth;
}

/**
 * Rate of change of azimuth (rad/s, positive clockwise) of a state sample (`state[offset…]`, km
 * and km/s), from its Earth-relative velocity: tells which way the azimuth is turning.
 */
export function azimuthRateRadS(frame: SiteFrame, state: Float64Array, offset: number): number {
  const { east, north } = frame;
  const [rx, ry, rz] = [state[offset] - frame.x, state[offset + 1] - frame.y, state[offset + 2] - frame.z];
  const [vx, vy, vz] = [state[offset + 3], state[offset + 4], state[offset + 5]];
  const e = east.x * rx + east.y * ry;
  const n = north.x * rx + north.y * ry + north.z * rz;
  const eRate = east.x * vx + east.y * vy;
  const nRate = north.x * vx + north.y * vy + north.z * vz;
  // d/dt atan2(e, n)
  return (n * eRate - e * nRate) / (e * e + n * n);
}

/**
 * Look angles from a site to a state sample (`state[offset…]`, km and km/s as written by
 * `propagateEcfInto`). The site is fixed in ECF, so the range rate is the projection of the
 * Earth-relative velocity on the line of sight — no numerical differentiation.
 */
export function lookAnglesFromState(frame: SiteFrame, state: Float64Array, offset: number): LookAngles {
  const [x, y, z, vx, vy, vz] = state.subarray(offset, offset + STATE_STRIDE);
  const [rx, ry, rz] = [x - frame.x, y - frame.y, z - frame.z];
  const range = Math.sqrt(rx * rx + ry * ry + rz * rz);
  return {
    azimuthDeg: azimuthDeg(frame, x, y, z),
    elevationDeg: Math.asin(sinElevation(frame, x, y, z)) / DEG,
    rangeM: range * 1000,
    rangeRateMps: ((rx * vx + ry * vy + rz * vz) / range) * 1000,
  };
}

/** Azimuth, elevation, range and range rate of the spacecraft seen from `site` at `time`. */
export function lookAnglesAt(tle: Tle, site: GeodeticPoint, time: Date): LookAngles {
  const state = new Float64Array(STATE_STRIDE);
  propagateEcfInto(tle, time.getTime(), state, 0);
  return lookAnglesFromState(siteFrame(site), state, 0);
}
