// SPDX-License-Identifier: Apache-2.0
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

export type SessionTransport = 'tls' | 'websocket';

/** Audit of who was connected to which side of a slot, and how each session ended. */
@Entity('relay_sessions')
@Index('idx_relay_sessions_slot', ['slotId', 'startedAt'])
export class RelaySessionRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  slotId!: string;

  @Column({ type: 'varchar', length: 8 })
  side!: 'station' | 'mission';

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  connectionId!: string;

  /** `tls` for a gateway client, `websocket` for a mission WebSocket session (side mission). */
  @Column({ type: 'varchar', length: 9, default: 'tls' })
  transport!: SessionTransport;

  @TimestampColumn()
  startedAt!: Date;

  @TimestampColumn({ nullable: true })
  endedAt!: Date | null;

  /**
   * TLS: END_REMOTE, REMOTE_DISCONNECTED (connection lost), CLIENT_NOT_READING, SLOT_END, SHUTDOWN
   * or SERVER_LOST. Mission WebSocket sessions: CLOSED, CONNECTION_LOST, CLIENT_NOT_READING,
   * SLOT_END, SHUTDOWN or SERVER_LOST.
   */
  @Column({ type: 'varchar', length: 24, nullable: true })
  endReason!: string | null;

  /** The instance that holds the session (MessageBus.instanceId); null in rows from before. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  instanceId!: string | null;
}
