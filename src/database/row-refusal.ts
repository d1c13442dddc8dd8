// SPDX-License-Identifier: Apache-2.0
import { QueryFailedError } from 'typeorm';

/** MySQL errors about a value, whose SQLSTATE is the generic HY000 rather than class 22/23. */
const MYSQL_VALUE_ERRORS = new Set([
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_NO_DEFAULT_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'ER_BAD_NULL_ERROR',
  'ER_TRUNCATED_WRONG_VALUE',
]);

/**
 * True when the database refused a write because of the values in it (too long, out of range,
 * NULL where not allowed, a constraint), so that writing the same rows again would fail again;
 * false when the database itself failed (connection lost, disk full, lock timeout), which a
 * later attempt may survive. MySQL: SQLSTATE class 22 (data exception) or 23 (integrity
 * constraint); SQLite: SQLITE_CONSTRAINT*, SQLITE_TOOBIG, SQLITE_MISMATCH.
 */
export function isRowRefusal(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; sqlState?: string } | undefined;
  const code = driverError?.code ?? '';
  const sqlState = driverError?.sqlState ?? '';
  return (
    sqlState.startsWith('22') ||
    sqlState.startsWith('23') ||
    MYSQL_VALUE_ERRORS.has(code) ||
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_TOOBIG' ||
    code === 'SQLITE_MISMATCH'
  );
}
