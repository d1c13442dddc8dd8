// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * Booking emails are sent from the change log, from a cursor kept in the database, rather than
 * from memory: a change committed just before a crash is still mailed, by the next instance to
 * run the job. The cursor starts at the end of the log as it stands: older changes were mailed
 * (or lost) already.
 */
export class ChangeCursors1764900000000 implements MigrationInterface {
  name = 'ChangeCursors1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'change_cursors',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'lastChangeId', type: 'integer', isNullable: false },
        ],
      }),
    );
    await queryRunner.query(
      "INSERT INTO change_cursors (name, lastChangeId) SELECT 'booking.notify', COALESCE(MAX(id), 0) FROM slot_changes",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('change_cursors');
  }
}
