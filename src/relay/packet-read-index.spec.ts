// SPDX-License-Identifier: Apache-2.0
import { packetReadIndex } from './packet-read-index';

describe('packetReadIndex', () => {
  it.each([
    [{ slotId: 's', spacecraftId: 'c' }, 'idx_packets_slot_time'],
    [{ slotId: 's', stationId: 'g', outcomes: ['REJECTED'] }, 'idx_packets_slot_time'],
    [{ spacecraftId: 'c' }, 'idx_packets_spacecraft_time'],
    [{ spacecraftId: 'c', outcomes: ['REJECTED'] }, 'idx_packets_spacecraft_outcome_time'],
    [{ spacecraftId: 'c', outcomes: ['REJECTED', 'RELAYED'] }, 'idx_packets_spacecraft_time'],
    [{ stationId: 'g' }, 'idx_packets_station_time'],
    [{ stationId: 'g', outcomes: ['NON_SCHEDULED'] }, 'idx_packets_station_outcome_time'],
    [{ stationId: 'g', outcomes: ['NOT_DELIVERED', 'REJECTED'] }, 'idx_packets_station_time'],
    // a spacecraft's archive, even when a station is named too: the spacecraft is the owner asked for
    [{ spacecraftId: 'c', stationId: 'g' }, 'idx_packets_spacecraft_time'],
  ])('reads %p through %s', (filters, index) => {
    expect(packetReadIndex(filters)).toBe(index);
  });

  it('leaves a read without an owner or slot to the database', () => {
    expect(packetReadIndex({ outcomes: ['REJECTED'] })).toBeUndefined();
  });
});
