// SPDX-License-Identifier: Apache-2.0
/**
 * CRC32-C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF.
 * This is the CRC that libcsp appends to packets carrying the CRC32 flag (see csp-frame.ts).
 *
 * Node has no built-in CRC32-C, so this is a table-driven software version. It processes eight bytes
 * per step ("slice-by-8"): on 200-byte frames that measured about 2x faster than the byte-at-a-time
 * loop on this machine (~290 ns against ~590 ns), and the relay checks a CRC on every flagged frame.
 */

const POLYNOMIAL = 0x82f63b78;

/** TABLES[k][b]: the CRC register after feeding byte b followed by k zero bytes. */
const TABLES = buildTables();

function buildTables(): Int32Array[] {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  const [first] = tables;
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    first[byte] = crc;
  }
  for (let k = 1; k < 8; k++) {
    for (let byte = 0; byte < 256; byte++) {
      const previous = tables[k - 1][byte];
      tables[k][byte] = (previous >>> 8) ^ first[previous & 0xff];
    }
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES;

/** Returns the CRC32-C of `data` as an unsigned 32-bit number. */
export function crc32c(data: Uint8Array): number {
  const length = data.length;
  const blockEnd = length - (length & 7);
  // The register is kept as a signed 32-bit int (what JS bit operators produce); `>>> 0` at the end.
  let crc = -1;
  let i = 0;
  for (; i < blockEnd; i += 8) {
    // The first four bytes are xored into the register (little-endian, as the CRC is reflected).
    const low = crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    crc =
      T7[low & 0xff] ^
      T6[(low >>> 8) & 0xff] ^
      T5[(low >>> 16) & 0xff] ^
      T4[low >>> 24] ^
      T3[data[i + 4]] ^
      T2[data[i + 5]] ^
      T1[data[i + 6]] ^
      T0[data[i + 7]];
  }
  for (; i < length; i++) crc = T0[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
