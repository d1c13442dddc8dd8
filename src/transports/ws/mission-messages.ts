// SPDX-License-Identifier: Apache-2.0
import type { WsErrorMessage } from './ws-session';

/** A client's `id` is echoed in the answer; bounded so an echo cannot be used to amplify. */
const MAX_ID_LENGTH = 64;
/** The packet log's column for a client timestamp (docs/protocol.md §5.2). */
const MAX_TIMESTAMP_LENGTH = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type MessageId = string | number;

/** What a mission client may send (docs/protocol.md §13.2). */
export type MissionClientMessage =
  | { type: 'uplink'; packet: Uint8Array; id?: MessageId; slotId?: string; timestamp?: string }
  | { type: 'ping'; id?: MessageId };

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: WsErrorMessage };

/** Parses one text message; anything malformed gets an INVALID_MESSAGE error naming what is wrong. */
export function parseMissionMessage(text: string): Parsed<MissionClientMessage> {
  const object = parseJsonObject(text);
  if (!object.ok) return object;
  const body = object.message;
  const id = messageId(body.id);
  if (id === null) return invalid('"id" must be a string of at most 64 characters or an integer');
  const refuse = (why: string) => invalid(why, id);
  switch (body.type) {
    case 'ping':
      return { ok: true, message: { type: 'ping', id } };
    case 'message': {
      if (body.direction !== 'uplink')
        return refuse('"direction" must be "uplink": clients send uplink packets, the server sends downlink');
      if (typeof body.packet !== 'string' || body.packet.length === 0 || !BASE64.test(body.packet))
        return refuse(
          '"packet" must be a non-empty base64 string (RFC 4648, with padding) of one CSP packet',
        );
      const slotId = optionalString(body.slotId, 40);
      if (slotId === null) return refuse('"slotId" must be a slot id string');
      const timestamp = optionalString(body.timestamp, MAX_TIMESTAMP_LENGTH);
      if (timestamp === null)
        return refuse('"timestamp" must be an ISO 8601 string of at most 64 characters');
      const packet = Buffer.from(body.packet, 'base64');
      return { ok: true, message: { type: 'uplink', packet, id, slotId, timestamp } };
    }
    default:
      return refuse(
        `unknown "type" ${JSON.stringify(body.type ?? null).slice(0, 40)}: send "message" (an uplink packet) or "ping"`,
      );
  }
}

/** The JSON object a text message holds, or INVALID_MESSAGE. */
export function parseJsonObject(text: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('the message is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return invalid('the message must be a JSON object with a "type"');
  return { ok: true, message: value as Record<string, unknown> };
}

function invalid(message: string, id?: MessageId): { ok: false; error: WsErrorMessage } {
  return {
    ok: false,
    error: { type: 'error', code: 'INVALID_MESSAGE', message, ...(id !== undefined ? { id } : {}) },
  };
}

/** undefined when absent, null when present but unusable. */
function messageId(value: unknown): MessageId | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length <= MAX_ID_LENGTH) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return null;
}

function optionalString(value: unknown, maxLength: number): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : null;
}
