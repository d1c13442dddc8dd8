// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far a consumer inside the server has worked through the change log (slot_changes): the
 * booking emails (BookingNotifier) resume from here after a restart, on whichever instance runs them.
 */
@Entity('change_cursors')
export class ChangeCursor {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  /** The id of the last change handled. */
  @Column({ type: 'integer' })
  lastChangeId!: number;
}
