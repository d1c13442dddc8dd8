// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Packet, type PacketOutcome } from './packet.entity';
import { SlotSummary } from './slot-summary.entity';

/** Frames of one slot, one direction, one outcome and (for rejections) one rule. */
export interface SlotFrameGroup {
  direction: Packet['direction'];
  outcome: PacketOutcome;
  rejectRule: string | null;
  frames: number;
  bytes: number;
  first: Date;
  last: Date;
}

/** The longest silence between two consecutive frames of one direction. */
export interface SlotGap {
  from: Date;
  to: Date;
}

/**
 * The figures of a slot's report, computed by the database from the packets of the slot
 * (idx_packets_slot_time): no row is loaded into the process, however many frames the slot had.
 * A completed slot's figures are stored once (slot_summaries) and read from there.
 */
@Injectable()
export class SlotReportRepository {
  constructor(private readonly db: Database) {}

  /** Count, bytes, first and last frame per (direction, outcome, rejectRule). */
  async frameGroups(slotId: string): Promise<SlotFrameGroup[]> {
    const rows: Record<string, unknown>[] = await this.db
      .manager()
      .getRepository(Packet)
      .createQueryBuilder('p')
      .select('p.direction', 'direction')
      .addSelect('p.outcome', 'outcome')
      .addSelect('p.rejectRule', 'rejectRule')
      .addSelect('COUNT(*)', 'frames')
      .addSelect('SUM(p.frameBytes)', 'bytes')
      .addSelect('MIN(p.serverReceivedAt)', 'first')
      .addSelect('MAX(p.serverReceivedAt)', 'last')
      .where('p.slotId = :slotId', { slotId })
      .groupBy('p.direction')
      .addGroupBy('p.outcome')
      .addGroupBy('p.rejectRule')
      .getRawMany();
    return rows.map((row) => ({
      direction: row.direction as Packet['direction'],
      outcome: row.outcome as PacketOutcome,
      rejectRule: (row.rejectRule as string | null) ?? null,
      frames: Number(row.frames),
      bytes: Number(row.bytes),
      first: this.time(row.first),
      last: this.time(row.last),
    }));
  }

  /**
   * The longest gap between consecutive frames (any outcome) of one direction, by server receive
   * time; the earliest of equal gaps; null with fewer than two frames. One window-function query
   * (SQLite ≥ 3.25, MariaDB ≥ 10.2, MySQL ≥ 8).
   */
  async longestGap(slotId: string, direction: Packet['direction']): Promise<SlotGap | null> {
    const manager = this.db.manager();
    const { driver } = manager.connection;
    const metadata = manager.connection.getMetadata(Packet);
    const col = (name: string) => driver.escape(metadata.findColumnWithPropertyName(name)!.databaseName);
    const at = col('serverReceivedAt');
    const length =
      this.db.kind === 'mysql'
        ? 'TIMESTAMPDIFF(MICROSECOND, g.prev, g.at)'
        : '(julianday(g.at) - julianday(g.prev))';
    const rows: { prev: unknown; at: unknown }[] = await manager.query(
      `SELECT g.prev AS prev, g.at AS at FROM (` +
        `SELECT ${at} AS at, LAG(${at}) OVER (ORDER BY ${at}, ${col('id')}) AS prev ` +
        `FROM ${driver.escape(metadata.tableName)} WHERE ${col('slotId')} = ? AND ${col('direction')} = ?` +
        `) g WHERE g.prev IS NOT NULL ORDER BY ${length} DESC, g.at ASC LIMIT 1`,
      [slotId, direction],
    );
    return rows.length === 0 ? null : { from: this.time(rows[0].prev), to: this.time(rows[0].at) };
  }

  /** The stored figures of a completed slot, if any. */
  summary(slotId: string): Promise<SlotSummary | null> {
    return this.db.manager().getRepository(SlotSummary).findOneBy({ slotId });
  }

  /** Stores (or replaces) a completed slot's figures. */
  async saveSummary(summary: SlotSummary): Promise<void> {
    await this.db.manager().getRepository(SlotSummary).save(summary);
  }

  /** A raw serverReceivedAt as the driver hydrates it into the entity (UTC, milliseconds). */
  private time(raw: unknown): Date {
    const manager = this.db.manager();
    const column = manager.connection.getMetadata(Packet).findColumnWithPropertyName('serverReceivedAt')!;
    return manager.connection.driver.prepareHydratedValue(raw, column) as Date;
  }
}
