// SPDX-License-Identifier: Apache-2.0
import type { LinkDirection } from '../orbit/doppler';
import { type DisconnectReason, RELAY_EVENT, type RelayEventId, type RelaySide } from './relay-port';

/** A frame as the sender's instance relayed it (checked, stamped, numbered and logged there). */
export interface RelayedFrame {
  direction: LinkDirection;
  data: Uint8Array;
  dopplerShiftHz: number;
  gsTimestamp: string;
  serverTime: string;
  seq: number;
}

/**
 * What instances tell each other about one slot, on its bus channel (docs/protocol.md §17):
 * frames relayed by the sender's instance (those of one tick of its event loop in one message),
 * the presence of a side on an instance, the slot's end. `from` is the publishing instance: it
 * delivers to its own clients directly and ignores its echo.
 */
export type SlotMessage =
  | { kind: 'frames'; from: string; frames: RelayedFrame[] }
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
    case 'frames':
      return Array.isArray(message.frames) && message.frames.every(isRelayedFrame)
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

function isRelayedFrame(value: unknown): value is RelayedFrame {
  if (typeof value !== 'object' || value === null) return false;
  const frame = value as Record<string, unknown>;
  return (
    frame.data instanceof Uint8Array &&
    DIRECTIONS.includes(frame.direction) &&
    typeof frame.dopplerShiftHz === 'number' &&
    typeof frame.gsTimestamp === 'string' &&
    typeof frame.serverTime === 'string' &&
    Number.isSafeInteger(frame.seq)
  );
}
