// SPDX-License-Identifier: Apache-2.0

/** The filters of an archive read that decide which index walks it (see PacketsRepository.page). */
export interface PacketReadFilters {
  spacecraftId?: string;
  stationId?: string;
  slotId?: string;
  outcomes?: readonly string[];
}

/** The packets table's indexes that serve a read in (serverReceivedAt, id) order. */
export type PacketReadIndex =
  | 'idx_packets_slot_time'
  | 'idx_packets_spacecraft_time'
  | 'idx_packets_spacecraft_outcome_time'
  | 'idx_packets_station_time'
  | 'idx_packets_station_outcome_time';

/**
 * The index whose order is the archive's order once the read's equalities are fixed, so that a
 * page is one range scan stopped at its LIMIT. MariaDB left to itself walked the owner's index from
 * the owner's first packet (a `ref` on its first column, the time range filtered row by row) and
 * stepped over every packet of the other outcomes: up to 155 ms per page in bench/history.ts.
 *
 * A slot is the narrowest scope. An owner's index with the outcome second serves one outcome;
 * several outcomes are filtered on the owner's time index (an IN list on the second column would
 * give the rows out of time order). Undefined: no owner, the database chooses.
 */
export function packetReadIndex(filters: PacketReadFilters): PacketReadIndex | undefined {
  if (filters.slotId !== undefined) return 'idx_packets_slot_time';
  const oneOutcome = filters.outcomes?.length === 1;
  if (filters.spacecraftId !== undefined)
    return oneOutcome ? 'idx_packets_spacecraft_outcome_time' : 'idx_packets_spacecraft_time';
  if (filters.stationId !== undefined)
    return oneOutcome ? 'idx_packets_station_outcome_time' : 'idx_packets_station_time';
  return undefined;
}
