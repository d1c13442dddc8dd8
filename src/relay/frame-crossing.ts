// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import type { LinkDirection } from '../orbit/doppler';
import { PacketsRepository } from './packets.repository';
import { type SendResult, type Stored, StoredSignal } from './relay-port';

/** Marks frames the packet log holds as RELAYED as NOT_DELIVERED after all (they did not cross). */
export type UndeliveredFrames = (
  slotId: string,
  direction: LinkDirection,
  sequences: number[],
) => Promise<void>;

/**
 * The frames of one slot that this instance relayed in one tick of the event loop for clients on
 * other instances: one bus message (cluster-presence.ts). Whether that message reached every
 * instance present in the slot is known only when the bus answers; a frame whose only receivers
 * are elsewhere is delivered only if it did (docs/protocol.md §17). Such a frame's answer waits
 * for that as well as for its commit (`stored` is replaced, one per commit, not per frame); if
 * the message did not get through, the frame is answered `delivered: false` and logged
 * NOT_DELIVERED, as for a remote side that is gone, so its receiver gets it by resuming (§14.2).
 */
export class FrameCrossing {
  private readonly awaiting: { direction: LinkDirection; result: SendResult }[] = [];
  /** The answers' wait, by the commit they also wait for. */
  private readonly gates = new Map<Stored, StoredSignal>();
  private settled = false;

  constructor(
    private readonly slotId: string,
    private readonly undelivered: UndeliveredFrames,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** A frame only other instances receive: its answer waits for this crossing. */
  await(result: SendResult, direction: LinkDirection): void {
    this.awaiting.push({ direction, result });
    let gate = this.gates.get(result.stored);
    if (!gate) {
      gate = new StoredSignal();
      this.gates.set(result.stored, gate);
    }
    result.stored = gate;
  }

  /** The bus's answer: whether the message reached every instance present in the slot. Once. */
  settle(crossed: boolean): void {
    if (this.settled) return;
    this.settled = true;
    if (this.gates.size === 0) return;
    this.finish(crossed).catch(this.failed);
  }

  private async finish(crossed: boolean): Promise<void> {
    const commits = [...this.gates.keys()];
    await Promise.all(commits.map((commit) => commit.promise));
    try {
      if (!crossed) await this.markUndelivered();
    } finally {
      for (const gate of this.gates.values()) gate.settle();
    }
  }

  /** After the commit, so the rows exist; before the answers, so they agree with them. */
  private async markUndelivered(): Promise<void> {
    const byDirection = new Map<LinkDirection, number[]>();
    for (const { direction, result } of this.awaiting) {
      result.delivered = false;
      byDirection.set(direction, [...(byDirection.get(direction) ?? []), result.seq]);
    }
    for (const [direction, sequences] of byDirection)
      await this.undelivered(this.slotId, direction, sequences);
  }
}

/** The crossings of the frames this instance relays for other instances, by bus message. */
@Injectable()
export class FrameCrossings {
  private readonly logger = new Logger(FrameCrossings.name);
  private readonly crossings = new WeakMap<Promise<boolean>, FrameCrossing>();

  constructor(private readonly packets: PacketsRepository) {}

  /**
   * A frame whose only receivers are on other instances: its answer waits for `crossed`
   * (ClusterPresence.forward's promise for its bus message).
   */
  await(result: SendResult, slotId: string, direction: LinkDirection, crossed: Promise<boolean>): void {
    let crossing = this.crossings.get(crossed);
    if (!crossing) {
      const created = new FrameCrossing(
        slotId,
        (slot, way, sequences) => this.packets.markNotDelivered(slot, way, sequences),
        (error) =>
          this.logger.error(
            { err: error, slotId },
            'could not log frames that did not cross as NOT_DELIVERED',
          ),
      );
      crossed.then((reached) => created.settle(reached)).catch(() => created.settle(false));
      this.crossings.set(crossed, created);
      crossing = created;
    }
    crossing.await(result, direction);
  }
}
