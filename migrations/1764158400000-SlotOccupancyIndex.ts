// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

const occupancy = new TableIndex({
  name: 'idx_slots_station_occupancy',
  columnNames: ['stationId', 'state', 'endAt'],
});

/**
 * Booking at scale (issue 13): "which slots hold this station around this window" — asked by
 * every select_slots and, per listed FREE slot, by every spacecraft's slot list — reads only the
 * station's selected and reserved slots that have not ended, instead of every slot the station
 * ever had (idx_slots_station_time), which made MariaDB scan ~200 rows per listed slot.
 */
export class SlotOccupancyIndex1764158400000 implements MigrationInterface {
  name = 'SlotOccupancyIndex1764158400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('operational_slots', occupancy);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('operational_slots', occupancy.name!);
  }
}
