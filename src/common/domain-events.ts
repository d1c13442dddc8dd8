// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import type { DomainEvent, DomainEventMap, DomainEventType } from './domain-event-map';
import { TransactionScope } from './transaction-scope';

export type { DomainEvent, DomainEventMap, DomainEventType };

type Handler<K extends DomainEventType> = (payload: DomainEventMap[K]) => Promise<void> | void;

/**
 * Publishes events after the surrounding transaction commits (immediately when there is none).
 * Delivery is awaited and a failing handler is logged without failing the use case, whose data
 * is already committed.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly handlers = new Map<DomainEventType, Handler<DomainEventType>[]>();

  constructor(private readonly scope: TransactionScope) {}

  subscribe<K extends DomainEventType>(type: K, handler: Handler<K>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as Handler<DomainEventType>);
    this.handlers.set(type, list);
  }

  async publish<K extends DomainEventType>(type: K, payload: DomainEventMap[K]): Promise<void> {
    const event = { type, payload } as DomainEvent;
    const transaction = this.scope.current();
    if (transaction) transaction.pendingEvents.push(event);
    else await this.deliver([event]);
  }

  async deliver(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.handlers.get(event.type) ?? []) {
        try {
          await handler(event.payload);
        } catch (error) {
          this.logger.error({ err: error, event: event.type }, `handler for ${event.type} failed`);
        }
      }
    }
  }
}
