// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CspVersion } from '../csp/csp-header';
import { TimestampColumn } from '../database/columns';

@Entity('spacecraft')
export class Spacecraft {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 30, unique: true })
  identifier!: string;

  @Index('idx_spacecraft_owner')
  @Column({ type: 'varchar', length: 36 })
  ownerId!: string;

  @Column({ type: 'varchar', length: 20 })
  callsign!: string;

  /** Null until learned from the first TLE when the configuration did not give it (Annex C has none). */
  @Column({ type: 'int', nullable: true })
  noradId!: number | null;

  /** The TLE in use: given directly, or the last good one fetched from trackingUrl. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  tleName!: string | null;

  @Column({ type: 'varchar', length: 69, nullable: true })
  tleLine1!: string | null;

  @Column({ type: 'varchar', length: 69, nullable: true })
  tleLine2!: string | null;

  @TimestampColumn({ nullable: true })
  tleEpoch!: Date | null;

  @TimestampColumn({ nullable: true })
  tleUpdatedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  trackingUrl!: string | null;

  /** The entry's name (or NORAD id) in the file at trackingUrl. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  trackingSpacecraftId!: string | null;

  @TimestampColumn({ nullable: true })
  lastRefreshAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastRefreshError!: string | null;

  /**
   * The CSP settings, all four set or all null: a spacecraft configured without them (Annex C's
   * document has none) can be booked, but its slots cannot be relayed until they are set.
   */
  @Column({ type: 'int', nullable: true })
  cspVersion!: CspVersion | null;

  @Column({ type: 'simple-json', nullable: true })
  cspAddresses!: number[] | null;

  @Column({ type: 'simple-json', nullable: true })
  cspUplinkPorts!: number[] | null;

  @Column({ type: 'simple-json', nullable: true })
  cspDownlinkPorts!: number[] | null;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
