// SPDX-License-Identifier: Apache-2.0
import { buildCspFrame } from '../../csp/csp-frame';
import { CSP_FLAG, makeCspHeader } from '../../csp/csp-header';
import type { PacketOutcome } from '../../relay/packet.entity';
import type { PacketRecord } from '../../relay/packets.repository';

/** Whose packets to make: a slot's (or slotless non-scheduled ones) of a station and a spacecraft. */
export interface SyntheticTarget {
  slotId: string | null;
  stationId: string;
  spacecraftId: string | null;
  /** serverReceivedAt of packet 0. */
  start: Date;
  /** Between consecutive packets; packets with equal times are allowed (the id breaks the tie). */
  stepMs: number;
}

/**
 * Packets as the relay logs them, for tests and bench/history.ts: CSP v1 frames a spacecraft at
 * address 10 (ports 10-11) accepts, downlink and uplink alternating, mostly RELAYED with every
 * 10th NOT_DELIVERED and every 25th REJECTED (so filters have something to find).
 */
export function syntheticPackets(target: SyntheticTarget, from: number, count: number): PacketRecord[] {
  const records: PacketRecord[] = [];
  for (let i = from; i < from + count; i++) {
    const downlink = i % 2 === 0;
    const data = frame(downlink, i);
    const at = new Date(target.start.getTime() + i * target.stepMs);
    const outcome: PacketOutcome =
      target.slotId === null
        ? 'NON_SCHEDULED'
        : i % 25 === 24
          ? 'REJECTED'
          : i % 10 === 9
            ? 'NOT_DELIVERED'
            : 'RELAYED';
    records.push({
      slotId: target.slotId,
      stationId: target.stationId,
      spacecraftId: target.spacecraftId,
      sequence: target.slotId === null ? null : Math.floor(i / 2) + 1,
      frequencyHz: target.slotId === null ? 437.5e6 : null,
      dedupKey: null,
      fromSide: downlink ? 'station' : 'mission',
      direction: downlink ? 'DOWNLINK' : 'UPLINK',
      frameBytes: data.length,
      data,
      clientTimestamp: at.toISOString(),
      serverReceivedAt: at,
      gsTimestamp: at,
      dopplerShiftHz: downlink ? -1234 + (i % 100) : 987,
      outcome,
      rejectRule: outcome === 'REJECTED' ? 'SOURCE_PORT_NOT_ALLOWED' : null,
      cspSource: downlink ? 10 : 1,
      cspDestination: downlink ? 1 : 10,
      cspSourcePort: downlink ? 10 : 20,
      cspDestinationPort: downlink ? 20 : 11,
    });
  }
  return records;
}

function frame(downlink: boolean, index: number): Buffer {
  const header = downlink
    ? makeCspHeader({
        priority: 2,
        source: 10,
        sourcePort: 10,
        destination: 1,
        destinationPort: 20,
        flags: CSP_FLAG.CRC,
      })
    : makeCspHeader({ priority: 1, source: 1, sourcePort: 20, destination: 10, destinationPort: 11 });
  return Buffer.from(buildCspFrame(1, header, Buffer.from(`frame ${index}`)));
}
