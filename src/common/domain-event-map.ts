// SPDX-License-Identifier: Apache-2.0
/**
 * Typed domain events. Each module declares its events by merging into this interface:
 *   declare module '../common/domain-event-map' { interface DomainEventMap { 'x.happened': {...} } }
 * Kept apart from DomainEvents so transaction-scope.ts can name DomainEvent without an import cycle.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventMap {}

export type DomainEventType = keyof DomainEventMap;
export type DomainEvent = {
  [K in DomainEventType]: { type: K; payload: DomainEventMap[K] };
}[DomainEventType];
