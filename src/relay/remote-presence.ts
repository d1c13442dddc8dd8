// SPDX-License-Identifier: Apache-2.0
import type { RelaySide } from './relay-port';

/** Which other instances have a side of one slot, as the shared store says now. */
export interface PresenceSnapshot {
  /** The instance whose client holds the station side's lease. */
  station?: string;
  /** The instances with a mission receiver (TLS M-client or WebSocket session) in the slot. */
  missions: readonly string[];
}

const SIDES: readonly RelaySide[] = ['station', 'mission'];

/**
 * What one instance knows of a slot's clients on the other instances: at most one station (its
 * lease makes it unique), any number of instances with mission receivers. Each change answers
 * which sides appeared or vanished as a whole, the moments a client here must be told
 * (REMOTE_CONNECTED, END_REMOTE, REMOTE_DISCONNECTED).
 */
export class RemotePresence {
  private station: string | undefined;
  private readonly missions = new Set<string>();

  has(side: RelaySide): boolean {
    return side === 'station' ? this.station !== undefined : this.missions.size > 0;
  }

  /** How many other instances have a side of the slot. */
  instanceCount(): number {
    const missions = this.missions.size;
    return this.station === undefined || this.missions.has(this.station) ? missions : missions + 1;
  }

  /** One instance's presence of a side; true when the side appeared or vanished as a whole. */
  set(side: RelaySide, instance: string, present: boolean): boolean {
    const before = this.has(side);
    if (side === 'mission') {
      if (present) this.missions.add(instance);
      else this.missions.delete(instance);
    } else if (present) this.station = instance;
    else if (this.station === instance) this.station = undefined;
    return before !== this.has(side);
  }

  /** Forgets the instances `live` no longer has (their leases expired): the sides that vanished. */
  retain(live: PresenceSnapshot): RelaySide[] {
    return this.changes(() => {
      if (this.station !== live.station) this.station = undefined;
      for (const instance of this.missions)
        if (!live.missions.includes(instance)) this.missions.delete(instance);
    });
  }

  /** Adds what `live` has: the sides that appeared. */
  merge(live: PresenceSnapshot): RelaySide[] {
    return this.changes(() => {
      if (live.station !== undefined) this.station = live.station;
      for (const instance of live.missions) this.missions.add(instance);
    });
  }

  /** Forgets everything (the shared store is unreachable): the sides that vanished. */
  clear(): RelaySide[] {
    return this.changes(() => {
      this.station = undefined;
      this.missions.clear();
    });
  }

  private changes(change: () => void): RelaySide[] {
    const before = SIDES.map((side) => this.has(side));
    change();
    return SIDES.filter((side, index) => this.has(side) !== before[index]);
  }
}
