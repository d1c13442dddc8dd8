// SPDX-License-Identifier: Apache-2.0
import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { DomainEvent } from './domain-event-map';

export interface TransactionState {
  /** The database's handle for this transaction; only the database module knows its type. */
  manager: unknown;
  /** Events published inside the transaction, delivered only after it commits. */
  pendingEvents: DomainEvent[];
}

/**
 * Carries the current transaction through async calls, so repositories join the caller's
 * transaction without every signature threading an EntityManager through.
 */
@Injectable()
export class TransactionScope {
  private readonly storage = new AsyncLocalStorage<TransactionState>();

  current(): TransactionState | undefined {
    return this.storage.getStore();
  }

  run<T>(state: TransactionState, work: () => Promise<T>): Promise<T> {
    return this.storage.run(state, work);
  }
}
