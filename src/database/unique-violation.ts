// SPDX-License-Identifier: Apache-2.0
import { QueryFailedError } from 'typeorm';

/** True when a write failed on a UNIQUE constraint (MySQL ER_DUP_ENTRY, SQLite SQLITE_CONSTRAINT_*). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string } | undefined;
  const code = driverError?.code ?? '';
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(driverError?.message ?? '')
  );
}
