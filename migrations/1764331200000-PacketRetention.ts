// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

const INDEX = new TableIndex({ name: 'idx_packets_time', columnNames: ['serverReceivedAt'] });

/**
 * The retention purge (docs/api.md "Packet retention") deletes the oldest packets in bounded
 * batches, whoever they belong to: without an index on the time alone each batch would scan the
 * whole table to find them.
 */
export class PacketRetention1764331200000 implements MigrationInterface {
  name = 'PacketRetention1764331200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('packets', INDEX);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('packets', INDEX.name!);
  }
}
