// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

/**
 * A completed slot's frame figures, computed once when it completed: they can no longer change,
 * and computing them reads every packet of the slot (bench/slot-report.ts).
 */
@Entity('slot_summaries')
export class SlotSummary {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  slotId!: string;

  /** JSON: `{downlink, uplink}` exactly as the slot report shows them. */
  @Column({ type: 'text' })
  figures!: string;

  @TimestampColumn()
  computedAt!: Date;
}
