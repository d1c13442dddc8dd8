// SPDX-License-Identifier: Apache-2.0
import type { BusHealth, MessageBus } from '../message-bus';

/** Resolves once `bus` reports `wanted` (at once if it already does): tests await it, never sleep. */
export function healthBecomes(bus: MessageBus, wanted: BusHealth): Promise<void> {
  if (bus.health() === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = bus.onHealthChange((health) => {
      if (health !== wanted) return;
      stop();
      resolve();
    });
  });
}
