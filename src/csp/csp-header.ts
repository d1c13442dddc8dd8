// SPDX-License-Identifier: Apache-2.0
/**
 * CSP (CubeSat Space Protocol) header codec, both wire versions, big-endian on the wire
 * (DESIGN.md section 4; the layouts match libcsp's src/csp_id.c):
 *
 *   v1, 32 bits: priority[31:30] source[29:25] destination[24:20] dport[19:14] sport[13:8] flags[7:0]
 *   v2, 48 bits: priority[47:46] destination[45:32] source[31:18] dport[17:12] sport[11:6] flags[5:0]
 *
 * JS bit operators work on 32-bit integers, so the v2 header is handled as a 16-bit high part
 * (priority, destination) and a 32-bit low part (everything else); no shift ever crosses bit 31.
 * Bytes are read and written one by one rather than through a DataView so that decoding a header
 * allocates nothing but the result object (it runs for every relayed frame).
 */

import { readUint32BE, writeUint32BE } from './big-endian';

export type CspVersion = 1 | 2;

/** Flag bits, identical in v1 and v2 (v2 keeps only the low six bits). */
export const CSP_FLAG = { HMAC: 0x08, XTEA: 0x04, RDP: 0x02, CRC: 0x01 } as const;

export interface CspFlags {
  /** The whole flags field, including bits with no name here (fragmentation, reserved). */
  readonly raw: number;
  readonly hmac: boolean;
  readonly xtea: boolean;
  readonly rdp: boolean;
  readonly crc: boolean;
}

export interface CspHeader {
  priority: number;
  source: number;
  destination: number;
  sourcePort: number;
  destinationPort: number;
  flags: CspFlags;
}

interface FieldLimits {
  readonly headerBytes: number;
  readonly address: number;
  readonly port: number;
  readonly flags: number;
}

const PRIORITY_MAX = 3;

const LIMITS: Readonly<Record<CspVersion, FieldLimits>> = {
  1: { headerBytes: 4, address: 31, port: 63, flags: 0xff },
  2: { headerBytes: 6, address: 16383, port: 63, flags: 0x3f },
};

/** Every possible flags value, built once: decoding then shares these instead of allocating. */
const FLAG_VIEWS: readonly CspFlags[] = Array.from({ length: 256 }, (_, raw) =>
  Object.freeze({
    raw,
    hmac: (raw & CSP_FLAG.HMAC) !== 0,
    xtea: (raw & CSP_FLAG.XTEA) !== 0,
    rdp: (raw & CSP_FLAG.RDP) !== 0,
    crc: (raw & CSP_FLAG.CRC) !== 0,
  }),
);

/** Header length in bytes: 4 for v1, 6 for v2. */
export function cspHeaderLength(version: CspVersion): number {
  return LIMITS[version].headerBytes;
}

/** The decoded view of a raw flags byte, e.g. `cspFlags(CSP_FLAG.CRC | CSP_FLAG.RDP)`. */
export function cspFlags(raw: number): CspFlags {
  const view = Number.isInteger(raw) ? FLAG_VIEWS[raw] : undefined;
  if (!view) throw new RangeError(`CSP flags must be an integer 0..255, got ${raw}`);
  return view;
}

/** Header fields for makeCspHeader: any subset, with `flags` as the raw number. */
export type CspHeaderFields = Partial<Omit<CspHeader, 'flags'>> & { flags?: number };

/** A header from the fields given, every other field 0 (for clients, tests and the bench). */
export function makeCspHeader(fields: CspHeaderFields = {}): CspHeader {
  const { flags = 0, ...rest } = fields;
  return {
    priority: 0,
    source: 0,
    destination: 0,
    sourcePort: 0,
    destinationPort: 0,
    ...rest,
    flags: cspFlags(flags),
  };
}

/** Decodes the header at the start of `bytes`; throws a RangeError when `bytes` is too short. */
export function decodeCspHeader(version: CspVersion, bytes: Uint8Array): CspHeader {
  const needed = LIMITS[version].headerBytes;
  if (bytes.length < needed) {
    throw new RangeError(`CSP v${version} header needs ${needed} bytes, got ${bytes.length}`);
  }
  return version === 1 ? decodeV1(bytes) : decodeV2(bytes);
}

function decodeV1(b: Uint8Array): CspHeader {
  const word = readUint32BE(b, 0);
  return {
    priority: word >>> 30,
    source: (word >>> 25) & 0x1f,
    destination: (word >>> 20) & 0x1f,
    destinationPort: (word >>> 14) & 0x3f,
    sourcePort: (word >>> 8) & 0x3f,
    flags: FLAG_VIEWS[word & 0xff],
  };
}

function decodeV2(b: Uint8Array): CspHeader {
  const high = (b[0] << 8) | b[1]; // bits 47..32
  const low = readUint32BE(b, 2); // bits 31..0
  return {
    priority: high >>> 14,
    destination: high & 0x3fff,
    source: low >>> 18,
    destinationPort: (low >>> 12) & 0x3f,
    sourcePort: (low >>> 6) & 0x3f,
    flags: FLAG_VIEWS[low & 0x3f],
  };
}

/** Encodes a header into a new array of `cspHeaderLength(version)` bytes. */
export function encodeCspHeader(version: CspVersion, header: CspHeader): Uint8Array {
  const bytes = new Uint8Array(LIMITS[version].headerBytes);
  writeCspHeader(version, header, bytes, 0);
  return bytes;
}

/**
 * Writes a header into `target` at `offset` and returns the number of bytes written. Throws a
 * RangeError when a field does not fit the version, or when the flag booleans contradict `raw`.
 */
export function writeCspHeader(
  version: CspVersion,
  header: CspHeader,
  target: Uint8Array,
  offset = 0,
): number {
  checkFields(version, header);
  const length = LIMITS[version].headerBytes;
  if (offset < 0 || offset + length > target.length) {
    throw new RangeError(`no room for a ${length}-byte CSP header at offset ${offset}`);
  }
  const { priority, source, destination, destinationPort, sourcePort } = header;
  const raw = header.flags.raw;
  if (version === 1) {
    const word = (priority << 30) | (source << 25) | (destination << 20) | (destinationPort << 14);
    writeUint32BE(target, offset, word | (sourcePort << 8) | raw);
  } else {
    const high = (priority << 14) | destination;
    target[offset] = high >>> 8;
    target[offset + 1] = high & 0xff;
    writeUint32BE(target, offset + 2, (source << 18) | (destinationPort << 12) | (sourcePort << 6) | raw);
  }
  return length;
}

function checkFields(version: CspVersion, header: CspHeader): void {
  const limits = LIMITS[version];
  checkRange(version, 'priority', header.priority, PRIORITY_MAX);
  checkRange(version, 'source', header.source, limits.address);
  checkRange(version, 'destination', header.destination, limits.address);
  checkRange(version, 'source port', header.sourcePort, limits.port);
  checkRange(version, 'destination port', header.destinationPort, limits.port);
  checkRange(version, 'flags', header.flags.raw, limits.flags);
  const expected = FLAG_VIEWS[header.flags.raw];
  const { hmac, xtea, rdp, crc } = header.flags;
  if (hmac !== expected.hmac || xtea !== expected.xtea || rdp !== expected.rdp || crc !== expected.crc) {
    // Two sources of truth that disagree would make the encoded frame depend on which one wins.
    throw new RangeError(`CSP flags booleans contradict raw value 0x${header.flags.raw.toString(16)}`);
  }
}

function checkRange(version: CspVersion, field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`CSP v${version} ${field} must be an integer 0..${max}, got ${value}`);
  }
}
