// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

/** NON_SCHEDULED: heard by a station outside any slot and uploaded afterwards (Non-SCS). */
export type PacketOutcome = 'RELAYED' | 'NOT_DELIVERED' | 'REJECTED' | 'NON_SCHEDULED';

/**
 * Every frame a client sent during a slot, relayed or not, and every frame a station heard
 * outside any slot and uploaded (DESIGN §4 "Packets"). The mission's and the station's archive:
 * each is read by its owner in (serverReceivedAt, id) order.
 */
@Entity('packets')
@Index('idx_packets_slot_time', ['slotId', 'serverReceivedAt'])
@Index('idx_packets_spacecraft_time', ['spacecraftId', 'serverReceivedAt', 'id'])
@Index('idx_packets_station_time', ['stationId', 'serverReceivedAt', 'id'])
@Index('idx_packets_spacecraft_outcome_time', ['spacecraftId', 'outcome', 'serverReceivedAt', 'id'])
@Index('idx_packets_station_outcome_time', ['stationId', 'outcome', 'serverReceivedAt', 'id'])
@Index('idx_packets_time', ['serverReceivedAt'])
export class Packet {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** Null for a non-scheduled frame. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  slotId!: string | null;

  /** The station that heard or carried the frame (null only in rows older than this column). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  stationId!: string | null;

  /** The spacecraft it came from or went to; null for a non-scheduled frame nobody could be matched to. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  spacecraftId!: string | null;

  /** Per slot and direction, from 1 in the order the relay took them (null for non-scheduled frames). */
  @Column({ type: 'int', nullable: true })
  sequence!: number | null;

  /** The frequency a non-scheduled frame was heard on, when the station said. */
  @Column({ type: 'double', nullable: true })
  frequencyHz!: number | null;

  /**
   * A non-scheduled frame's identity (station, ground-station time, bytes), unique: the same
   * upload sent twice is stored once. Null for relayed frames.
   */
  @Index('idx_packets_dedup', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  dedupKey!: string | null;

  /** Who sent it: the station's client (downlink frames) or the mission's (uplink frames). */
  @Column({ type: 'varchar', length: 8 })
  fromSide!: 'station' | 'mission';

  @Column({ type: 'varchar', length: 8 })
  direction!: 'DOWNLINK' | 'UPLINK';

  @Column({ type: 'int' })
  frameBytes!: number;

  @Column({ type: 'blob' })
  data!: Buffer;

  /** The sender's own timestamp, as sent (ISO 8601 or epoch ms; at most 64 characters). */
  @Column({ type: 'varchar', length: 64 })
  clientTimestamp!: string;

  @TimestampColumn()
  serverReceivedAt!: Date;

  /** Null only for a frame refused for its timestamp (rejectRule INVALID_TIMESTAMP). */
  @TimestampColumn({ nullable: true })
  gsTimestamp!: Date | null;

  @Column({ type: 'int', nullable: true })
  dopplerShiftHz!: number | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: PacketOutcome;

  /** For a REJECTED frame: the CSP rule it broke (docs/protocol.md). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  rejectRule!: string | null;

  @Column({ type: 'int', nullable: true })
  cspSource!: number | null;

  @Column({ type: 'int', nullable: true })
  cspDestination!: number | null;

  @Column({ type: 'int', nullable: true })
  cspSourcePort!: number | null;

  @Column({ type: 'int', nullable: true })
  cspDestinationPort!: number | null;

  /**
   * Set when the database refused the row as sent and it was stored repaired (strings cut to
   * their column): what the database said. Null for every normal row.
   */
  @Column({ type: 'varchar', length: 255, nullable: true })
  storeError!: string | null;
}
