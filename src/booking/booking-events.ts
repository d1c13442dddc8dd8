// SPDX-License-Identifier: Apache-2.0
import type { SlotChange } from './slot-change.entity';

declare module '../common/domain-event-map' {
  interface DomainEventMap {
    /** Slot state changes, committed; the notifier emails the owners concerned. */
    'slots.changed': { changes: Omit<SlotChange, 'id'>[] };
  }
}

export {};
