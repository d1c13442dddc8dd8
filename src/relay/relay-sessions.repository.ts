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

  /** Ends every session still open; returns how many there were. */
  async endAllOpen(at: Date, reason: string): Promise<number> {
    const result = await this.sessions.update({ endedAt: IsNull() }, { endedAt: at, endReason: reason });
    return result.affected ?? 0;
  }
}
