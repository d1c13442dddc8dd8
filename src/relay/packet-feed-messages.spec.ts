// SPDX-License-Identifier: Apache-2.0
import {
  type FeedPacket,
  packetsMessage,
  parseFeedNotice,
  parsePacketsMessage,
} from './packet-feed-messages';

describe('packet feed messages', () => {
  const packet: FeedPacket = {
    id: 4711,
    spacecraftId: 'sc-1',
    data: Buffer.from([0x14, 0x12, 0x94, 0x00]),
    slotId: 'slot-1',
    stationId: 'gs-1',
    direction: 'DOWNLINK',
    outcome: 'RELAYED',
    dopplerShiftHz: -8123,
    gsTimestamp: new Date('2030-01-01T10:00:00.000Z'),
    sequence: 7,
    rejectRule: null,
    serverReceivedAt: new Date('2030-01-01T10:00:00.012Z'),
  };

  it('carries a packet across as it was committed (times and bytes included)', () => {
    const nonScheduled = {
      ...packet,
      slotId: null,
      stationId: null,
      gsTimestamp: null,
      sequence: null,
      outcome: 'NON_SCHEDULED' as const,
    };
    const wire = packetsMessage('A', [packet, nonScheduled]);
    // What the bus hands over: bytes as a Uint8Array view, not a Buffer.
    const received = { ...wire, packets: wire.packets.map((p) => ({ ...p, data: new Uint8Array(p.data) })) };
    expect(parsePacketsMessage(received)).toEqual({ from: 'A', packets: [packet, nonScheduled] });
  });

  it('drops a message of another form whole, rather than deliver half of it', () => {
    const wire = packetsMessage('A', [packet]);
    const bad: unknown[] = [
      null,
      'packets',
      { packets: wire.packets },
      { from: 'A', packets: 'none' },
      { from: 'A', packets: [...wire.packets, { ...wire.packets[0], direction: 'SIDEWAYS' }] },
      { from: 'A', packets: [{ ...wire.packets[0], serverReceivedAt: '2030-01-01' }] },
      { from: 'A', packets: [{ ...wire.packets[0], data: 'FBKU' }] },
      { from: 'A', packets: [{ ...wire.packets[0], id: 1.5 }] },
    ];
    for (const value of bad) expect(parsePacketsMessage(value)).toBeUndefined();
  });

  it('takes the four notices and nothing else', () => {
    const notices = [
      { kind: 'listen', from: 'B', topic: 'spacecraft:sc-1', nonce: 'n' },
      { kind: 'unlisten', from: 'B', topic: 'station:gs-1' },
      { kind: 'known', from: 'A', to: 'B', nonce: 'n' },
      { kind: 'lost', from: 'A', topic: 'spacecraft:sc-1' },
    ];
    for (const notice of notices) expect(parseFeedNotice(notice)).toBe(notice);
    const bad = [
      { kind: 'listen', from: 'B', topic: 'spacecraft:sc-1' },
      { kind: 'listen', from: 'B', topic: 'sc-1', nonce: 'n' },
      { kind: 'known', from: 'A', nonce: 'n' },
      { kind: 'lost', topic: 'spacecraft:sc-1' },
      { kind: 'other', from: 'A' },
      42,
    ];
    for (const value of bad) expect(parseFeedNotice(value)).toBeUndefined();
  });
});
