// SPDX-License-Identifier: Apache-2.0
import * as satellite from 'satellite.js';
import { DomainError } from '../common/errors';

/**
 * Two-line element sets: validation, parsing of TLE files and the satrec cache.
 *
 * Pure: no I/O, no clock. A `Tle` is plain data (safe to log, copy or store); the SGP4 record
 * built from it is cached on the side, so callers never carry satellite.js types around.
 */

export type TleErrorReason =
  'BAD_SHAPE' | 'BAD_CHECKSUM' | 'CATALOG_MISMATCH' | 'BAD_EPOCH' | 'BAD_ELEMENTS' | 'PROPAGATION_FAILED';

/** A TLE that cannot be used. `reason` is stable; the message says which line and what is wrong. */
export class TleError extends DomainError {
  constructor(
    readonly reason: TleErrorReason,
    message: string,
  ) {
    super('VALIDATION', 'INVALID_TLE', message, { reason });
    this.name = 'TleError';
  }
}

export interface Tle {
  readonly name?: string;
  readonly line1: string;
  readonly line2: string;
  readonly noradId: number;
  readonly epoch: Date;
}

/** One entry of a TLE file, split but not yet validated (see `parseTleFile`). */
export interface TleFileEntry {
  readonly name?: string;
  readonly line1: string;
  readonly line2: string;
  /** 1-based line number of `line1` in the file, for error messages. */
  readonly lineNumber: number;
}

const LINE_LENGTH = 69;
const MS_PER_DAY = 86_400_000;

/** Columns (0-based index) that the format leaves blank on each line. */
const BLANK_COLUMNS: Record<1 | 2, readonly number[]> = {
  1: [1, 8, 17, 32, 43, 52, 61, 63],
  2: [1, 7, 16, 25, 33, 42, 51],
};

/** Mod-10 checksum of columns 1-68: digits count their value, each '-' counts 1. */
export function tleChecksum(line: string): number {
  let sum = 0;
  for (let i = 0; i < LINE_LENGTH - 1 && i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) sum += c - 48;
    else if (c === 45) sum += 1;
  }
  return sum % 10;
}

/** Validates both lines and returns the parsed TLE; throws `TleError` on the first problem. */
export function parseTle(line1: string, line2: string, name?: string): Tle {
  const lines = [line1.trimEnd(), line2.trimEnd()] as const;
  checkShape(lines[0], 1);
  checkShape(lines[1], 2);
  checkChecksum(lines[0], 1);
  checkChecksum(lines[1], 2);
  const noradId = catalogNumber(lines[0], 1);
  const line2Id = catalogNumber(lines[1], 2);
  if (noradId !== line2Id) {
    throw new TleError(
      'CATALOG_MISMATCH',
      `TLE catalogue numbers differ: line 1 has ${noradId}, line 2 has ${line2Id}`,
    );
  }
  checkLine1Fields(lines[0]);
  checkElements(lines[1]);
  const tle: Tle = {
    ...(name?.trim() ? { name: cleanName(name) } : {}),
    line1: lines[0],
    line2: lines[1],
    noradId,
    epoch: parseEpoch(lines[0]),
  };
  satrecOf(tle);
  return tle;
}

/** Age of the element set at `now`, in days (negative when the epoch lies in the future). */
export function tleAgeDays(tle: Tle, now: Date): number {
  return (now.getTime() - tle.epoch.getTime()) / MS_PER_DAY;
}

function checkShape(line: string, n: 1 | 2): void {
  if (line.length !== LINE_LENGTH) {
    throw new TleError('BAD_SHAPE', `TLE line ${n} must be 69 characters long, found ${line.length}`);
  }
  if (line[0] !== String(n)) {
    throw new TleError('BAD_SHAPE', `TLE line ${n} must start with "${n}", found "${line[0]}"`);
  }
  for (const column of BLANK_COLUMNS[n]) {
    if (line[column] !== ' ') {
      throw new TleError(
        'BAD_SHAPE',
        `TLE line ${n} column ${column + 1} must be blank, found "${line[column]}" (misaligned columns?)`,
      );
    }
  }
  if (!/^\d$/.test(line[68])) {
    throw new TleError(
      'BAD_SHAPE',
      `TLE line ${n} column 69 must be the checksum digit, found "${line[68]}"`,
    );
  }
}

function checkChecksum(line: string, n: 1 | 2): void {
  const expected = tleChecksum(line);
  const found = Number(line[68]);
  if (expected !== found) {
    throw new TleError(
      'BAD_CHECKSUM',
      `TLE line ${n} checksum mismatch: expected ${expected} (computed from columns 1-68), found ${found}`,
    );
  }
}

/** Catalogue number, columns 3-7; Alpha-5 (A0000 = 100000, letters I and O unused) included. */
function catalogNumber(line: string, n: 1 | 2): number {
  const field = line.slice(2, 7);
  const alpha = /^([A-HJ-NP-Z])(\d{4})$/.exec(field);
  if (alpha) {
    const letter = alpha[1].charCodeAt(0) - 65;
    const skipped = (letter > 8 ? 1 : 0) + (letter > 14 ? 1 : 0);
    return (10 + letter - skipped) * 10_000 + Number(alpha[2]);
  }
  if (!/^ *\d+$/.test(field)) {
    throw new TleError('BAD_SHAPE', `TLE line ${n} catalogue number (columns 3-7) is invalid: "${field}"`);
  }
  return Number(field);
}

const DECIMAL = /^[+-]?\d*\.\d+$|^[+-]?\d+$/;
const EXPONENT = /^[+-]?\d{1,5}(?:[+-]\d)?$/;

function checkLine1Fields(line: string): void {
  requireField(line, 1, 33, 43, 'first derivative of mean motion', DECIMAL);
  requireField(line, 1, 44, 52, 'second derivative of mean motion', EXPONENT);
  requireField(line, 1, 53, 61, 'BSTAR drag term', EXPONENT);
}

interface ElementField {
  start: number;
  end: number;
  label: string;
  max: number;
}

/** Line 2 angles (degrees) with their allowed range; eccentricity and mean motion are below. */
const ANGLES: readonly ElementField[] = [
  { start: 8, end: 16, label: 'inclination', max: 180 },
  { start: 17, end: 25, label: 'right ascension of the ascending node', max: 360 },
  { start: 34, end: 42, label: 'argument of perigee', max: 360 },
  { start: 43, end: 51, label: 'mean anomaly', max: 360 },
];

function checkElements(line: string): void {
  for (const { start, end, label, max } of ANGLES) {
    const value = requireField(line, 2, start, end, label, DECIMAL);
    if (value < 0 || value > max) {
      throw new TleError('BAD_ELEMENTS', `TLE line 2 ${label} must be 0-${max} degrees, found ${value}`);
    }
  }
  requireField(line, 2, 26, 33, 'eccentricity', /^\d{7}$/);
  const meanMotion = requireField(line, 2, 52, 63, 'mean motion', DECIMAL);
  if (meanMotion <= 0) {
    throw new TleError('BAD_ELEMENTS', `TLE line 2 mean motion must be positive, found ${meanMotion}`);
  }
}

/** Checks one fixed-width field against `pattern` and returns its numeric value. */
function requireField(
  line: string,
  n: 1 | 2,
  start: number,
  end: number,
  label: string,
  pattern: RegExp,
): number {
  const raw = line.slice(start, end);
  if (!pattern.test(raw.trim())) {
    throw new TleError(
      'BAD_SHAPE',
      `TLE line ${n} ${label} (columns ${start + 1}-${end}) is not a valid number: "${raw}"`,
    );
  }
  return Number(raw.trim());
}

/** Epoch in columns 19-32: two-digit year (57-99 → 19xx, 00-56 → 20xx) and fractional day of year. */
function parseEpoch(line: string): Date {
  const raw = line.slice(18, 32);
  const match = /^(\d{2})([ \d]{2}\d\.\d+)$/.exec(raw);
  if (!match) {
    throw new TleError('BAD_EPOCH', `TLE line 1 epoch (columns 19-32) is not YYDDD.DDDDDDDD: "${raw}"`);
  }
  const twoDigitYear = Number(match[1]);
  const year = twoDigitYear < 57 ? 2000 + twoDigitYear : 1900 + twoDigitYear;
  const day = Number(match[2].trim());
  const daysInYear = Date.UTC(year + 1, 0, 1) / MS_PER_DAY - Date.UTC(year, 0, 1) / MS_PER_DAY;
  if (day < 1 || day >= daysInYear + 1) {
    throw new TleError(
      'BAD_EPOCH',
      `TLE line 1 epoch day of year must be 1-${daysInYear + 1} (exclusive) for ${year}, found ${day}`,
    );
  }
  return new Date(Date.UTC(year, 0, 1) + Math.round((day - 1) * MS_PER_DAY));
}

/** Space-Track 3LE files prefix names with "0 "; Celestrak pads them with blanks. */
function cleanName(name: string): string {
  return name.trim().replace(/^0 +/, '').replace(/\s+/g, ' ');
}

const satrecs = new WeakMap<Tle, satellite.SatRec>();

/**
 * The initialised SGP4 record of a TLE, built once per `Tle` object. SGP4 initialisation
 * already propagates to the epoch, so an orbit SGP4 cannot handle fails here, not later as NaN.
 */
export function satrecOf(tle: Tle): satellite.SatRec {
  let satrec = satrecs.get(tle);
  if (!satrec) {
    satrec = satellite.twoline2satrec(tle.line1, tle.line2);
    const atEpoch = satellite.sgp4(satrec, 0);
    if (satrec.error !== satellite.SatRecError.None || !atEpoch || !Number.isFinite(atEpoch.position.x)) {
      throw propagationError(tle, satrec, tle.epoch);
    }
    satrecs.set(tle, satrec);
  }
  return satrec;
}

const SGP4_ERRORS: Record<satellite.SatRecError, string> = {
  [satellite.SatRecError.None]: 'non-finite position',
  [satellite.SatRecError.MeanEccentricityOutOfRange]: 'mean eccentricity out of range',
  [satellite.SatRecError.MeanMotionBelowZero]: 'mean motion fell below zero',
  [satellite.SatRecError.PerturbedEccentricityOutOfRange]: 'perturbed eccentricity out of range',
  [satellite.SatRecError.SemiLatusRectumBelowZero]: 'semi-latus rectum fell below zero',
  [satellite.SatRecError.Decayed]: 'orbit has decayed (position below the surface)',
};

/** Maps satellite.js's error code (it signals failure by returning null) to a `TleError`. */
export function propagationError(tle: Tle, satrec: satellite.SatRec, time: Date): TleError {
  const what = SGP4_ERRORS[satrec.error] ?? `SGP4 error ${String(satrec.error)}`;
  return new TleError(
    'PROPAGATION_FAILED',
    `TLE for NORAD ${tle.noradId} cannot be propagated to ${time.toISOString()}: ${what}`,
  );
}

/**
 * Splits a TLE file into entries: 3-line entries (name, line 1, line 2) and bare 2-line entries,
 * with CRLF line ends and blank lines tolerated. Entries are not validated here, so one corrupt
 * entry in a large group file does not hide the others; run `parseTle` on the entry you use.
 */
export function parseTleFile(text: string): TleFileEntry[] {
  const lines = text
    .split(/\r?\n|\r/)
    .map((line, index) => ({ text: line.trimEnd(), number: index + 1 }))
    .filter((line) => line.text.trim() !== '');
  const entries: TleFileEntry[] = [];
  for (let i = 0; i < lines.length;) {
    const hasName = !lines[i].text.startsWith('1 ');
    const first = lines[i + (hasName ? 1 : 0)];
    const second = lines[i + (hasName ? 2 : 1)];
    if (!first?.text.startsWith('1 ') || !second?.text.startsWith('2 ')) {
      const at = first ?? lines[i];
      throw new TleError(
        'BAD_SHAPE',
        `TLE file line ${at.number}: expected a name line followed by lines "1 …" and "2 …"`,
      );
    }
    const name = hasName ? cleanName(lines[i].text) : undefined;
    entries.push({
      ...(name ? { name } : {}),
      line1: first.text,
      line2: second.text,
      lineNumber: first.number,
    });
    i += hasName ? 3 : 2;
  }
  return entries;
}

/**
 * Finds an entry by NORAD id (a number, or a string of digits when no name matches) or by
 * name, ignoring case and repeated blanks.
 */
export function findTleEntry<T extends TleFileEntry | Tle>(
  entries: readonly T[],
  nameOrNoradId: string | number,
): T | undefined {
  if (typeof nameOrNoradId === 'string') {
    const wanted = cleanName(nameOrNoradId).toLowerCase();
    const byName = entries.find((entry) => entry.name?.toLowerCase() === wanted);
    if (byName || !/^\d+$/.test(wanted)) return byName;
  }
  const id = Number(nameOrNoradId);
  return entries.find((entry) => entryNoradId(entry) === id);
}

function entryNoradId(entry: TleFileEntry | Tle): number | undefined {
  if ('noradId' in entry) return entry.noradId;
  try {
    return catalogNumber(entry.line1, 1);
  } catch {
    // A corrupt entry simply does not match; it is reported only if someone selects it by name.
    return undefined;
  }
}
