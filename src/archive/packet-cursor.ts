// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { ValidationFailedError } from '../common/errors';
import type { PacketPosition, PacketQuery } from '../relay/packets.repository';

/** The parts of a history query a cursor is bound to: everything but the position and the limit. */
export type BoundQuery = Omit<PacketQuery, 'after' | 'limit'>;

const NOT_OURS = 'is not a cursor from a previous page (pass nextCursor unchanged)';
const OTHER_QUERY = 'belongs to another query (keep the filters of the page it came from)';

/**
 * Opaque to clients (docs/api.md "Packet history"): base64url of `<time ms>.<id>.<query tag>`.
 * The tag is a digest of the query, so a cursor replayed with other filters, another station or
 * another spacecraft is refused instead of silently skipping or repeating packets.
 */
export function encodePacketCursor(position: PacketPosition, query: BoundQuery): string {
  return Buffer.from(`${position.time.getTime()}.${position.id}.${queryTag(query)}`).toString('base64url');
}

/** The position a client's cursor names, or VALIDATION_FAILED on `cursor`. */
export function decodePacketCursor(cursor: string, query: BoundQuery): PacketPosition {
  const match = /^(\d{1,15})\.(\d{1,15})\.([\w-]{12})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ValidationFailedError([{ field: 'cursor', message: NOT_OURS }]);
  if (match[3] !== queryTag(query))
    throw new ValidationFailedError([{ field: 'cursor', message: OTHER_QUERY }]);
  return { time: new Date(Number(match[1])), id: Number(match[2]) };
}

function queryTag(query: BoundQuery): string {
  const canonical = JSON.stringify([
    query.spacecraftId ?? null,
    query.stationId ?? null,
    query.slotId ?? null,
    query.direction ?? null,
    query.outcomes ? [...new Set(query.outcomes)].sort() : null,
    query.from?.getTime() ?? null,
    query.to?.getTime() ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}
