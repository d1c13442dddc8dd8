// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

export type PacketOutcome = 'RELAYED' | 'NOT_DELIVERED' | 'REJECTED';

/** Every frame a client sent during a slot, relayed or not (DESIGN §4 "Packets"). */
@Entity('packets')
@Index('idx_packets_slot_time', ['slotId', 'serverReceivedAt'])
export class Packet {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  slotId!: string;

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
