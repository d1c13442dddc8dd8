// SPDX-License-Identifier: Apache-2.0
import type { DataSource } from 'typeorm';

/**
 * Counts the statements `dataSource` runs from now on (every query runner reports each statement
 * to the data source's logger before it runs it). For benches: on a shared machine the count and
 * the CPU time say what an operation costs where the wall clock cannot.
 */
export function countQueries(dataSource: DataSource): { readonly count: number; stop(): void } {
  const logger = dataSource.logger;
  const counter = { count: 0, stop: () => Object.assign(dataSource, { logger }) };
  const counting: typeof logger = Object.create(logger) as typeof logger;
  counting.logQuery = (...args) => {
    counter.count += 1;
    return logger.logQuery(...args);
  };
  Object.assign(dataSource, { logger: counting });
  return counter;
}
