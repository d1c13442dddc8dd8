// SPDX-License-Identifier: Apache-2.0
declare module '../common/domain-event-map' {
  interface DomainEventMap {
    /** Created, reconfigured, or a channel changed: slots over it must be recomputed. */
    'station.changed': { stationId: string; identifier: string };
    'station.deleted': { stationId: string; identifier: string; ownerId: string };
  }
}

export {};
