// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

const slotId = (isNullable: boolean) =>
  new TableColumn({ name: 'slotId', type: 'varchar', length: '40', isNullable });

const COLUMNS = [
  new TableColumn({ name: 'stationId', type: 'varchar', length: '36', isNullable: true }),
  new TableColumn({ name: 'spacecraftId', type: 'varchar', length: '36', isNullable: true }),
  new TableColumn({ name: 'sequence', type: 'int', isNullable: true }),
  new TableColumn({ name: 'frequencyHz', type: 'double', isNullable: true }),
  new TableColumn({ name: 'dedupKey', type: 'varchar', length: '64', isNullable: true }),
];

const INDEXES = [
  new TableIndex({
    name: 'idx_packets_spacecraft_time',
    columnNames: ['spacecraftId', 'serverReceivedAt', 'id'],
  }),
  new TableIndex({ name: 'idx_packets_station_time', columnNames: ['stationId', 'serverReceivedAt', 'id'] }),
  new TableIndex({ name: 'idx_packets_dedup', columnNames: ['dedupKey'], isUnique: true }),
];

/**
 * The packet log becomes the archive (issue 11): each row names its station and spacecraft, so
 * each owner reads their own frames without a join; a frame heard outside any slot has no slot
 * (and no spacecraft until one is matched); relayed frames get a sequence number per slot and
 * direction. Existing rows take their station and spacecraft from their slot.
 */
export class PacketArchive1764244800000 implements MigrationInterface {
  name = 'PacketArchive1764244800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('packets', COLUMNS);
    await queryRunner.changeColumn('packets', 'slotId', slotId(true));
    await queryRunner.query(
      'UPDATE packets SET ' +
        'stationId = (SELECT s.stationId FROM operational_slots s WHERE s.id = packets.slotId), ' +
        'spacecraftId = (SELECT s.spacecraftId FROM operational_slots s WHERE s.id = packets.slotId)',
    );
    await queryRunner.createIndices('packets', INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('packets', index.name!);
    await queryRunner.query('DELETE FROM packets WHERE slotId IS NULL');
    await queryRunner.changeColumn('packets', 'slotId', slotId(false));
    await queryRunner.dropColumns('packets', COLUMNS);
  }
}
