// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Database } from '../database/database.service';
import { RelaySessionRecord } from './relay-session.entity';

@Injectable()
export class RelaySessionsRepository {
  constructor(private readonly db: Database) {}

  private get sessions() {
    return this.db.manager().getRepository(RelaySessionRecord);
  }

  async insert(record: RelaySessionRecord): Promise<void> {
    await this.sessions.insert(record);
  }

  async end(id: string, at: Date, reason: string): Promise<void> {
    await this.sessions.update({ id }, { endedAt: at, endReason: reason });
  }

  /** Which of these slots had at least one session. */
  async slotsWithSessions(slotIds: string[]): Promise<string[]> {
    if (slotIds.length === 0) return [];
    const rows: { slotId: string }[] = await this.sessions
      .createQueryBuilder('session')
      .select('DISTINCT session.slotId', 'slotId')
      .where('session.slotId IN (:...ids)', { ids: slotIds })
      .getRawMany();
    return rows.map((row) => row.slotId);
  }

  /** Every session of the slot, in the order they started, the station's first at one instant. */
  ofSlot(slotId: string): Promise<RelaySessionRecord[]> {
    return this.sessions.find({ where: { slotId }, order: { startedAt: 'ASC', side: 'DESC', id: 'ASC' } });
  }

  /** The instances holding open sessions (null: rows from before instances were recorded). */
  async instancesWithOpenSessions(): Promise<(string | null)[]> {
    const rows: { instanceId: string | null }[] = await this.sessions
      .createQueryBuilder('session')
      .select('DISTINCT session.instanceId', 'instanceId')
      .where('session.endedAt IS NULL')
      .getRawMany();
    return rows.map((row) => row.instanceId);
  }

  /** Ends the open sessions of these instances; returns how many there were. */
  async endOpenOf(instanceIds: (string | null)[], at: Date, reason: string): Promise<number> {
    let ended = 0;
    for (const instanceId of instanceIds) {
      const where = { endedAt: IsNull(), instanceId: instanceId ?? IsNull() };
      ended += (await this.sessions.update(where, { endedAt: at, endReason: reason })).affected ?? 0;
    }
    return ended;
  }
}
