// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { MessageBus } from '../bus/message-bus';
import { Database } from '../database/database.service';
import type { RelaySessionRecord, SessionTransport } from './relay-session.entity';
import { RelaySessionsRepository } from './relay-sessions.repository';

/** Writes the session audit: who operated which side of which slot, from when until when. */
@Injectable()
export class RelaySessionAudit {
  constructor(
    private readonly db: Database,
    private readonly sessions: RelaySessionsRepository,
    private readonly bus: MessageBus,
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
      instanceId: this.bus.instanceId,
    };
    await this.db.transaction(() => this.sessions.insert(record));
  }

  /**
   * Ends the open sessions of instances that are not alive (killed, or out of power: their
   * sockets died with them; rows from before instances were recorded count as such). `alive`
   * decides for each instance, this one included. Returns how many were closed.
   */
  async endAbandoned(
    at: Date,
    reason: string,
    alive: (instanceId: string) => Promise<boolean>,
  ): Promise<number> {
    const gone: (string | null)[] = [];
    for (const instanceId of await this.sessions.instancesWithOpenSessions())
      if (instanceId === null || !(await alive(instanceId))) gone.push(instanceId);
    if (gone.length === 0) return 0;
    return this.db.transaction(() => this.sessions.endOpenOf(gone, at, reason));
  }

  async ended(id: string, at: Date, reason: string): Promise<void> {
    await this.db.transaction(() => this.sessions.end(id, at, reason));
  }
}
