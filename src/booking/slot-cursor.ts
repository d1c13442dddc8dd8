// SPDX-License-Identifier: Apache-2.0
import { ValidationFailedError } from '../common/errors';

/** A position in the (startAt, id) order of a slot list: the last slot of the previous page. */
export interface SlotCursor {
  startAt: Date;
  id: string;
}

/** Opaque to clients (docs/api.md "Paging through slots"): base64url of `<start ms>.<slot id>`. */
export function encodeSlotCursor(slot: SlotCursor): string {
  return Buffer.from(`${slot.startAt.getTime()}.${slot.id}`).toString('base64url');
}

/** The cursor a client sent back, or VALIDATION_FAILED on `cursor` when it is not one of ours. */
export function decodeSlotCursor(cursor: string): SlotCursor {
  const match = /^(\d{1,15})\.(slot-[\w-]{1,35})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match)
    throw new ValidationFailedError([
      { field: 'cursor', message: 'is not a cursor from a previous page (pass nextCursor unchanged)' },
    ]);
  return { startAt: new Date(Number(match[1])), id: match[2] };
}
