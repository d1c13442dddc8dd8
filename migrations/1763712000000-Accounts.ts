// SPDX-License-Identifier: Apache-2.0
import { type MigrationInterface, type QueryRunner, Table, TableForeignKey } from 'typeorm';

const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
const timestamp = (name: string, isNullable = false) => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable,
});
const ownedBy = (table: string) =>
  new TableForeignKey({
    name: `fk_${table}_user`,
    columnNames: ['userId'],
    referencedTableName: 'users',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

export class Accounts1763712000000 implements MigrationInterface {
  name = 'Accounts1763712000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'email', type: 'varchar', length: '254', isUnique: true },
          { name: 'passwordHash', type: 'varchar', length: '255' },
          { name: 'organisation', type: 'varchar', length: '200' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'statusReason', type: 'varchar', length: '500', isNullable: true },
          timestamp('createdAt'),
          timestamp('updatedAt'),
        ],
        indices: [{ name: 'idx_users_status', columnNames: ['status'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          id,
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'tokenHash', type: 'varchar', length: '64', isUnique: true },
          timestamp('createdAt'),
          timestamp('expiresAt'),
          timestamp('revokedAt', true),
        ],
        indices: [{ name: 'idx_sessions_user', columnNames: ['userId'] }],
        foreignKeys: [ownedBy('sessions')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          id,
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'prefix', type: 'varchar', length: '24' },
          { name: 'secretHash', type: 'varchar', length: '64', isUnique: true },
          timestamp('createdAt'),
          timestamp('lastUsedAt', true),
          timestamp('revokedAt', true),
        ],
        indices: [{ name: 'idx_api_keys_user', columnNames: ['userId'] }],
        foreignKeys: [ownedBy('api_keys')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_keys');
    await queryRunner.dropTable('sessions');
    await queryRunner.dropTable('users');
  }
}
