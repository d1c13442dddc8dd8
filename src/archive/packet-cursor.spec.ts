// SPDX-License-Identifier: Apache-2.0
import { ValidationFailedError } from '../common/errors';
import { type BoundQuery, decodePacketCursor, encodePacketCursor } from './packet-cursor';

const query: BoundQuery = {
  spacecraftId: 'sc-1',
  slotId: 'slot-a',
  outcomes: ['REJECTED', 'RELAYED'],
  from: new Date('2008-09-20T00:00:00Z'),
};
const position = { time: new Date('2008-09-20T18:17:06.918Z'), id: 4711 };

const fieldOf = (call: () => unknown) => {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).fields;
  }
  throw new Error('no error');
};

describe('packet cursors', () => {
  it('give back the position they were made from, for the same query', () => {
    expect(decodePacketCursor(encodePacketCursor(position, query), query)).toEqual(position);
    // Outcomes in another order, or repeated, are the same query.
    const same = { ...query, outcomes: ['RELAYED', 'REJECTED', 'RELAYED'] as BoundQuery['outcomes'] };
    expect(decodePacketCursor(encodePacketCursor(position, query), same)).toEqual(position);
  });

  it.each<[string, BoundQuery]>([
    ['another spacecraft', { ...query, spacecraftId: 'sc-2' }],
    ['a station instead', { ...query, spacecraftId: undefined, stationId: 'sc-1' }],
    ['another slot', { ...query, slotId: 'slot-b' }],
    ['a direction added', { ...query, direction: 'UPLINK' }],
    ['other outcomes', { ...query, outcomes: ['REJECTED'] }],
    ['another from', { ...query, from: new Date('2008-09-20T00:00:00.001Z') }],
    ['a to added', { ...query, to: new Date('2008-09-21T00:00:00Z') }],
  ])('are refused for %s', (_, other) => {
    const cursor = encodePacketCursor(position, query);
    expect(fieldOf(() => decodePacketCursor(cursor, other))).toEqual([
      { field: 'cursor', message: 'belongs to another query (keep the filters of the page it came from)' },
    ]);
  });

  it.each([
    '',
    'garbage',
    Buffer.from('1.2').toString('base64url'),
    Buffer.from('x.2.abcdefghijkl').toString('base64url'),
  ])('refuse %j as not one of ours', (cursor) => {
    expect(fieldOf(() => decodePacketCursor(cursor, query))[0].field).toBe('cursor');
  });
});
