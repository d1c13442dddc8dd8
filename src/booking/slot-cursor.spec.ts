// SPDX-License-Identifier: Apache-2.0
import { ValidationFailedError } from '../common/errors';
import { decodeSlotCursor, encodeSlotCursor } from './slot-cursor';

describe('slot cursors', () => {
  it('give back the slot position they were made from', () => {
    const position = { startAt: new Date('2008-09-20T18:17:06.918Z'), id: 'slot-_cjW8MR7IVA' };
    const cursor = encodeSlotCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // safe in a URL query unescaped
    expect(decodeSlotCursor(cursor)).toEqual(position);
  });

  it.each([
    ['not base64 of a position', 'not-a-cursor'],
    ['a position with no slot id', Buffer.from('1221934626918.').toString('base64url')],
    ['a position with no time', Buffer.from('.slot-_cjW8MR7IVA').toString('base64url')],
    ['a slot id of the wrong shape', Buffer.from('1221934626918.slot-a b').toString('base64url')],
  ])('refuse %s as invalid input naming the cursor field', (_, cursor) => {
    expect(() => decodeSlotCursor(cursor)).toThrow(ValidationFailedError);
    try {
      decodeSlotCursor(cursor);
    } catch (error) {
      expect((error as ValidationFailedError).fields).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });
});
