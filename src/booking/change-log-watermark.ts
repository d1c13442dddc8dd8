// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobRunner } from '../common/jobs';
import { Database } from '../database/database.service';
import { SlotsRepository } from './slots.repository';

/** How long readers wait for a hole in the change ids before taking it for a transaction that rolled back. */
export const CHANGE_GAP_WAIT_MS = 10_000;

/** How often a hole that holds readers back is looked at again (only while there is one). */
const HOLE_CHECK_MS = 1_000;

/** Ids read per look past the watermark; also how far back the first look starts (see start). */
const IDS_PER_READ = 1_000;

/** The periodic look at a hole in the change ids (only while there is one; never on SQLite). */
export const CHANGE_HOLE_JOB = 'booking.change-log-holes';

/**
 * How far readers of the change log (get_changes, /ws/events) may read: up to the largest change id
 * below which no transaction may still commit one (docs/api.md "Change log and cursors").
 *
 * On MySQL a change's id is taken at its INSERT and seen at its COMMIT, so two booking calls on two
 * stations can commit out of id order: a reader could see change 101 while 100 is still in flight,
 * move its cursor to 101 and never see 100. So readers stop below the first hole, until it is
 * filled (its transaction commits, normally within milliseconds) or CHANGE_GAP_WAIT_MS have gone
 * by since it was first seen (its transaction rolled back: InnoDB does not hand an id out twice).
 * SQLite commits one transaction at a time, so there ids are seen in order and nothing is held back.
 */
@Injectable()
export class ChangeLogWatermark implements OnApplicationBootstrap {
  private readonly logger = new Logger(ChangeLogWatermark.name);
  /** Every change id up to this one is committed or given up; undefined until the first read. */
  private settled: number | undefined;
  /** The distance between two consecutive ids (MySQL's auto_increment_increment). */
  private step = 1;
  /** The hole just above `settled`, and when it was first seen (clock ms). */
  private hole: { after: number; seenAt: number } | undefined;
  private readonly listeners: (() => void)[] = [];
  private reading: Promise<number> | undefined;
  private nextRead: Promise<number> | undefined;

  constructor(
    private readonly db: Database,
    private readonly slots: SlotsRepository,
    private readonly clock: Clock,
    private readonly jobs: JobRunner,
  ) {}

  onApplicationBootstrap(): void {
    // A hole given up is passed by the next read; without a new change, this is that read.
    // (Scheduled on SQLite too, where it never finds a hole: the same jobs run on both.)
    this.jobs.every(CHANGE_HOLE_JOB, HOLE_CHECK_MS, async () => {
      if (this.hole) await this.current();
    });
  }

  /**
   * `listener` runs when the watermark moves past a hole given up: the changes behind it become
   * readable though no new change announces them.
   */
  onMovedPastHole(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The largest change id a reader may read up to now. */
  current(): Promise<number> {
    if (!this.holdsBack) return Promise.resolve(Number.MAX_SAFE_INTEGER);
    if (!this.reading) {
      this.reading = this.read().finally(() => (this.reading = undefined));
      return this.reading;
    }
    // The read under way may have begun before the caller's change committed: callers who come
    // meanwhile share the next one (every /ws/events stream asks at once after each change).
    this.nextRead ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.nextRead = undefined;
        return this.current();
      });
    return this.nextRead;
  }

  private async read(): Promise<number> {
    const from = (this.settled ??= await this.start());
    let end = from;
    let passedHole = false;
    for (const id of await this.slots.changeIdsAfter(from, IDS_PER_READ)) {
      if (id > end + this.step) {
        if (!this.givenUp(end, id)) break;
        passedHole = true;
      }
      end = id;
    }
    this.settled = end;
    if (this.hole && this.hole.after < this.settled) this.hole = undefined;
    if (passedHole) for (const listener of this.listeners) listener();
    return this.settled;
  }

  private get holdsBack(): boolean {
    return this.db.kind === 'mysql';
  }

  /**
   * Where the first read starts: just before the first of the last IDS_PER_READ ids, since a
   * transaction in flight now holds an id close to the last one committed (one of another instance,
   * or of a call this process just made). Ids before that are long settled.
   */
  private async start(): Promise<number> {
    const [row] = await this.db
      .manager()
      .query<{ step: number | string }[]>('SELECT @@auto_increment_increment AS step');
    this.step = Math.max(1, Number(row?.step ?? 1));
    const last = await this.slots.lastChangeId();
    const [first] = await this.slots.changeIdsAfter(Math.max(0, last - IDS_PER_READ * this.step), 1);
    return first === undefined ? last : first - this.step;
  }

  /** Whether readers may move past the hole between `after` and `next`: it has been there long enough. */
  private givenUp(after: number, next: number): boolean {
    const now = this.clock.nowMs();
    if (this.hole?.after !== after) {
      this.hole = { after, seenAt: now };
      return false;
    }
    if (now - this.hole.seenAt < CHANGE_GAP_WAIT_MS) return false;
    this.logger.warn(
      { after, next, waitedMs: now - this.hole.seenAt },
      'change ids between these were never committed (their transaction rolled back); readers move past them',
    );
    this.hole = undefined;
    return true;
  }
}
