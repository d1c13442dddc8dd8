// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import type { HorizonSector } from '../orbit/horizon';

@Entity('ground_stations')
export class GroundStation {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 30, unique: true })
  identifier!: string;

  @Index('idx_ground_stations_owner')
  @Column({ type: 'varchar', length: 36 })
  ownerId!: string;

  /** Optional: Annex C's ground-station document has none. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  callsign!: string | null;

  @Column({ type: 'double' })
  contactElevationDeg!: number;

  @Column({ type: 'double' })
  latitudeDeg!: number;

  @Column({ type: 'double' })
  longitudeDeg!: number;

  @Column({ type: 'double' })
  altitudeM!: number;

  @Column({ type: 'simple-json', nullable: true })
  horizonMask!: HorizonSector[] | null;

  /** The station accepts selections without a human confirming them. */
  @Column({ type: 'boolean' })
  autoConfirm!: boolean;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
