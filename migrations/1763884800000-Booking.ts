// SPDX-License-Identifier: Apache-2.0
import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  type TableColumnOptions,
  TableForeignKey,
} from 'typeorm';

const id: TableColumnOptions = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const time = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable,
});

export class Booking1763884800000 implements MigrationInterface {
  name = 'Booking1763884800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'availability_rules',
        columns: [
          id,
          text('stationId', 36),
          text('channelId', 30, true),
          text('operation', 8),
          text('periodicity', 8),
          text('date', 10, true),
          { name: 'weekdays', type: 'text', isNullable: true },
          text('validFrom', 10, true),
          text('validUntil', 10, true),
          text('startTime', 5),
          text('endTime', 5),
          text('timeZone', 64),
          time('createdAt'),
        ],
        indices: [{ name: 'idx_availability_rules_station', columnNames: ['stationId'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_availability_rules_station',
            columnNames: ['stationId'],
            referencedTableName: 'ground_stations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'operational_slots',
        columns: [
          { ...id, length: '40' },
          text('stationId', 36),
          text('spacecraftId', 36),
          text('stationIdentifier', 30),
          text('spacecraftIdentifier', 30),
          text('stationOwnerId', 36),
          text('spacecraftOwnerId', 36),
          text('gsChannelId', 30),
          text('scChannelId', 30),
          time('startAt'),
          time('endAt'),
          time('tca'),
          { name: 'maxElevationDeg', type: 'double' },
          text('state', 12),
          time('holdExpiresAt', true),
          text('bookedBy', 36, true),
          time('createdAt'),
          time('updatedAt'),
        ],
        indices: [
          { name: 'idx_slots_station_time', columnNames: ['stationId', 'startAt'] },
          { name: 'idx_slots_spacecraft_time', columnNames: ['spacecraftId', 'startAt'] },
          { name: 'idx_slots_state', columnNames: ['state'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'slot_changes',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          text('slotId', 40),
          text('stationIdentifier', 30),
          text('spacecraftIdentifier', 30),
          text('stationOwnerId', 36),
          text('spacecraftOwnerId', 36),
          text('fromState', 12),
          text('toState', 12),
          text('reason', 20),
          text('actorId', 36, true),
          time('startAt'),
          time('endAt'),
          time('at'),
        ],
        indices: [
          { name: 'idx_slot_changes_station', columnNames: ['stationOwnerId', 'stationIdentifier', 'id'] },
          {
            name: 'idx_slot_changes_spacecraft',
            columnNames: ['spacecraftOwnerId', 'spacecraftIdentifier', 'id'],
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['slot_changes', 'operational_slots', 'availability_rules'])
      await queryRunner.dropTable(table);
  }
}
