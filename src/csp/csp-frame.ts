// SPDX-License-Identifier: Apache-2.0
/**
 * Per-frame CSP validation for the relay (DESIGN.md section 4, "Every frame is a CSP packet"):
 * bounded size, header decoded as the spacecraft is configured, addresses and ports checked against
 * the spacecraft's CSP settings, CRC32-C trailer checked when flagged.
 *
 * CRC placement, as libcsp does it (read in libcsp/libcsp: src/csp_crc32.c, src/csp_io.c and
 * src/csp_route.c at tag v1.6 and the libcsp-1 branch; tag v2.0, the libcsp-2-0 branch and
 * develop at 19b7394f):
 * - The trailer is the last 4 bytes of the frame, the CRC32-C in network (big-endian) byte order.
 * - libcsp 1.x: the sender always computes it over the payload only (csp_io.c passes
 *   include_header = false "for backwards compatibility"), and the router verifies the same way.
 * - libcsp 2.x: the sender still covers the payload only (the header-including branch sits behind a
 *   CSP_21 macro that nothing defines); the receiver first tries header + payload, then falls back
 *   to payload only. On develop the header it uses is the serialized on-wire header.
 * So this accepts a trailer over the payload, or over header + payload (what a libcsp 2.x receiver
 * would also accept), and buildCspFrame writes the payload-only form every libcsp version sends.
 * - With XTEA (libcsp 1.x), the sender encrypts after appending the CRC and the receiver decrypts
 *   before checking it: the trailer travels encrypted, and without the key only its presence can be
 *   checked here.
 */

import { readUint32BE, writeUint32BE } from './big-endian';
import { crc32c } from './crc32c';
import { CSP_FLAG, cspFlags, cspHeaderLength, decodeCspHeader, writeCspHeader } from './csp-header';
import type { CspHeader, CspVersion } from './csp-header';

export const CSP_CRC_BYTES = 4;

/** A spacecraft's CSP configuration, as the relay checks frames against it. */
export interface CspSettings {
  version: CspVersion;
  /** The spacecraft's own CSP addresses. */
  addresses: readonly number[];
  /** Ports that uplink frames may be sent to (destination port). */
  uplinkPorts: readonly number[];
  /** Ports that downlink frames may come from (source port). */
  downlinkPorts: readonly number[];
}

export type CspDirection = 'UPLINK' | 'DOWNLINK';

export interface CspFrameLimits {
  /** Whole frame: header, payload and CRC trailer. */
  maxFrameBytes: number;
}

/** Stable codes (docs/protocol.md section 9.4 lists them); clients and the packet log rely on them. */
export const CSP_RULES = [
  'FRAME_TOO_SHORT',
  'FRAME_TOO_LARGE',
  'DESTINATION_NOT_ALLOWED',
  'DESTINATION_PORT_NOT_ALLOWED',
  'SOURCE_NOT_ALLOWED',
  'SOURCE_PORT_NOT_ALLOWED',
  'CRC_MISSING',
  'BAD_CRC',
] as const;

export type CspRule = (typeof CSP_RULES)[number];

/** A rejection keeps the header when it could be decoded, so the packet log shows what was sent. */
export type CspFrameVerdict =
  | { ok: true; header: CspHeader; payloadLength: number }
  | { ok: false; rule: CspRule; message: string; header?: CspHeader };

type Rejection = Extract<CspFrameVerdict, { ok: false }>;

/**
 * Checks one relayed frame. Uplink frames must go to one of the spacecraft's addresses and an
 * uplink port; downlink frames must come from one of its addresses and a downlink port.
 * `payloadLength` excludes the header and, when the CRC flag is set, the trailer.
 */
export function validateCspFrame(
  frame: Uint8Array,
  direction: CspDirection,
  settings: CspSettings,
  limits: CspFrameLimits,
): CspFrameVerdict {
  const version = settings.version;
  const headerLength = cspHeaderLength(version);
  if (frame.length > limits.maxFrameBytes) {
    return reject(
      'FRAME_TOO_LARGE',
      `frame is ${frame.length} bytes; the maximum is ${limits.maxFrameBytes}`,
    );
  }
  if (frame.length < headerLength) {
    return reject(
      'FRAME_TOO_SHORT',
      `frame is ${frame.length} bytes; a CSP v${version} header is ${headerLength}`,
    );
  }
  const header = decodeCspHeader(version, frame);
  const rejection =
    checkRouting(header, direction, settings) ??
    (header.flags.crc ? checkCrc(frame, header, headerLength) : undefined);
  if (rejection) return { ...rejection, header };
  const trailerLength = header.flags.crc ? CSP_CRC_BYTES : 0;
  return { ok: true, header, payloadLength: frame.length - headerLength - trailerLength };
}

/** Which end of the frame is the spacecraft's, per direction. */
const ROUTING = {
  UPLINK: {
    role: 'uplink destination',
    address: 'destination',
    port: 'destinationPort',
    allowedPorts: 'uplinkPorts',
    addressRule: 'DESTINATION_NOT_ALLOWED',
    portRule: 'DESTINATION_PORT_NOT_ALLOWED',
  },
  DOWNLINK: {
    role: 'downlink source',
    address: 'source',
    port: 'sourcePort',
    allowedPorts: 'downlinkPorts',
    addressRule: 'SOURCE_NOT_ALLOWED',
    portRule: 'SOURCE_PORT_NOT_ALLOWED',
  },
} as const satisfies Record<CspDirection, object>;

function checkRouting(
  header: CspHeader,
  direction: CspDirection,
  settings: CspSettings,
): Rejection | undefined {
  const routing = ROUTING[direction];
  const address = header[routing.address];
  if (!settings.addresses.includes(address)) {
    const allowed = list(settings.addresses);
    return reject(
      routing.addressRule,
      `${routing.role} address ${address} is not one of the spacecraft's addresses ${allowed}`,
    );
  }
  const port = header[routing.port];
  const ports = settings[routing.allowedPorts];
  if (!ports.includes(port)) {
    const allowed = list(ports);
    return reject(
      routing.portRule,
      `${routing.role} port ${port} is not in the spacecraft's ${routing.allowedPorts} ${allowed}`,
    );
  }
  return undefined;
}

function checkCrc(frame: Uint8Array, header: CspHeader, headerLength: number): Rejection | undefined {
  const crcOffset = frame.length - CSP_CRC_BYTES;
  if (crcOffset < headerLength) {
    const after = frame.length - headerLength;
    return reject(
      'CRC_MISSING',
      `the CRC flag is set but only ${after} bytes follow the header; the CRC32 trailer needs ${CSP_CRC_BYTES}`,
    );
  }
  // Encrypted with the payload (see the note at the top): present, but not checkable here.
  if (header.flags.xtea) return undefined;
  const trailer = readUint32BE(frame, crcOffset);
  const overPayload = crc32c(frame.subarray(headerLength, crcOffset));
  if (trailer === overPayload) return undefined;
  // Rarer form, so computed only when the common one fails.
  const overHeaderAndPayload = crc32c(frame.subarray(0, crcOffset));
  if (trailer === overHeaderAndPayload) return undefined;
  return reject(
    'BAD_CRC',
    `CRC32-C trailer ${hex32(trailer)} matches neither the payload (${hex32(overPayload)}) ` +
      `nor the header and payload (${hex32(overHeaderAndPayload)})`,
  );
}

function reject(rule: CspRule, message: string): Rejection {
  return { ok: false, rule, message };
}

function list(values: readonly number[]): string {
  return values.length === 0 ? '(none configured)' : `(${values.join(', ')})`;
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

export interface BuildCspFrameOptions {
  /**
   * Append a CRC32-C trailer over the payload and set the CRC flag. Defaults to the header's CRC
   * flag. `false` appends nothing and writes the header as given (tests use it to build frames
   * whose flag and trailer disagree).
   */
  crc?: boolean;
}

/** Header + payload (+ CRC32-C trailer, payload-only and big-endian as libcsp sends it). */
export function buildCspFrame(
  version: CspVersion,
  header: CspHeader,
  payload: Uint8Array,
  options: BuildCspFrameOptions = {},
): Uint8Array {
  const withCrc = options.crc ?? header.flags.crc;
  const flags = withCrc ? cspFlags(header.flags.raw | CSP_FLAG.CRC) : header.flags;
  const headerLength = cspHeaderLength(version);
  const frame = new Uint8Array(headerLength + payload.length + (withCrc ? CSP_CRC_BYTES : 0));
  writeCspHeader(version, { ...header, flags }, frame, 0);
  frame.set(payload, headerLength);
  if (withCrc) writeUint32BE(frame, headerLength + payload.length, crc32c(payload));
  return frame;
}
