// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';

const FAILURE_REASON = new TableColumn({
  name: 'failureReason',
  type: 'varchar',
  length: '24',
  isNullable: true,
});

const TRANSPORT = new TableColumn({
  name: 'transport',
  type: 'varchar',
  length: '9',
  isNullable: false,
  default: "'tls'",
});

/**
 * Slots run RESERVED → EXECUTING → COMPLETED, or FAILED with a reason (issue 11, DESIGN §4): the
 * reason is kept on the slot so that its views and report say why. Going down, FAILED (which the
 * older code does not know; it knew EXECUTING and COMPLETED) becomes CANCELED: also terminal, and
 * COMPLETED would claim a use that never happened. The session audit now also holds mission
 * WebSocket sessions: each row says its transport (every earlier row was a TLS session). A
 * completed slot's frame figures are stored once (slot_summaries): they no longer change.
 */
export class SlotLifecycle1764590400000 implements MigrationInterface {
  name = 'SlotLifecycle1764590400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('operational_slots', FAILURE_REASON);
    await queryRunner.addColumn('relay_sessions', TRANSPORT);
    await queryRunner.createTable(
      new Table({
        name: 'slot_summaries',
        columns: [
          { name: 'slotId', type: 'varchar', length: '40', isPrimary: true },
          { name: 'figures', type: 'text', isNullable: false },
          { name: 'computedAt', type: 'datetime', precision: 3, isNullable: false },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('slot_summaries');
    await queryRunner.query("DELETE FROM relay_sessions WHERE transport <> 'tls'");
    await queryRunner.dropColumn('relay_sessions', TRANSPORT.name);
    await queryRunner.query("UPDATE operational_slots SET state = 'CANCELED' WHERE state = 'FAILED'");
    await queryRunner.dropColumn('operational_slots', FAILURE_REASON.name);
  }
}
