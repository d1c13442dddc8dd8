// SPDX-License-Identifier: Apache-2.0
import type { Packet, PacketOutcome } from './packet.entity';
import type { PacketFields } from './packets.repository';

/** What a replayed packet carries (docs/protocol.md §16.3): the archive reads only these columns. */
export const REPLAY_FIELDS = [
  'data',
  'spacecraftId',
  'slotId',
  'stationId',
  'direction',
  'outcome',
  'dopplerShiftHz',
  'gsTimestamp',
  'sequence',
  'rejectRule',
] as const satisfies readonly (keyof Packet)[];

/** What the packet feed carries of a committed packet: what a replay sends, and live readers check. */
export type FeedPacket = PacketFields<(typeof REPLAY_FIELDS)[number]>;

/**
 * What a feed reader follows: one spacecraft's packets, or those one station carried or heard
 * (attributed to a spacecraft or not).
 */
export type FeedTopic = `spacecraft:${string}` | `station:${string}`;

export function isFeedTopic(value: unknown): value is FeedTopic {
  return typeof value === 'string' && /^(spacecraft|station):./.test(value);
}

/** The topics a committed packet belongs to. */
export function topicsOf(packet: Pick<FeedPacket, 'spacecraftId' | 'stationId'>): FeedTopic[] {
  const topics: FeedTopic[] = [];
  if (packet.spacecraftId !== null) topics.push(`spacecraft:${packet.spacecraftId}`);
  if (packet.stationId !== null) topics.push(`station:${packet.stationId}`);
  return topics;
}

/** A FeedPacket on the bus: times as epoch milliseconds. */
interface WirePacket extends Omit<FeedPacket, 'serverReceivedAt' | 'gsTimestamp' | 'data'> {
  serverReceivedAt: number;
  gsTimestamp: number | null;
  data: Uint8Array;
}

/** Packets one instance committed, on their topic's channel (docs/protocol.md §17). */
export interface PacketsMessage {
  from: string;
  packets: WirePacket[];
}

/**
 * Who listens to which topic's packets, on the feed's control channel: `listen` (answered
 * `known` by every other instance once it sends that topic's packets to the listener),
 * `unlisten`, and `lost` (the sender's packets of that topic could not be sent).
 */
export type FeedNotice =
  | { kind: 'listen'; from: string; topic: FeedTopic; nonce: string }
  | { kind: 'unlisten'; from: string; topic: FeedTopic }
  | { kind: 'known'; from: string; to: string; nonce: string }
  | { kind: 'lost'; from: string; topic: FeedTopic };

/** The bus channel of a topic's committed packets. */
export function packetsChannel(topic: FeedTopic): string {
  return `relay:packets:${topic}`;
}

export function packetsMessage(from: string, packets: readonly FeedPacket[]): PacketsMessage {
  return {
    from,
    packets: packets.map((packet) => ({
      id: packet.id,
      spacecraftId: packet.spacecraftId,
      data: packet.data,
      slotId: packet.slotId,
      stationId: packet.stationId,
      direction: packet.direction,
      outcome: packet.outcome,
      dopplerShiftHz: packet.dopplerShiftHz,
      gsTimestamp: packet.gsTimestamp?.getTime() ?? null,
      sequence: packet.sequence,
      rejectRule: packet.rejectRule,
      serverReceivedAt: packet.serverReceivedAt.getTime(),
    })),
  };
}

/** The packets of a bus message and who sent them; undefined when it is not one (dropped whole). */
export function parsePacketsMessage(value: unknown): { from: string; packets: FeedPacket[] } | undefined {
  if (!isRecord(value) || typeof value.from !== 'string' || !Array.isArray(value.packets)) return undefined;
  const packets: FeedPacket[] = [];
  for (const packet of value.packets as unknown[]) {
    if (!isWirePacket(packet)) return undefined;
    packets.push({
      ...packet,
      data: Buffer.from(packet.data.buffer, packet.data.byteOffset, packet.data.byteLength),
      gsTimestamp: packet.gsTimestamp === null ? null : new Date(packet.gsTimestamp),
      serverReceivedAt: new Date(packet.serverReceivedAt),
    });
  }
  return { from: value.from, packets };
}

export function parseFeedNotice(value: unknown): FeedNotice | undefined {
  if (!isRecord(value) || typeof value.from !== 'string') return undefined;
  switch (value.kind) {
    case 'listen':
      return isFeedTopic(value.topic) && typeof value.nonce === 'string' ? (value as FeedNotice) : undefined;
    case 'unlisten':
    case 'lost':
      return isFeedTopic(value.topic) ? (value as FeedNotice) : undefined;
    case 'known':
      return typeof value.to === 'string' && typeof value.nonce === 'string'
        ? (value as FeedNotice)
        : undefined;
    default:
      return undefined;
  }
}

const DIRECTIONS: readonly unknown[] = ['DOWNLINK', 'UPLINK'];
const OUTCOMES: readonly unknown[] = [
  'RELAYED',
  'NOT_DELIVERED',
  'REJECTED',
  'NON_SCHEDULED',
] satisfies PacketOutcome[];

function isWirePacket(value: unknown): value is WirePacket {
  return (
    isRecord(value) &&
    Number.isSafeInteger(value.id) &&
    nullOr(value.spacecraftId, 'string') &&
    value.data instanceof Uint8Array &&
    nullOr(value.slotId, 'string') &&
    nullOr(value.stationId, 'string') &&
    DIRECTIONS.includes(value.direction) &&
    OUTCOMES.includes(value.outcome) &&
    nullOr(value.dopplerShiftHz, 'number') &&
    nullOr(value.gsTimestamp, 'number') &&
    nullOr(value.sequence, 'number') &&
    nullOr(value.rejectRule, 'string') &&
    typeof value.serverReceivedAt === 'number'
  );
}

function nullOr(value: unknown, type: 'string' | 'number'): boolean {
  return value === null || typeof value === type;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
