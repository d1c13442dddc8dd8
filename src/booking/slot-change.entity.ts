// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import type { SlotState } from './slot-transitions';

/**
 * Append-only record of every slot state change; `get_changes` pages through it by `id`.
 * It names both owners, so each side reads its own history even after the other side is gone.
 */
@Entity('slot_changes')
@Index('idx_slot_changes_station', ['stationOwnerId', 'stationIdentifier', 'id'])
@Index('idx_slot_changes_spacecraft', ['spacecraftOwnerId', 'spacecraftIdentifier', 'id'])
export class SlotChange {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  slotId!: string;

  @Column({ type: 'varchar', length: 30 })
  stationIdentifier!: string;

  @Column({ type: 'varchar', length: 30 })
  spacecraftIdentifier!: string;

  @Column({ type: 'varchar', length: 36 })
  stationOwnerId!: string;

  @Column({ type: 'varchar', length: 36 })
  spacecraftOwnerId!: string;

  @Column({ type: 'varchar', length: 12 })
  fromState!: SlotState;

  @Column({ type: 'varchar', length: 12 })
  toState!: SlotState;

  /**
   * What caused it: select, autoReserve, confirm, deny, cancelSelection, cancelReservation,
   * expireHold, remove, reschedule, and the live relay's execute, complete and fail.
   */
  @Column({ type: 'varchar', length: 20 })
  reason!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @TimestampColumn()
  startAt!: Date;

  @TimestampColumn()
  endAt!: Date;

  @TimestampColumn()
  at!: Date;
}
