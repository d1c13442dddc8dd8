// SPDX-License-Identifier: Apache-2.0
import {
  CSP_FLAG,
  cspFlags,
  cspHeaderLength,
  decodeCspHeader,
  encodeCspHeader,
  makeCspHeader,
  writeCspHeader,
  type CspHeader,
  type CspVersion,
} from './csp-header';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const header = makeCspHeader;

/** Deterministic 32-bit LCG so that failures reproduce. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
}

function sameHeader(a: CspHeader, b: CspHeader): boolean {
  const fields = ['priority', 'source', 'destination', 'sourcePort', 'destinationPort'] as const;
  return fields.every((field) => a[field] === b[field]) && a.flags === b.flags;
}

const MAX = {
  1: { address: 31, flags: 0xff },
  2: { address: 16383, flags: 0x3f },
} as const;

describe('cspFlags', () => {
  it('decodes each named bit and keeps the raw value', () => {
    expect(cspFlags(0)).toEqual({ raw: 0, hmac: false, xtea: false, rdp: false, crc: false });
    expect(cspFlags(CSP_FLAG.HMAC)).toMatchObject({ hmac: true, xtea: false, rdp: false, crc: false });
    expect(cspFlags(CSP_FLAG.XTEA)).toMatchObject({ hmac: false, xtea: true, rdp: false, crc: false });
    expect(cspFlags(CSP_FLAG.RDP)).toMatchObject({ hmac: false, xtea: false, rdp: true, crc: false });
    expect(cspFlags(CSP_FLAG.CRC)).toMatchObject({ hmac: false, xtea: false, rdp: false, crc: true });
    // 0x10 is libcsp's fragmentation flag: no boolean here, but it survives in raw.
    expect(cspFlags(0x1f)).toEqual({ raw: 0x1f, hmac: true, xtea: true, rdp: true, crc: true });
  });

  it('returns shared frozen views (no allocation per frame)', () => {
    expect(cspFlags(3)).toBe(cspFlags(3));
    expect(Object.isFrozen(cspFlags(3))).toBe(true);
  });

  it.each([-1, 256, 1.5, Number.NaN])('rejects %p', (raw) => {
    expect(() => cspFlags(raw)).toThrow(RangeError);
  });
});

describe('makeCspHeader', () => {
  it('fills unnamed fields with 0 and turns raw flags into their view', () => {
    expect(makeCspHeader({ destination: 9, flags: CSP_FLAG.CRC })).toEqual({
      priority: 0,
      source: 0,
      destination: 9,
      sourcePort: 0,
      destinationPort: 0,
      flags: cspFlags(CSP_FLAG.CRC),
    });
  });
});

describe('cspHeaderLength', () => {
  it('is 4 bytes for v1 and 6 for v2', () => {
    expect(cspHeaderLength(1)).toBe(4);
    expect(cspHeaderLength(2)).toBe(6);
  });
});

describe('CSP v1 header', () => {
  // priority 2, source 10, destination 5, dport 7, sport 33, flags RDP|CRC:
  //   10 | 01010 | 00101 | 000111 | 100001 | 00000011
  //   = 1001 0100 0101 0001 1110 0001 0000 0011 = 94 51 e1 03
  const known = header({
    priority: 2,
    source: 10,
    destination: 5,
    destinationPort: 7,
    sourcePort: 33,
    flags: 3,
  });

  it('encodes a hand-computed vector', () => {
    expect(hex(encodeCspHeader(1, known))).toBe('9451e103');
  });

  it('decodes the same vector', () => {
    expect(decodeCspHeader(1, Uint8Array.from([0x94, 0x51, 0xe1, 0x03]))).toEqual(known);
  });

  it('places each field at its own bits (one field at its maximum, the rest zero)', () => {
    expect(hex(encodeCspHeader(1, header({ priority: 3 })))).toBe('c0000000'); // [31:30]
    expect(hex(encodeCspHeader(1, header({ source: 31 })))).toBe('3e000000'); // [29:25]
    expect(hex(encodeCspHeader(1, header({ destination: 31 })))).toBe('01f00000'); // [24:20]
    expect(hex(encodeCspHeader(1, header({ destinationPort: 63 })))).toBe('000fc000'); // [19:14]
    expect(hex(encodeCspHeader(1, header({ sourcePort: 63 })))).toBe('00003f00'); // [13:8]
    expect(hex(encodeCspHeader(1, header({ flags: 0xff })))).toBe('000000ff'); // [7:0]
  });

  it('decodes all ones and all zeros', () => {
    expect(decodeCspHeader(1, Uint8Array.from([0xff, 0xff, 0xff, 0xff]))).toEqual(
      header({ priority: 3, source: 31, destination: 31, destinationPort: 63, sourcePort: 63, flags: 0xff }),
    );
    expect(decodeCspHeader(1, new Uint8Array(4))).toEqual(header());
  });
});

describe('CSP v2 header', () => {
  // priority 1, destination 0x1234, source 0x2abc, dport 10, sport 63, flags HMAC|CRC (0x09):
  //   high 16 bits = 1 << 14 | 0x1234                      = 0x5234
  //   low 32 bits  = 0x2abc << 18 | 10 << 12 | 63 << 6 | 9
  //                = 0xaaf00000 + 0xa000 + 0xfc0 + 0x9      = 0xaaf0afc9
  const known = header({
    priority: 1,
    destination: 0x1234,
    source: 0x2abc,
    destinationPort: 10,
    sourcePort: 63,
    flags: 0x09,
  });

  it('encodes a hand-computed vector', () => {
    expect(hex(encodeCspHeader(2, known))).toBe('5234aaf0afc9');
  });

  it('decodes the same vector', () => {
    expect(decodeCspHeader(2, Buffer.from('5234aaf0afc9', 'hex'))).toEqual(known);
  });

  it('places each field at its own bits (one field at its maximum, the rest zero)', () => {
    expect(hex(encodeCspHeader(2, header({ priority: 3 })))).toBe('c00000000000'); // [47:46]
    expect(hex(encodeCspHeader(2, header({ destination: 16383 })))).toBe('3fff00000000'); // [45:32]
    expect(hex(encodeCspHeader(2, header({ source: 16383 })))).toBe('0000fffc0000'); // [31:18]
    expect(hex(encodeCspHeader(2, header({ destinationPort: 63 })))).toBe('00000003f000'); // [17:12]
    expect(hex(encodeCspHeader(2, header({ sourcePort: 63 })))).toBe('000000000fc0'); // [11:6]
    expect(hex(encodeCspHeader(2, header({ flags: 0x3f })))).toBe('00000000003f'); // [5:0]
  });

  it('decodes all ones: the top bits of source cross the 32-bit word boundary correctly', () => {
    expect(decodeCspHeader(2, Buffer.from('ffffffffffff', 'hex'))).toEqual(
      header({
        priority: 3,
        source: 16383,
        destination: 16383,
        destinationPort: 63,
        sourcePort: 63,
        flags: 0x3f,
      }),
    );
  });
});

describe.each([1, 2] as const)('CSP v%i header codec', (version: CspVersion) => {
  const length = cspHeaderLength(version);

  it('round-trips 5,000 pseudo-random headers', () => {
    const next = lcg(version * 97);
    const mismatches: CspHeader[] = [];
    for (let i = 0; i < 5000; i++) {
      const original = header({
        priority: next() & 3,
        source: next() % (MAX[version].address + 1),
        destination: next() % (MAX[version].address + 1),
        sourcePort: next() & 63,
        destinationPort: next() & 63,
        flags: next() & MAX[version].flags,
      });
      const decoded = decodeCspHeader(version, encodeCspHeader(version, original));
      if (!sameHeader(decoded, original)) mismatches.push(original);
    }
    // One assertion for the whole batch: expect() per iteration dominated the run time.
    expect(mismatches).toEqual([]);
  });

  it('round-trips 5,000 pseudo-random byte strings (every bit pattern is a header)', () => {
    const next = lcg(version * 13);
    const mismatches: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const bytes = Uint8Array.from({ length }, () => next() >>> 24);
      if (hex(encodeCspHeader(version, decodeCspHeader(version, bytes))) !== hex(bytes))
        mismatches.push(hex(bytes));
    }
    expect(mismatches).toEqual([]);
  });

  it('rejects truncated input, naming what was needed', () => {
    for (let short = 0; short < length; short++) {
      expect(() => decodeCspHeader(version, new Uint8Array(short))).toThrow(
        `CSP v${version} header needs ${length} bytes, got ${short}`,
      );
    }
  });

  it('reads only the header from a longer frame, at the start of a view', () => {
    const frame = Uint8Array.from([0xaa, ...encodeCspHeader(version, header({ destination: 7 })), 1, 2, 3]);
    expect(decodeCspHeader(version, frame.subarray(1)).destination).toBe(7);
  });

  it('accepts every field at its upper bound', () => {
    const edge = header({
      priority: 3,
      source: MAX[version].address,
      destination: MAX[version].address,
      sourcePort: 63,
      destinationPort: 63,
      flags: MAX[version].flags,
    });
    expect(hex(encodeCspHeader(version, edge))).toBe('ff'.repeat(length));
  });

  it.each([
    ['priority', { priority: 4 }],
    ['priority', { priority: -1 }],
    ['source', { source: MAX[version].address + 1 }],
    ['destination', { destination: MAX[version].address + 1 }],
    ['destination', { destination: 1.5 }],
    ['source port', { sourcePort: 64 }],
    ['destination port', { destinationPort: 64 }],
    ['destination port', { destinationPort: Number.NaN }],
  ])('rejects an out-of-range %s', (field, fields) => {
    expect(() => encodeCspHeader(version, header(fields))).toThrow(
      new RegExp(`^CSP v${version} ${field} must be an integer 0\\.\\.\\d+, got`),
    );
  });

  it('rejects flag booleans that contradict the raw value', () => {
    const lying = { ...header(), flags: { ...cspFlags(0), crc: true } };
    expect(() => encodeCspHeader(version, lying)).toThrow(/contradict raw value 0x0/);
  });

  it('writes in place at an offset and refuses to overrun the target', () => {
    const target = new Uint8Array(length + 2);
    expect(writeCspHeader(version, header({ flags: 1 }), target, 2)).toBe(length);
    expect(target[length + 1]).toBe(1);
    expect(() => writeCspHeader(version, header(), target, 3)).toThrow(RangeError);
    expect(() => writeCspHeader(version, header(), target, -1)).toThrow(RangeError);
  });
});

describe('version-specific limits', () => {
  it('allows v1 addresses only up to 31 and flags up to 0xff', () => {
    expect(() => encodeCspHeader(1, header({ destination: 32 }))).toThrow('got 32');
    expect(() => encodeCspHeader(1, header({ flags: 0xff }))).not.toThrow();
  });

  it('allows v2 addresses up to 16383 but flags only up to 0x3f', () => {
    expect(() => encodeCspHeader(2, header({ destination: 16383 }))).not.toThrow();
    expect(() => encodeCspHeader(2, header({ destination: 16384 }))).toThrow('got 16384');
    expect(() => encodeCspHeader(2, header({ flags: 0x40 }))).toThrow(
      'CSP v2 flags must be an integer 0..63',
    );
  });
});
