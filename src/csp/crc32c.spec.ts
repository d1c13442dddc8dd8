// SPDX-License-Identifier: Apache-2.0
import { crc32c } from './crc32c';

/** Bit-at-a-time reference: slow but obviously the textbook reflected CRC. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Deterministic bytes (a 32-bit LCG) so failures reproduce. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('crc32c', () => {
  it('gives the catalogued check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789', 'ascii'))).toBe(0xe3069283);
  });

  it('is 0 for empty input (init and final xor cancel)', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  // RFC 3720 (iSCSI) appendix B.4 test patterns.
  it.each([
    ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
    ['32 bytes of 0xFF', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['32 ascending bytes', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
    ['32 descending bytes', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
  ])('matches RFC 3720 for %s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('returns an unsigned 32-bit number when the top bit is set', () => {
    const value = crc32c(new Uint8Array(32));
    expect(value).toBeGreaterThan(0x7fffffff);
    expect(Number.isInteger(value)).toBe(true);
  });

  it('agrees with the bitwise reference for every length 0..80 (all slice-by-8 tails)', () => {
    for (let length = 0; length <= 80; length++) {
      const data = pseudoRandomBytes(length, length + 1);
      expect(crc32c(data)).toBe(referenceCrc32c(data));
    }
  });

  it('agrees with the reference on long inputs and on views at odd offsets', () => {
    const backing = pseudoRandomBytes(4099, 7);
    for (const [start, end] of [
      [0, 4099],
      [1, 4098],
      [3, 203],
      [4096, 4099],
    ]) {
      const view = backing.subarray(start, end);
      expect(crc32c(view)).toBe(referenceCrc32c(view));
    }
  });

  it('reads only the view, not the bytes around it', () => {
    const backing = Buffer.from('xx123456789yy', 'ascii');
    expect(crc32c(backing.subarray(2, 11))).toBe(0xe3069283);
  });
});
