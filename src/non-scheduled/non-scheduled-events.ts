// SPDX-License-Identifier: Apache-2.0
declare module '../common/domain-event-map' {
  interface DomainEventMap {
    /** An upload stored frames attributed to this spacecraft (docs/protocol.md §13.6). */
    'nonScheduled.attributed': {
      spacecraftId: string;
      spacecraft: string;
      ownerId: string;
      groundStation: string;
      count: number;
      /** Earliest and latest ground-station time of those frames (ISO 8601). */
      from: string;
      to: string;
    };
  }
}

export {};
