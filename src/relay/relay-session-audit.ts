// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import type { RelaySessionRecord, SessionTransport } from './relay-session.entity';
import { RelaySessionsRepository } from './relay-sessions.repository';

/** Writes the session audit: who operated which side of which slot, from when until when. */
@Injectable()
export class RelaySessionAudit {
  constructor(
    private readonly db: Database,
    private readonly sessions: RelaySessionsRepository,
  ) {}

  async started(
    id: string,
    slotId: string,
    side: RelaySessionRecord['side'],
    userId: string,
    connectionId: string,
    at: Date,
    transport: SessionTransport = 'tls',
  ): Promise<void> {
    const record: RelaySessionRecord = {
      id,
      slotId,
      side,
      userId,
      connectionId: connectionId.slice(0, 64),
      transport,
      startedAt: at,
      endedAt: null,
      endReason: null,
    };
    await this.db.transaction(() => this.sessions.insert(record));
  }

  /**
   * Ends the sessions a previous run left open (it was killed, or lost power): their sockets
   * died with it. One instance owns every session today; returns how many were closed.
   */
  async endAbandoned(at: Date, reason: string): Promise<number> {
    return this.db.transaction(() => this.sessions.endAllOpen(at, reason));
  }

  async ended(id: string, at: Date, reason: string): Promise<void> {
    await this.db.transaction(() => this.sessions.end(id, at, reason));
  }
}
