// SPDX-License-Identifier: Apache-2.0
import type { Packet } from '../relay/packet.entity';
import { BINARY_HEADER_BYTES, binaryHeader, binaryRecords, parseBinaryExport } from './packet-binary-format';

const packet = (id: number, overrides: Partial<Packet> = {}): Packet =>
  ({
    id,
    serverReceivedAt: new Date(Date.UTC(2008, 8, 20, 18, 17, 6, 918) + id),
    gsTimestamp: new Date(Date.UTC(2008, 8, 20, 18, 17, 6, 0)),
    direction: 'DOWNLINK',
    outcome: 'RELAYED',
    data: Buffer.from([0x94, 0x15, 0x0a, 0x01, id & 0xff]),
    ...overrides,
  }) as Packet;

describe('SNPK binary export', () => {
  it('lays out the header and a record exactly as docs/api.md says', () => {
    const file = Buffer.concat([
      binaryHeader(),
      binaryRecords([packet(1, { direction: 'UPLINK', outcome: 'REJECTED' })]),
    ]);
    expect(file.subarray(0, BINARY_HEADER_BYTES).toString('hex')).toBe('534e504b01000000');
    const record = file.subarray(BINARY_HEADER_BYTES);
    expect(record.readBigUInt64BE(0)).toBe(1n);
    expect(record.readBigUInt64BE(8)).toBe(BigInt(Date.UTC(2008, 8, 20, 18, 17, 6, 919)) * 1_000_000n);
    expect(record.readBigUInt64BE(16)).toBe(BigInt(Date.UTC(2008, 8, 20, 18, 17, 6, 0)) * 1_000_000n);
    expect([record[24], record[25], record.readUInt32BE(26)]).toEqual([1, 2, 5]);
    expect(record.subarray(30).toString('hex')).toBe('94150a0101');
    expect(record.length).toBe(35);
  });

  it('reads back what it wrote, a missing ground-station time and an empty frame included', () => {
    const packets = [
      packet(1),
      packet(2, { gsTimestamp: null, outcome: 'NON_SCHEDULED' }),
      packet(2 ** 40, { data: Buffer.alloc(0), outcome: 'NOT_DELIVERED' }),
    ];
    const file = Buffer.concat([
      binaryHeader(),
      binaryRecords(packets.slice(0, 2)),
      binaryRecords(packets.slice(2)),
    ]);
    expect(parseBinaryExport(file)).toEqual(
      packets.map((p) => ({
        id: p.id,
        serverTime: p.serverReceivedAt,
        gsTime: p.gsTimestamp,
        direction: p.direction,
        outcome: p.outcome,
        data: p.data,
      })),
    );
    expect(parseBinaryExport(binaryHeader())).toEqual([]);
  });

  it('refuses a file that is not one, of another version, or cut short', () => {
    const file = Buffer.concat([binaryHeader(), binaryRecords([packet(1)])]);
    expect(() => parseBinaryExport(Buffer.from('PK\x03\x04....'))).toThrow('no SNPK header');
    const v2 = Buffer.from(file);
    v2[4] = 2;
    expect(() => parseBinaryExport(v2)).toThrow('unknown export version 2');
    expect(() => parseBinaryExport(file.subarray(0, file.length - 1))).toThrow('truncated frame');
    expect(() => parseBinaryExport(file.subarray(0, 20))).toThrow('truncated record');
  });
});
