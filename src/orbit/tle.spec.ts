// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../common/errors';
import { ISS_TLE, SSO_TLE } from './test-fixtures';
import {
  findTleEntry,
  parseTle,
  parseTleFile,
  satrecOf,
  TleError,
  tleAgeDays,
  tleChecksum,
  type TleErrorReason,
} from './tle';

const { line1, line2 } = ISS_TLE;

/** Replaces columns [from, from + text.length) (0-based) and re-signs the line. */
function edit(line: string, from: number, text: string): string {
  const edited = line.slice(0, from) + text + line.slice(from + text.length, 68);
  return edited + String(tleChecksum(edited));
}

function reasonOf(attempt: () => unknown): TleErrorReason | undefined {
  try {
    attempt();
  } catch (error) {
    if (error instanceof TleError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('tleChecksum', () => {
  it('reproduces the published checksums (digits count their value, "-" counts 1)', () => {
    expect(tleChecksum(line1)).toBe(7);
    expect(tleChecksum(line2)).toBe(7);
    // 1 (line number) + 1 (day 001) + three '-' = 5
    expect(tleChecksum('1 00000U 00000A   00001.00000000 -.00000000  00000-0  00000-0 0    0')).toBe(5);
  });
});

describe('parseTle', () => {
  it('parses a valid TLE: catalogue number, epoch and name', () => {
    const tle = parseTle(line1, line2, '  ISS (ZARYA)  ');

    expect(tle.noradId).toBe(25544);
    expect(tle.epoch.toISOString()).toBe('2008-09-20T12:25:40.104Z');
    expect(tle.name).toBe('ISS (ZARYA)');
    expect(tle.line1).toBe(line1);
  });

  it('tolerates trailing blanks and CR, and reads the 3LE "0 " name prefix', () => {
    const tle = parseTle(`${line1}  \r`, `${line2}\r`, '0 ISS (ZARYA)');
    expect(tle.line2).toBe(line2);
    expect(tle.name).toBe('ISS (ZARYA)');
  });

  it('reads Alpha-5 catalogue numbers (A0000 = 100000; I and O are skipped)', () => {
    const alpha = (id: string) => parseTle(edit(line1, 2, id), edit(line2, 2, id)).noradId;
    expect(alpha('A0001')).toBe(100001);
    expect(alpha('J2345')).toBe(182345);
    expect(alpha('Z9999')).toBe(339999);
  });

  it('reads two-digit years 57-99 as 19xx', () => {
    expect(parseTle(edit(line1, 18, '98'), line2).epoch.getUTCFullYear()).toBe(1998);
  });

  it('rejects a wrong checksum, saying which line, what was expected and what was found', () => {
    const bad = line1.slice(0, 68) + '8';
    expect(() => parseTle(bad, line2)).toThrow(
      'TLE line 1 checksum mismatch: expected 7 (computed from columns 1-68), found 8',
    );
    expect(reasonOf(() => parseTle(line1, line2.replace('51.6416', '51.6417')))).toBe('BAD_CHECKSUM');
  });

  it.each([
    [
      'a short line',
      () => parseTle(line1.slice(0, 60), line2),
      /line 1 must be 69 characters long, found 60/,
    ],
    ['swapped lines', () => parseTle(line2, line1), /line 1 must start with "1", found "2"/],
    [
      'a shifted column',
      () => parseTle(edit(line1, 7, ' U'), line2),
      /line 1 column 9 must be blank, found "U"/,
    ],
    [
      'a letter in a number',
      () => parseTle(line1, edit(line2, 9, '5x.6416')),
      /inclination \(columns 9-16\)/,
    ],
    ['no checksum digit', () => parseTle(`${line1.slice(0, 68)}x`, line2), /column 69 must be the checksum/],
    ['a bad catalogue number', () => parseTle(edit(line1, 2, '2554x'), line2), /catalogue number/],
  ])('rejects %s with BAD_SHAPE', (_label, attempt, message) => {
    expect(attempt).toThrow(message);
    expect(reasonOf(attempt)).toBe('BAD_SHAPE');
  });

  it('rejects lines of two different objects with CATALOG_MISMATCH', () => {
    const attempt = () => parseTle(line1, edit(line2, 2, '25545'));
    expect(attempt).toThrow('TLE catalogue numbers differ: line 1 has 25544, line 2 has 25545');
    expect(reasonOf(attempt)).toBe('CATALOG_MISMATCH');
  });

  it.each([
    ['day 0', '08000.51782528', /must be 1-367 \(exclusive\) for 2008, found 0\.5178/],
    ['day 367 of a leap year', '08367.00000000', /for 2008, found 367/],
    ['day 366 of a common year', '09366.50000000', /must be 1-366 \(exclusive\) for 2009/],
    ['a garbled epoch', '08264.5178252x', /not YYDDD.DDDDDDDD/],
  ])('rejects %s with BAD_EPOCH', (_label, epoch, message) => {
    const attempt = () => parseTle(edit(line1, 18, epoch), line2);
    expect(attempt).toThrow(message);
    expect(reasonOf(attempt)).toBe('BAD_EPOCH');
  });

  it('accepts the last day of a leap year', () => {
    expect(parseTle(edit(line1, 18, '08366.50000000'), line2).epoch.toISOString()).toBe(
      '2008-12-31T12:00:00.000Z',
    );
  });

  it.each([
    ['an inclination above 180°', 8, '190.0000', /inclination must be 0-180 degrees, found 190/],
    ['a mean motion of zero', 52, ' 0.00000000', /mean motion must be positive/],
  ])('rejects %s with BAD_ELEMENTS', (_label, column, text, message) => {
    const attempt = () => parseTle(line1, edit(line2, column, text));
    expect(attempt).toThrow(message);
    expect(reasonOf(attempt)).toBe('BAD_ELEMENTS');
  });

  it('rejects an orbit below the surface with PROPAGATION_FAILED instead of NaN positions', () => {
    // 17.5 rev/day means a semi-major axis of about 6 270 km, inside the Earth.
    const attempt = () => parseTle(line1, edit(line2, 52, '17.50000000'));
    expect(attempt).toThrow(/cannot be propagated to 2008-09-20T12:25:40.104Z: orbit has decayed/);
    expect(reasonOf(attempt)).toBe('PROPAGATION_FAILED');
  });

  it('is a DomainError with a stable code for the transports', () => {
    const error = (() => {
      try {
        parseTle(line1, line2.slice(0, 68) + '0');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      kind: 'VALIDATION',
      code: 'INVALID_TLE',
      details: { reason: 'BAD_CHECKSUM' },
    });
  });
});

describe('satrecOf', () => {
  it('builds the SGP4 record once per TLE object', () => {
    const tle = parseTle(line1, line2);
    expect(satrecOf(tle)).toBe(satrecOf(tle));
    expect(satrecOf(tle).satnum).toBe('25544');
  });
});

describe('tleAgeDays', () => {
  it('counts days since the epoch, negative before it', () => {
    const tle = parseTle(line1, line2);
    expect(tleAgeDays(tle, new Date('2008-09-23T12:25:40.104Z'))).toBeCloseTo(3, 9);
    expect(tleAgeDays(tle, new Date('2008-09-20T00:25:40.104Z'))).toBeCloseTo(-0.5, 9);
  });
});

describe('parseTleFile', () => {
  const file = [
    'ISS (ZARYA)             ',
    line1,
    line2,
    '',
    SSO_TLE.line1,
    SSO_TLE.line2,
    '0 SSO-TEST-BIS',
    SSO_TLE.line1,
    SSO_TLE.line2,
  ].join('\r\n');

  it('splits 3-line and 2-line entries across CRLF and blank lines', () => {
    const entries = parseTleFile(`\n${file}\n\n`);

    expect(entries).toEqual([
      { name: 'ISS (ZARYA)', line1, line2, lineNumber: 3 },
      { line1: SSO_TLE.line1, line2: SSO_TLE.line2, lineNumber: 6 },
      { name: 'SSO-TEST-BIS', line1: SSO_TLE.line1, line2: SSO_TLE.line2, lineNumber: 9 },
    ]);
  });

  it('returns no entries for an empty file', () => {
    expect(parseTleFile(' \n\r\n')).toEqual([]);
  });

  it.each([
    ['a missing line 2', `ISS\n${line1}\nNEXT\n${line1}\n${line2}`, /TLE file line 2/],
    ['an HTML error page', '<html>\n<body>Not here</body>\n</html>', /TLE file line 2: expected a name line/],
    ['a stray line at the end', `${line1}\n${line2}\nORPHAN`, /TLE file line 3/],
  ])('rejects %s with BAD_SHAPE and the line number', (_label, text, message) => {
    expect(() => parseTleFile(text)).toThrow(message);
    expect(reasonOf(() => parseTleFile(text))).toBe('BAD_SHAPE');
  });

  it('does not validate entries it does not parse, so one bad entry does not hide the rest', () => {
    const entries = parseTleFile(
      `BROKEN\n1 99999U garbage\n2 99999 garbage\nISS (ZARYA)\n${line1}\n${line2}`,
    );
    expect(entries).toHaveLength(2);
    expect(findTleEntry(entries, 'iss (zarya)')?.line1).toBe(line1);
  });
});

describe('findTleEntry', () => {
  const entries = parseTleFile(`ISS (ZARYA)\n${line1}\n${line2}\n${SSO_TLE.line1}\n${SSO_TLE.line2}\n`);

  it('matches names ignoring case and repeated blanks', () => {
    expect(findTleEntry(entries, '  iss   (zarya) ')?.line1).toBe(line1);
  });

  it('matches NORAD ids given as numbers or digit strings, also for nameless entries', () => {
    expect(findTleEntry(entries, 28654)?.line1).toBe(SSO_TLE.line1);
    expect(findTleEntry(entries, '25544')?.name).toBe('ISS (ZARYA)');
  });

  it('finds parsed TLEs too, and returns undefined when nothing matches', () => {
    const tles = [parseTle(line1, line2, 'ISS (ZARYA)')];
    expect(findTleEntry(tles, 25544)).toBe(tles[0]);
    expect(findTleEntry(entries, 'HUBBLE')).toBeUndefined();
    expect(findTleEntry(entries, 11111)).toBeUndefined();
  });
});
