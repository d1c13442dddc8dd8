// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

const INDEXES = [
  new TableIndex({
    name: 'idx_packets_spacecraft_outcome_time',
    columnNames: ['spacecraftId', 'outcome', 'serverReceivedAt', 'id'],
  }),
  new TableIndex({
    name: 'idx_packets_station_outcome_time',
    columnNames: ['stationId', 'outcome', 'serverReceivedAt', 'id'],
  }),
];

/**
 * An owner's packets of one outcome (docs/api.md "Packet history", `outcome=REJECTED`) in
 * (serverReceivedAt, id) order: without these indexes a page of a rare outcome stepped over every
 * packet of the other outcomes in the range, each looked up in the table (1 in 25 packets
 * REJECTED: a 1,000-packet page read 25,000 rows, p99 155 ms on MariaDB in bench/history.ts).
 */
export class PacketOutcomeIndexes1764860000000 implements MigrationInterface {
  name = 'PacketOutcomeIndexes1764860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndices('packets', INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('packets', index.name!);
  }
}
