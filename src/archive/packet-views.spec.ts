// SPDX-License-Identifier: Apache-2.0
import { buildCspFrame } from '../csp/csp-frame';
import { CSP_FLAG, makeCspHeader } from '../csp/csp-header';
import type { Packet } from '../relay/packet.entity';
import { packetView } from './packet-views';

const header = makeCspHeader({
  priority: 3,
  source: 300,
  destination: 9,
  sourcePort: 5,
  destinationPort: 7,
  flags: CSP_FLAG.RDP,
});
const stored = { cspSource: 300, cspDestination: 9, cspSourcePort: 5, cspDestinationPort: 7 };
const packet = (data: Buffer): Packet =>
  ({
    id: 7,
    data,
    serverReceivedAt: new Date('2008-09-20T18:17:06.918Z'),
    gsTimestamp: null,
    ...stored,
  }) as Packet;

describe('packetView csp', () => {
  const v2 = Buffer.from(buildCspFrame(2, header, Buffer.from('hi')));

  it("decodes the whole header from the bytes with the spacecraft's version", () => {
    const view = packetView(packet(v2), {
      groundStation: 'GS',
      spacecraft: { identifier: 'SAT', cspVersion: 2 },
    });
    expect(view.csp).toEqual({
      version: 2,
      priority: 3,
      source: 300,
      destination: 9,
      sourcePort: 5,
      destinationPort: 7,
      flags: { raw: CSP_FLAG.RDP, hmac: false, xtea: false, rdp: true, crc: false },
    });
    expect([view.data, view.gsTimestamp, view.serverTime]).toEqual([
      v2.toString('base64'),
      null,
      '2008-09-20T18:17:06.918Z',
    ]);
  });

  it('falls back to the stored addresses without a spacecraft or with a frame too short for a header', () => {
    const fallback = {
      priority: null,
      source: 300,
      destination: 9,
      sourcePort: 5,
      destinationPort: 7,
      flags: null,
    };
    expect(packetView(packet(v2), { groundStation: 'GS', spacecraft: null }).csp).toEqual({
      version: null,
      ...fallback,
    });
    const short = packetView(packet(v2.subarray(0, 3)), {
      groundStation: 'GS',
      spacecraft: { identifier: 'SAT', cspVersion: 2 },
    });
    expect(short.csp).toEqual({ version: 2, ...fallback });
    const bare = { ...packet(v2.subarray(0, 3)), cspSource: null } as Packet;
    expect(packetView(bare, { groundStation: 'GS', spacecraft: null }).csp).toBeNull();
  });
});
