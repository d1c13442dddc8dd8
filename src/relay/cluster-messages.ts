// SPDX-License-Identifier: Apache-2.0
import type { LinkDirection } from '../orbit/doppler';
import { type DisconnectReason, RELAY_EVENT, type RelayEventId, type RelaySide } from './relay-port';

/**
 * What instances tell each other about one slot, on its bus channel (docs/protocol.md §17):
 * frames relayed by the sender's instance, the presence of a side on an instance, the slot's end.
 * `from` is the publishing instance: it delivers to its own clients directly and ignores its echo.
 */
export type SlotMessage =
  | {
      kind: 'frame';
      from: string;
      direction: LinkDirection;
      data: Uint8Array;
      dopplerShiftHz: number;
      gsTimestamp: string;
      serverTime: string;
      seq: number;
    }
  | {
      kind: 'presence';
      from: string;
      side: RelaySide;
      present: boolean;
      /** When `present` is false: what the other side's clients are told (END_REMOTE, REMOTE_DISCONNECTED). */
      event?: RelayEventId;
      reason?: DisconnectReason;
    }
  | { kind: 'slot-end'; from: string };

/** The bus channel of a slot's messages. */
export function slotChannel(slotId: string): string {
  return `relay:slot:${slotId}`;
}

const SIDES: readonly unknown[] = ['station', 'mission'];
const DIRECTIONS: readonly unknown[] = ['DOWNLINK', 'UPLINK'];
const EVENTS: readonly unknown[] = Object.values(RELAY_EVENT);
const REASONS: readonly unknown[] = ['CONNECTION_LOST', 'CLIENT_NOT_READING'];

/**
 * A bus message as a SlotMessage, or undefined when it is not one (another version of the server,
 * or a bug): such a message is dropped, never half-applied.
 */
export function parseSlotMessage(value: unknown): SlotMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (typeof message.from !== 'string') return undefined;
  switch (message.kind) {
    case 'frame':
      return message.data instanceof Uint8Array &&
        DIRECTIONS.includes(message.direction) &&
        typeof message.dopplerShiftHz === 'number' &&
        typeof message.gsTimestamp === 'string' &&
        typeof message.serverTime === 'string' &&
        Number.isSafeInteger(message.seq)
        ? (message as SlotMessage)
        : undefined;
    case 'presence':
      return SIDES.includes(message.side) &&
        typeof message.present === 'boolean' &&
        (message.event === undefined || EVENTS.includes(message.event)) &&
        (message.reason === undefined || REASONS.includes(message.reason))
        ? (message as SlotMessage)
        : undefined;
    case 'slot-end':
      return message as SlotMessage;
    default:
      return undefined;
  }
}
