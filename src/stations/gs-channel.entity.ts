// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Direction, Polarization } from '../radio/radio';
import type { GsChannelSpec } from '../radio/compatibility';

@Entity('gs_channels')
@Index('uq_gs_channels_station_channel', ['stationId', 'channelId'], { unique: true })
export class GsChannel implements GsChannelSpec {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  stationId!: string;

  @Column({ type: 'varchar', length: 30 })
  channelId!: string;

  @Column({ type: 'varchar', length: 8 })
  direction!: Direction;

  @Column({ type: 'simple-json' })
  modulations!: string[];

  @Column({ type: 'double' })
  frequencyMinHz!: number;

  @Column({ type: 'double' })
  frequencyMaxHz!: number;

  @Column({ type: 'simple-json' })
  bandwidthsHz!: number[];

  @Column({ type: 'simple-json' })
  bitratesBps!: number[];

  @Column({ type: 'simple-json' })
  polarizations!: Polarization[];
}
