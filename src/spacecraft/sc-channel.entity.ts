// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Direction, Polarization } from '../radio/radio';
import type { ScChannelSpec } from '../radio/compatibility';

@Entity('sc_channels')
@Index('uq_sc_channels_spacecraft_channel', ['spacecraftId', 'channelId'], { unique: true })
export class ScChannel implements ScChannelSpec {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  spacecraftId!: string;

  @Column({ type: 'varchar', length: 30 })
  channelId!: string;

  @Column({ type: 'varchar', length: 8 })
  direction!: Direction;

  @Column({ type: 'varchar', length: 16 })
  modulation!: string;

  @Column({ type: 'double' })
  frequencyHz!: number;

  @Column({ type: 'double' })
  bandwidthHz!: number;

  @Column({ type: 'double' })
  bitrateBps!: number;

  @Column({ type: 'varchar', length: 8 })
  polarization!: Polarization;
}
