// SPDX-License-Identifier: Apache-2.0
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Hot statements in plain SQL, for repositories (issue 13). TypeORM's query builder writes its SQL
 * anew on every call (aliases, property names replaced by regular expressions) and its
 * transformer walks each row through the entity's metadata; on the statements every booking call
 * makes that cost more server CPU than the database round trips themselves. These helpers run
 * SQL as written, with `?` placeholders (both drivers), and convert values with the driver
 * exactly as TypeORM's own reads and writes do (datetime strings on SQLite, booleans, nulls).
 */

/** Rows of `target` read by `sql`; only the columns the query returns are set. */
export async function selectEntities<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const rows: Record<string, unknown>[] = await manager.query(sql, [...params]);
  return rows.map((row) => hydrate(manager, target, row));
}

/**
 * The entity `target` in a raw row, from the columns named `prefix` + column name (a join names
 * one side's columns apart: see `columnsAs`).
 */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
  prefix = '',
): T {
  const { driver } = manager.connection;
  const entity: Record<string, unknown> = {};
  for (const column of manager.connection.getMetadata(target).columns) {
    const name = prefix + column.databaseName;
    if (name in row) entity[column.propertyName] = driver.prepareHydratedValue(row[name], column);
  }
  return entity as T;
}

/** `alias.column AS prefixcolumn, …` for every column of `target`, for the other side of a join. */
export function columnsAs(
  manager: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  alias: string,
  prefix: string,
): string {
  return manager.connection
    .getMetadata(target)
    .columns.map((column) => `${alias}.${column.databaseName} AS ${prefix}${column.databaseName}`)
    .join(', ');
}

/** `value` as the driver binds it to `target`'s column `property` (a Date becomes SQLite's text). */
export function columnValue<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  property: keyof T & string,
  value: unknown,
): unknown {
  const column = manager.connection.getMetadata(target).findColumnWithPropertyName(property);
  if (!column) throw new Error(`no column ${property}`);
  return manager.connection.driver.preparePersistentValue(value, column) ?? null;
}

/** `?, ?, ?` for `count` values (count ≥ 1). */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
