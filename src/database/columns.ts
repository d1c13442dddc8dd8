// SPDX-License-Identifier: Apache-2.0
import { Column, type ColumnOptions } from 'typeorm';

/** Millisecond timestamps stored as UTC on both SQLite and MySQL (DATETIME(3)). */
export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'datetime', precision: 3, ...options });
}
