// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { ENTITIES } from '../src/entities';
import { MIGRATIONS } from '../migrations';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

/** Every migration applies on an empty database and reverts cleanly, on SQLite and on MySQL. */
describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(
      buildDataSourceOptions({ url: database.url, migrate: false, logQueries: false }, ENTITIES),
    );
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** Which entity tables exist right now. */
  const tables = async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const names = dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort();
      const present = await Promise.all(names.map((name) => runner.hasTable(name)));
      return names.filter((_, index) => present[index]);
    } finally {
      await runner.release();
    }
  };

  it('applies all, reverts all, and applies all again', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables()).toEqual(dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort());
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);
    expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
