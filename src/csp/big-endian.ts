// SPDX-License-Identifier: Apache-2.0
/**
 * Big-endian (network order) 32-bit access on plain byte arrays. Done byte by byte rather than
 * through a DataView so that the per-frame paths allocate nothing.
 */

export function readUint32BE(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0
  );
}

/** Writes the low 32 bits of `value` (signed or unsigned) at `offset`. */
export function writeUint32BE(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}
