// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { ChangeCursor } from './change-cursor.entity';
import { SlotsRepository } from './slots.repository';

/** The positions of the server's own consumers of the change log (see ChangeCursor). */
@Injectable()
export class ChangeCursors {
  constructor(
    private readonly db: Database,
    private readonly slots: SlotsRepository,
  ) {}

  private get cursors() {
    return this.db.manager().getRepository(ChangeCursor);
  }

  /** The id of the last change `name` handled; a cursor not stored yet starts at the end of the log. */
  async position(name: string): Promise<number> {
    const stored = await this.cursors.findOneBy({ name });
    if (stored) return Number(stored.lastChangeId);
    const last = await this.slots.lastChangeId();
    await this.cursors
      .createQueryBuilder()
      .insert()
      .values({ name, lastChangeId: last })
      .orIgnore()
      .execute();
    return Number((await this.cursors.findOneByOrFail({ name })).lastChangeId);
  }

  /** Moves `name` from `from` to `to`; false when it no longer stood at `from` (another instance moved it). */
  async move(name: string, from: number, to: number): Promise<boolean> {
    const result = await this.cursors.update({ name, lastChangeId: from }, { lastChangeId: to });
    return result.affected === 1;
  }
}
