// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import type { SlotFailureReason, SlotState } from './slot-transitions';

/**
 * One bookable window: a pass of one spacecraft over one station through one channel pair,
 * clipped to availability. Rows are a ledger: they have no foreign keys, so a slot whose station
 * or spacecraft is deleted can still be marked REMOVED and its other party told.
 */
@Entity('operational_slots')
@Index('idx_slots_station_time', ['stationId', 'startAt'])
@Index('idx_slots_spacecraft_time', ['spacecraftId', 'startAt'])
/** Who holds a station around a window: its selected and reserved slots that have not ended. */
@Index('idx_slots_station_occupancy', ['stationId', 'state', 'endAt'])
export class OperationalSlot {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  stationId!: string;

  @Column({ type: 'varchar', length: 36 })
  spacecraftId!: string;

  @Column({ type: 'varchar', length: 30 })
  stationIdentifier!: string;

  @Column({ type: 'varchar', length: 30 })
  spacecraftIdentifier!: string;

  /** Owners at generation time (ownership never moves), so both can be told even after a deletion. */
  @Column({ type: 'varchar', length: 36 })
  stationOwnerId!: string;

  @Column({ type: 'varchar', length: 36 })
  spacecraftOwnerId!: string;

  @Column({ type: 'varchar', length: 30 })
  gsChannelId!: string;

  @Column({ type: 'varchar', length: 30 })
  scChannelId!: string;

  @TimestampColumn()
  startAt!: Date;

  @TimestampColumn()
  endAt!: Date;

  @TimestampColumn()
  tca!: Date;

  @Column({ type: 'double' })
  maxElevationDeg!: number;

  @Index('idx_slots_state')
  @Column({ type: 'varchar', length: 12 })
  state!: SlotState;

  /** End of a selection's hold; an expired hold reads as FREE (holds survive restarts). */
  @TimestampColumn({ nullable: true })
  holdExpiresAt!: Date | null;

  /** The M-operator who selected or reserved it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  bookedBy!: string | null;

  /** Why a FAILED slot failed (e.g. NO_CLIENT_CONNECTED); null in every other state. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  failureReason!: SlotFailureReason | null;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
