// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../common/request-context';
import { TimestampColumn } from '../database/columns';

export type UserStatus = 'PENDING' | 'ACTIVE' | 'DENIED' | 'SUSPENDED';

@Entity('users')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  /** Stored lower-cased, so uniqueness ignores case. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 200 })
  organisation!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ type: 'varchar', length: 16 })
  status!: UserStatus;

  /** Why the account was denied or suspended; shown to the user. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
