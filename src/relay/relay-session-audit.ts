import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Database } from '../database/database.service';
import { RelaySessionRecord } from './relay-session.entity';

/** Writes the session audit: who operated which side of which slot, from when until when. */
@Injectable()
export class RelaySessionAudit {
  constructor(private readonly db: Database) {}

  async started(
    id: string,
    slotId: string,
    side: RelaySessionRecord['side'],
    userId: string,
    connectionId: string,
    at: Date,
  ): Promise<void> {
    const record: RelaySessionRecord = {
      id,
      slotId,
      side,
      userId,
      connectionId: connectionId.slice(0, 64),
      startedAt: at,
      endedAt: null,
      endReason: null,
    };
    await this.db.transaction(() => this.db.manager().getRepository(RelaySessionRecord).insert(record));
  }

  /**
   * Ends the sessions a previous run left open (it was killed, or lost power): their sockets
   * died with it. One instance owns every session today; returns how many were closed.
   */
  async endAbandoned(at: Date, reason: string): Promise<number> {
    const result = await this.db.transaction(() =>
      this.db
        .manager()
        .getRepository(RelaySessionRecord)
        .update({ endedAt: IsNull() }, { endedAt: at, endReason: reason }),
    );
    return result.affected ?? 0;
  }

  async ended(id: string, at: Date, reason: string): Promise<void> {
    await this.db.transaction(() =>
      this.db.manager().getRepository(RelaySessionRecord).update({ id }, { endedAt: at, endReason: reason }),
    );
  }
}
