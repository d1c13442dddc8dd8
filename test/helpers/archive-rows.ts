// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { type PacketRecord, PacketsRepository } from '../../src/relay/packets.repository';
import { Spacecraft } from '../../src/spacecraft/spacecraft.entity';
import type { ReservedSlot } from './relay-fixture';
import type { TestApp } from './test-app';

/** Writes downlinks of the slot's spacecraft straight into the archive (faster than the relay). */
export async function archiveDownlinks(
  t: TestApp,
  slot: ReservedSlot,
  rows: { data: Buffer; time: Date }[],
): Promise<void> {
  const { id: spacecraftId } = await t.app
    .get(DataSource)
    .getRepository(Spacecraft)
    .findOneByOrFail({ identifier: slot.spacecraft });
  const records = rows.map(({ data, time }) => ({
    ...archivedTemplate(spacecraftId, slot.slotId),
    data,
    frameBytes: data.length,
    serverReceivedAt: time,
  })) as unknown as PacketRecord[];
  for (let i = 0; i < records.length; i += 1000)
    await t.app.get(PacketsRepository).insertMany(records.slice(i, i + 1000));
}

/** The fields of an archived downlink of the slot (data and time set by the caller). */
function archivedTemplate(spacecraftId: string, slotId: string) {
  return {
    slotId,
    stationId: null,
    spacecraftId,
    sequence: null,
    frequencyHz: null,
    dedupKey: null,
    fromSide: 'station',
    direction: 'DOWNLINK',
    clientTimestamp: '2029-01-01T00:00:00.000Z',
    gsTimestamp: null,
    dopplerShiftHz: null,
    outcome: 'RELAYED',
    rejectRule: null,
    cspSource: 10,
    cspDestination: 1,
    cspSourcePort: 10,
    cspDestinationPort: 20,
  };
}
