// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/**
 * Every row of every table the application maps, as one string: two snapshots are equal exactly
 * when nothing was inserted, updated or deleted in between. Rows are sorted so the order a
 * database happens to return them in does not matter.
 */
export async function databaseSnapshot(t: TestApp): Promise<string> {
  const dataSource = t.app.get(DataSource);
  const tables = await Promise.all(
    dataSource.entityMetadatas.map(async (metadata) => {
      const rows = await dataSource.manager.find(metadata.target);
      return [metadata.tableName, rows.map((row) => JSON.stringify(row)).sort()] as const;
    }),
  );
  return JSON.stringify(tables.sort(([a], [b]) => a.localeCompare(b)));
}

/** Row counts per table, to say what changed when two snapshots differ. */
export function describeDifference(before: string, after: string): string {
  const counts = (snapshot: string) =>
    Object.fromEntries((JSON.parse(snapshot) as [string, string[]][]).map(([table, rows]) => [table, rows]));
  const [a, b] = [counts(before), counts(after)];
  return Object.keys(a)
    .filter((table) => JSON.stringify(a[table]) !== JSON.stringify(b[table]))
    .map((table) => `${table}: ${a[table].length} → ${b[table].length} rows, contents differ`)
    .join('; ');
}
