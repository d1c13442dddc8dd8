// SPDX-License-Identifier: Apache-2.0
declare module '../common/domain-event-map' {
  interface DomainEventMap {
    /** Created, reconfigured, new TLE or a channel changed: its slots must be recomputed. */
    'spacecraft.changed': { spacecraftId: string; identifier: string };
    'spacecraft.deleted': { spacecraftId: string; identifier: string; ownerId: string };
  }
}

export {};
