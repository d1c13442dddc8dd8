// SPDX-License-Identifier: Apache-2.0
import { cspHeaderLength, type CspVersion, decodeCspHeader } from '../csp/csp-header';
import type { Packet, PacketOutcome } from '../relay/packet.entity';

/** A packet's CSP header as the history shows it (docs/api.md "Packet history"). */
export interface PacketCspView {
  version: CspVersion | null;
  priority: number | null;
  source: number | null;
  destination: number | null;
  sourcePort: number | null;
  destinationPort: number | null;
  /** The raw flags field and its named bits; null when the header could not be read. */
  flags: { raw: number; hmac: boolean; xtea: boolean; rdp: boolean; crc: boolean } | null;
}

/** One archived packet, as get_packets and the JSON Lines export give it. */
export interface PacketView {
  id: number;
  slotId: string | null;
  groundStation: string | null;
  spacecraft: string | null;
  direction: Packet['direction'];
  fromSide: Packet['fromSide'];
  outcome: PacketOutcome;
  rejectRule: string | null;
  sequence: number | null;
  serverTime: string;
  clientTimestamp: string;
  gsTimestamp: string | null;
  dopplerShiftHz: number | null;
  frequencyHz: number | null;
  frameBytes: number;
  /** The frame as received, base64. */
  data: string;
  csp: PacketCspView | null;
}

/** What a packet row names by internal id, as the client knows it. */
export interface PacketNames {
  groundStation: string | null;
  spacecraft: { identifier: string; cspVersion: CspVersion | null } | null;
}

export function packetView(packet: Packet, names: PacketNames): PacketView {
  return {
    id: packet.id,
    slotId: packet.slotId,
    groundStation: names.groundStation,
    spacecraft: names.spacecraft?.identifier ?? null,
    direction: packet.direction,
    fromSide: packet.fromSide,
    outcome: packet.outcome,
    rejectRule: packet.rejectRule,
    sequence: packet.sequence,
    serverTime: packet.serverReceivedAt.toISOString(),
    clientTimestamp: packet.clientTimestamp,
    gsTimestamp: packet.gsTimestamp?.toISOString() ?? null,
    dopplerShiftHz: packet.dopplerShiftHz,
    frequencyHz: packet.frequencyHz,
    frameBytes: packet.frameBytes,
    data: packet.data.toString('base64'),
    csp: cspView(packet, names.spacecraft?.cspVersion ?? undefined),
  };
}

/**
 * The whole header decoded from the stored bytes with the spacecraft's CSP version (priority and
 * flags are not stored in columns); without a spacecraft (or its CSP settings), or for a frame too short to hold a
 * header (rejected as such), the addresses and ports the relay stored, if any.
 */
function cspView(packet: Packet, version: CspVersion | undefined): PacketCspView | null {
  if (version !== undefined && packet.data.length >= cspHeaderLength(version)) {
    const header = decodeCspHeader(version, packet.data);
    const { raw, hmac, xtea, rdp, crc } = header.flags;
    return {
      version,
      priority: header.priority,
      source: header.source,
      destination: header.destination,
      sourcePort: header.sourcePort,
      destinationPort: header.destinationPort,
      flags: { raw, hmac, xtea, rdp, crc },
    };
  }
  if (packet.cspSource === null) return null;
  return {
    version: version ?? null,
    priority: null,
    source: packet.cspSource,
    destination: packet.cspDestination,
    sourcePort: packet.cspSourcePort,
    destinationPort: packet.cspDestinationPort,
    flags: null,
  };
}
