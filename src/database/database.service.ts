// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type DomainEvent, DomainEvents } from '../common/domain-events';
import { TransactionScope } from '../common/transaction-scope';

/**
 * The unit of work. `transaction()` runs a use case in one database transaction; repositories
 * call `manager()` and so join it. On SQLite (one connection) transactions are queued one at a
 * time, because interleaved BEGINs on a single connection would nest unrelated work.
 */
@Injectable()
export class Database {
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: TransactionScope,
    private readonly events: DomainEvents,
  ) {}

  get kind(): 'sqlite' | 'mysql' {
    return this.dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
  }

  manager(): EntityManager {
    // Only this service puts a manager in the scope, and it is always a TypeORM EntityManager.
    return (this.scope.current()?.manager as EntityManager | undefined) ?? this.dataSource.manager;
  }

  inTransaction(): boolean {
    return this.scope.current() !== undefined;
  }

  /**
   * `readCommitted`: on MySQL, every read sees the latest commit rather than a snapshot taken at
   * the transaction's first read. A transaction that reads, then locks a station row, then must
   * see the slots the previous lock holder committed needs this (the hold sweeper); one whose
   * first statement is the lock does not (booking). SQLite runs one transaction at a time anyway.
   * `afterCommit` runs once the transaction committed, before its events are delivered (booking
   * lets the next request for the same station go there, not after the emails).
   */
  async transaction<T>(
    work: () => Promise<T>,
    options: { readCommitted?: boolean; afterCommit?: () => void } = {},
  ): Promise<T> {
    if (this.inTransaction()) return work();
    const pendingEvents: DomainEvent[] = [];
    const inScope = (manager: EntityManager) => this.scope.run({ manager, pendingEvents }, work);
    const run = (): Promise<T> =>
      options.readCommitted && this.kind === 'mysql'
        ? this.dataSource.transaction('READ COMMITTED', inScope)
        : this.dataSource.transaction(inScope);
    const result = await (this.kind === 'mysql' ? run() : this.enqueue(run));
    options.afterCommit?.();
    // Outside the queue: a handler may open a transaction of its own.
    await this.events.deliver(pendingEvents);
    return result;
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.sqliteQueue.then(run, run);
    this.sqliteQueue = next.catch(() => undefined);
    return next;
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
