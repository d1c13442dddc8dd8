// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobRunner } from '../common/jobs';
import type { MissionDetachReason, MissionLink } from './relay-port';
import { RelaySessionAudit } from './relay-session-audit';

/** The job names under which a failed write of the mission sessions' audit is logged. */
export const MISSION_SESSION_START_JOB = 'relay.record-mission-session';
export const MISSION_SESSION_END_JOB = 'relay.record-mission-session-end';

/**
 * The relay_sessions audit of mission WebSocket sessions (side 'mission', transport 'websocket',
 * the WebSocket session id as connection id): one row per slot a session was attached to, so a slot's report lists
 * them beside the TLS sessions. The relay calls it synchronously and never waits for it; each
 * end waits for its own start, so a quick attach-and-close still leaves a closed row.
 */
@Injectable()
export class MissionSessionAudit {
  /** Per session: slot id → the audit row's id once written (null when the write failed). */
  private readonly rows = new WeakMap<MissionLink, Map<string, Promise<string | null>>>();

  constructor(
    private readonly clock: Clock,
    private readonly audit: RelaySessionAudit,
    private readonly jobs: JobRunner,
  ) {}

  /** The session now takes part in the slot; a second call for the same slot changes nothing. */
  joined(link: MissionLink, slotId: string, userId: string, connectionId: string): void {
    const rows = this.rows.get(link) ?? new Map<string, Promise<string | null>>();
    this.rows.set(link, rows);
    if (rows.has(slotId)) return;
    const id = randomUUID();
    const at = this.clock.now();
    const written = this.audit.started(id, slotId, 'mission', userId, connectionId, at, 'websocket');
    rows.set(
      slotId,
      written.then(
        () => id,
        () => null,
      ),
    );
    this.jobs.fireAndForget(MISSION_SESSION_START_JOB, written, { slotId, connectionId });
  }

  /**
   * The session left the slot (its end, or the session's): recorded in the background, a failure
   * logged by the job runner (which shutdown waits for).
   */
  left(link: MissionLink, slotId: string, reason: MissionDetachReason): void {
    const rows = this.rows.get(link);
    const row = rows?.get(slotId);
    if (!row) return;
    rows?.delete(slotId);
    const at = this.clock.now();
    const ended = row.then((id) => (id === null ? undefined : this.audit.ended(id, at, reason)));
    this.jobs.fireAndForget(MISSION_SESSION_END_JOB, ended, { slotId, reason });
  }

  /** The session ended: every slot it was in records the reason. */
  leftAll(link: MissionLink, reason: MissionDetachReason): void {
    for (const slotId of [...(this.rows.get(link)?.keys() ?? [])]) this.left(link, slotId, reason);
  }
}
