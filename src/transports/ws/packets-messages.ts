// SPDX-License-Identifier: Apache-2.0
import { isoTime } from '../../common/iso-time';
import type { Packet, PacketOutcome } from '../../relay/packet.entity';
import type { ReplaySubject } from '../../relay/packet-replay.service';
import type { ReplayPacket } from '../../relay/replay-stream';
import { type Parsed, parseJsonObject } from './mission-messages';
import type { WsErrorMessage } from './ws-session';

/** A subscription id is echoed in every message about it: bounded like /ws/mission's ids. */
const MAX_SUBSCRIPTION_ID = 64;
const MAX_IDENTIFIER = 64;
const OUTCOMES: readonly PacketOutcome[] = ['RELAYED', 'NOT_DELIVERED', 'REJECTED', 'NON_SCHEDULED'];
const NS_PER_MS = 1_000_000n;

/** What a /ws/packets client may send (docs/protocol.md §16.2). */
export type PacketsClientMessage =
  | {
      type: 'add';
      id: string;
      /** The `spacecraft` or the `station` the client named. */
      subject: ReplaySubject;
      slot?: string;
      from?: Date;
      to?: Date;
      direction?: Packet['direction'];
      outcomes?: PacketOutcome[];
    }
  | { type: 'remove'; id: string }
  | { type: 'ping'; id?: string | number };

/** Parses one text message; anything malformed gets an INVALID_MESSAGE error naming what is wrong. */
export function parsePacketsMessage(text: string): Parsed<PacketsClientMessage> {
  const object = parseJsonObject(text);
  if (!object.ok) return object;
  const body = object.message;
  if (body.type === 'ping') {
    const id = body.id;
    return {
      ok: true,
      message: { type: 'ping', ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}) },
    };
  }
  const id =
    typeof body.id === 'string' && body.id.length > 0 && body.id.length <= MAX_SUBSCRIPTION_ID
      ? body.id
      : undefined;
  if (body.type !== 'add' && body.type !== 'remove')
    return invalid(
      `unknown "type" ${JSON.stringify(body.type ?? null).slice(0, 40)}: send "add", "remove" or "ping"`,
      id,
    );
  if (id === undefined)
    return invalid('"id" must be your name for the subscription: a string of 1 to 64 characters');
  if (body.type === 'remove') return { ok: true, message: { type: 'remove', id } };
  const refuse = (why: string) => invalid(why, id);
  const named = (['spacecraft', 'station'] as const).filter(
    (side) => (body[side] ?? undefined) !== undefined,
  );
  if (named.length !== 1)
    return refuse(
      'name exactly one of "spacecraft" (one of your spacecraft) and "station" (one of your ground stations)',
    );
  const side = named[0];
  const identifier = body[side];
  if (!isIdentifier(identifier))
    return refuse(
      side === 'spacecraft'
        ? '"spacecraft" must be the identifier of one of your spacecraft'
        : '"station" must be the identifier of one of your ground stations',
    );
  const slot = body.slot ?? undefined;
  if (slot !== undefined && !isIdentifier(slot))
    return refuse(
      `"slot" must be the id of a slot of that ${side === 'spacecraft' ? 'spacecraft' : 'station'}`,
    );
  const from = nanoseconds(body.start_time);
  if (from === null)
    return refuse('"start_time" must be a whole number of nanoseconds since 1970-01-01T00:00:00Z, or null');
  const to = nanoseconds(body.end_time);
  if (to === null)
    return refuse('"end_time" must be a whole number of nanoseconds since 1970-01-01T00:00:00Z, or null');
  if (to !== undefined && from === undefined)
    return refuse('"end_time" needs a "start_time": without one the subscription is live only');
  if (from !== undefined && to !== undefined && to.getTime() < from.getTime())
    return refuse('"end_time" is before "start_time"');
  const direction = body.direction ?? undefined;
  if (direction !== undefined && direction !== 'uplink' && direction !== 'downlink')
    return refuse('"direction" must be "uplink" or "downlink" (omit it for both)');
  const outcomes = body.outcomes ?? undefined;
  if (
    outcomes !== undefined &&
    (!Array.isArray(outcomes) ||
      outcomes.length === 0 ||
      !outcomes.every((o): o is PacketOutcome => OUTCOMES.includes(o as PacketOutcome)))
  )
    return refuse(`"outcomes" must be a non-empty list of ${OUTCOMES.map((o) => `"${o}"`).join(', ')}`);
  return {
    ok: true,
    message: {
      type: 'add',
      id,
      subject: { side, identifier },
      ...(slot !== undefined ? { slot } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(direction ? { direction: direction === 'uplink' ? 'UPLINK' : 'DOWNLINK' } : {}),
      ...(outcomes ? { outcomes: [...new Set(outcomes)] } : {}),
    },
  };
}

function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_IDENTIFIER;
}

/**
 * A time in nanoseconds since the epoch (a JSON number, or a string of digits for clients whose
 * numbers lose precision) as the archive's millisecond Date: the first millisecond at or after it,
 * so that `start_time` keeps packets at or after it and `end_time` those before it.
 * undefined when absent or null; null when unusable.
 */
function nanoseconds(value: unknown): Date | undefined | null {
  if (value === undefined || value === null) return undefined;
  let ms: number;
  if (typeof value === 'string' && /^\d{1,19}$/.test(value))
    ms = Number((BigInt(value) + NS_PER_MS - 1n) / NS_PER_MS);
  else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    // A JSON number this large is only exact to about 256 ns: one within a microsecond of a whole
    // millisecond is that millisecond (what the client meant, e.g. a `time` it received).
    const nearest = Math.round(value / 1e6);
    ms = Math.abs(value - nearest * 1e6) <= 1000 ? nearest : Math.ceil(value / 1e6);
  } else return null;
  // Dates reach 8.64e15 ms; a later time is out of range.
  return ms > 8_640_000_000_000_000 ? null : new Date(ms);
}

/**
 * One packet of a batch as JSON text. Built by hand: `time` is written as an exact integer of
 * nanoseconds (the archive's milliseconds followed by six zeros), which a JSON number computed in
 * JavaScript would not always be (nanoseconds since 1970 are above 2^53).
 */
export function encodeReplayItem(
  packet: ReplayPacket,
  names: { groundStation: string | null; spacecraft: string | null },
): string {
  // A template rather than JSON.stringify of an object: this runs for every packet replayed
  // (bench/replay.ts). Strings a client or the database could shape go through JSON.stringify
  // (once per run of equal values: a slot's packets share their slot and station); the rest are
  // numbers, base64, ISO times and the entity's enums.
  const ms = packet.serverReceivedAt.getTime();
  return (
    `{"time":${ms === 0 ? '0' : `${ms}000000`},"packet":"CSP","buffer":"${packet.data.toString('base64')}",` +
    `"id":${packet.id},"slotId":${slotJson(packet.slotId)},` +
    `"direction":"${packet.direction === 'UPLINK' ? 'uplink' : 'downlink'}","outcome":"${packet.outcome}",` +
    `"spacecraft":${spacecraftJson(names.spacecraft)},` +
    `"groundStation":${stationJson(names.groundStation)},"dopplerShiftHz":${jsonInteger(packet.dopplerShiftHz)},` +
    `"gsTimestamp":${packet.gsTimestamp ? `"${isoTime(packet.gsTimestamp.getTime())}"` : 'null'},` +
    `"serverTime":"${isoTime(ms)}","sequence":${jsonInteger(packet.sequence)}` +
    `${packet.rejectRule ? `,"rejectRule":${JSON.stringify(packet.rejectRule)}` : ''}}`
  );
}

/** JSON.stringify of a string or null, remembering the last one (replayed packets come in runs). */
function lastJsonString(): (value: string | null) => string {
  let last: string | null = null;
  let lastJson = 'null';
  return (value) => {
    if (value !== last) [last, lastJson] = [value, JSON.stringify(value)];
    return lastJson;
  };
}
const slotJson = lastJsonString();
const stationJson = lastJsonString();
const spacecraftJson = lastJsonString();

/** An integer column as JSON: `null` for null (and for anything not finite, as JSON.stringify). */
function jsonInteger(value: number | null): string {
  return value !== null && Number.isFinite(value) ? `${value}` : 'null';
}

/** A batch message for subscription `id`: `items` are encodeReplayItem's; none is the end marker. */
export function encodeBatch(id: string, items: readonly string[]): Buffer {
  return Buffer.from(`{"type":"batch","id":${JSON.stringify(id)},"packets":[${items.join(',')}]}`);
}

function invalid(message: string, id?: string): { ok: false; error: WsErrorMessage } {
  return {
    ok: false,
    error: { type: 'error', code: 'INVALID_MESSAGE', message, ...(id !== undefined ? { id } : {}) },
  };
}
