// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

const INSTANCE = new TableColumn({ name: 'instanceId', type: 'varchar', length: '100', isNullable: true });

/**
 * Each relay session row names the instance that holds it (issue 15): an instance starting up
 * ends only the sessions of instances that are gone, not those another live instance holds.
 * Rows written before have none and count as a previous run's.
 */
export class RelaySessionInstance1764880000000 implements MigrationInterface {
  name = 'RelaySessionInstance1764880000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('relay_sessions', INSTANCE);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('relay_sessions', INSTANCE.name);
  }
}
