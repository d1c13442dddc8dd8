// SPDX-License-Identifier: Apache-2.0
import type { Packet, PacketOutcome } from '../relay/packet.entity';

/**
 * The binary export (docs/api.md "Binary export format"): an 8-byte file header, then one record
 * per packet, all integers big-endian.
 *
 *   header: magic "SNPK" (4) | version u8 = 1 | reserved u8 = 0 | reserved u16 = 0
 *   record: id u64 | serverTime ns u64 | gsTime ns u64 (0: none) | direction u8 | outcome u8 |
 *           length u32 | frame bytes (length)
 */
export const BINARY_MAGIC = 'SNPK';
export const BINARY_VERSION = 1;
export const BINARY_HEADER_BYTES = 8;
export const BINARY_RECORD_FIXED_BYTES = 30;

export const BINARY_DIRECTIONS: readonly Packet['direction'][] = ['DOWNLINK', 'UPLINK'];
export const BINARY_OUTCOMES: readonly PacketOutcome[] = [
  'RELAYED',
  'NOT_DELIVERED',
  'REJECTED',
  'NON_SCHEDULED',
];

export interface BinaryRecord {
  id: number;
  serverTime: Date;
  gsTime: Date | null;
  direction: Packet['direction'];
  outcome: PacketOutcome;
  data: Buffer;
}

export function binaryHeader(): Buffer {
  const header = Buffer.alloc(BINARY_HEADER_BYTES);
  header.write(BINARY_MAGIC, 0, 'latin1');
  header.writeUInt8(BINARY_VERSION, 4);
  return header;
}

const NS_PER_MS = 1_000_000n;

/** The records of `packets`, back to back, in one buffer. */
export function binaryRecords(packets: readonly Packet[]): Buffer {
  const size = packets.reduce((sum, packet) => sum + BINARY_RECORD_FIXED_BYTES + packet.data.length, 0);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const packet of packets) {
    at = out.writeBigUInt64BE(BigInt(packet.id), at);
    at = out.writeBigUInt64BE(BigInt(packet.serverReceivedAt.getTime()) * NS_PER_MS, at);
    at = out.writeBigUInt64BE(packet.gsTimestamp ? BigInt(packet.gsTimestamp.getTime()) * NS_PER_MS : 0n, at);
    at = out.writeUInt8(BINARY_DIRECTIONS.indexOf(packet.direction), at);
    at = out.writeUInt8(BINARY_OUTCOMES.indexOf(packet.outcome), at);
    at = out.writeUInt32BE(packet.data.length, at);
    at += packet.data.copy(out, at);
  }
  return out;
}

/** Reads a whole binary export back (tests, and the reference for client implementations). */
export function parseBinaryExport(file: Buffer): BinaryRecord[] {
  if (file.length < BINARY_HEADER_BYTES || file.toString('latin1', 0, 4) !== BINARY_MAGIC)
    throw new Error('not a SATNet binary packet export (no SNPK header)');
  if (file.readUInt8(4) !== BINARY_VERSION) throw new Error(`unknown export version ${file.readUInt8(4)}`);
  const records: BinaryRecord[] = [];
  let at = BINARY_HEADER_BYTES;
  while (at < file.length) {
    if (file.length - at < BINARY_RECORD_FIXED_BYTES) throw new Error(`truncated record at byte ${at}`);
    const gsNs = file.readBigUInt64BE(at + 16);
    const length = file.readUInt32BE(at + 26);
    const end = at + BINARY_RECORD_FIXED_BYTES + length;
    if (end > file.length) throw new Error(`truncated frame at byte ${at}`);
    records.push({
      id: Number(file.readBigUInt64BE(at)),
      serverTime: new Date(Number(file.readBigUInt64BE(at + 8) / NS_PER_MS)),
      gsTime: gsNs === 0n ? null : new Date(Number(gsNs / NS_PER_MS)),
      direction: BINARY_DIRECTIONS[file.readUInt8(at + 24)],
      outcome: BINARY_OUTCOMES[file.readUInt8(at + 25)],
      data: Buffer.from(file.subarray(at + BINARY_RECORD_FIXED_BYTES, end)),
    });
    at = end;
  }
  return records;
}
