// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { OperationalSlot } from '../../src/booking/operational-slot.entity';
import { tleChecksum } from '../../src/orbit/tle';
import { Spacecraft } from '../../src/spacecraft/spacecraft.entity';
import { ORBIT_NOW } from './fixtures';
import { reservedSlot, type ReservedSlot } from './relay-fixture';
import { TestApp } from './test-app';
import type { TestDatabase } from './test-database';

/**
 * A reserved slot for servers that run on the system clock (child processes): booked on
 * `database` by a TestApp at the fixtures' epoch, then moved to span the present (from a minute
 * ago to an hour ahead), and its spacecraft's TLE moved to today's epoch (the same orbit), so
 * Doppler is computed as in a live pass.
 */
export async function reservedSlotAroundNow(database: TestDatabase, prefix: string): Promise<ReservedSlot> {
  const t = await TestApp.start({}, database);
  try {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, prefix);
    const now = new Date();
    const start = new Date(now.getTime() - 60_000);
    const end = new Date(now.getTime() + 3_600_000);
    const source = t.app.get(DataSource);
    await source.getRepository(OperationalSlot).update(slot.slotId, { startAt: start, endAt: end });
    const spacecraft = await source
      .getRepository(Spacecraft)
      .findOneByOrFail({ identifier: slot.spacecraft });
    await source
      .getRepository(Spacecraft)
      .update(spacecraft.id, { tleLine1: withEpoch(spacecraft.tleLine1 ?? '', now), tleEpoch: now });
    return { ...slot, start, end };
  } finally {
    await t.stop();
  }
}

/** A TLE's first line with its epoch (columns 19-32, YYDDD.DDDDDDDD) set to `at`, checksum redone. */
function withEpoch(line1: string, at: Date): string {
  const yearStart = Date.UTC(at.getUTCFullYear(), 0, 1);
  const day = 1 + (at.getTime() - yearStart) / 86_400_000;
  const epoch = `${String(at.getUTCFullYear() % 100).padStart(2, '0')}${day.toFixed(8).padStart(12, '0')}`;
  const line = `${line1.slice(0, 18)}${epoch}${line1.slice(32, 68)}`;
  return `${line}${tleChecksum(line)}`;
}
