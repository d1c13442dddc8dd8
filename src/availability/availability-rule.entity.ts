// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import type { AvailabilityRuleSpec, RuleOperation, RulePeriodicity, Weekday } from './availability-rule';

/** A stored availability rule of a ground station (Annex D add_rule / get_rules). */
@Entity('availability_rules')
export class AvailabilityRule implements AvailabilityRuleSpec {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_availability_rules_station')
  @Column({ type: 'varchar', length: 36 })
  stationId!: string;

  @Column({ type: 'varchar', length: 30, nullable: true })
  channelId!: string | null;

  @Column({ type: 'varchar', length: 8 })
  operation!: RuleOperation;

  @Column({ type: 'varchar', length: 8 })
  periodicity!: RulePeriodicity;

  @Column({ type: 'varchar', length: 10, nullable: true })
  date!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  weekdays!: Weekday[] | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  validFrom!: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  validUntil!: string | null;

  @Column({ type: 'varchar', length: 5 })
  startTime!: string;

  @Column({ type: 'varchar', length: 5 })
  endTime!: string;

  @Column({ type: 'varchar', length: 64 })
  timeZone!: string;

  @TimestampColumn()
  createdAt!: Date;
}
