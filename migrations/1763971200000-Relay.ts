// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const int = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'int', isNullable });
const time = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable,
});

export class Relay1763971200000 implements MigrationInterface {
  name = 'Relay1763971200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'packets',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          text('slotId', 40),
          text('fromSide', 8),
          text('direction', 8),
          int('frameBytes'),
          { name: 'data', type: 'blob' },
          text('clientTimestamp', 40),
          time('serverReceivedAt'),
          time('gsTimestamp'),
          int('dopplerShiftHz'),
          text('outcome', 16),
          text('rejectRule', 40, true),
          int('cspSource', true),
          int('cspDestination', true),
          int('cspSourcePort', true),
          int('cspDestinationPort', true),
        ],
        indices: [{ name: 'idx_packets_slot_time', columnNames: ['slotId', 'serverReceivedAt'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'relay_sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          text('slotId', 40),
          text('side', 8),
          text('userId', 36),
          text('connectionId', 64),
          time('startedAt'),
          time('endedAt', true),
          text('endReason', 24, true),
        ],
        indices: [{ name: 'idx_relay_sessions_slot', columnNames: ['slotId', 'startedAt'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('relay_sessions');
    await queryRunner.dropTable('packets');
  }
}
