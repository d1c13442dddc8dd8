// SPDX-License-Identifier: Apache-2.0
import type { OperationalSlot } from './operational-slot.entity';
import { annexCDate, slotView } from './slot-views';

describe('slotView (Annex C OperationSlot, extended)', () => {
  it("carries Annex C's slotDate (MM/DD/YYYY, UTC) beside the full instants", () => {
    const slot = {
      id: 'slot-1',
      stationIdentifier: 'VigoGS',
      spacecraftIdentifier: 'XATCOBEO',
      gsChannelId: 'uhf',
      scChannelId: 'tmtc',
      startAt: new Date('2014-07-17T10:00:00Z'),
      endAt: new Date('2014-07-17T10:09:30Z'),
      tca: new Date('2014-07-17T10:05:00Z'),
      maxElevationDeg: 41.234,
      state: 'FREE',
      holdExpiresAt: null,
      failureReason: null,
    } as OperationalSlot;
    expect(slotView(slot, new Date('2014-07-01T00:00:00Z'))).toEqual({
      identifier: 'slot-1',
      gsIdentifier: 'VigoGS',
      scIdentifier: 'XATCOBEO',
      gsChannel: 'uhf',
      scChannel: 'tmtc',
      slotDate: '07/17/2014',
      slotStart: '2014-07-17T10:00:00.000Z',
      slotEnd: '2014-07-17T10:09:30.000Z',
      tca: '2014-07-17T10:05:00.000Z',
      maxElevation: 41.23,
      state: 'FREE',
    });
  });

  it('writes the UTC day, whatever the local time zone', () => {
    expect(annexCDate(new Date('2014-12-31T23:59:59Z'))).toBe('12/31/2014');
  });
});
