// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';

export type PartySide = 'station' | 'spacecraft';

/** What a booking call needs to know of the station or spacecraft it names. */
export interface PartyRow {
  side: PartySide;
  id: string;
  ownerId: string;
}

const BY_IDENTIFIER: Record<PartySide, string> = {
  station: "SELECT 'station' AS side, id, ownerId FROM ground_stations WHERE identifier = ?",
  spacecraft: "SELECT 'spacecraft' AS side, id, ownerId FROM spacecraft WHERE identifier = ?",
};

/**
 * Annex D identifiers to the station or spacecraft they name, for booking. Every booking call
 * starts here, so it is one plain statement on each table's unique identifier index, not two
 * TypeORM finds of whole entities built anew on each call (issue 13).
 */
@Injectable()
export class PartiesRepository {
  constructor(private readonly db: Database) {}

  /**
   * The station or spacecraft named `identifier` among `sides`, or null. Stations and spacecraft
   * share one namespace (IDENTIFIER_TAKEN), so at most one matches.
   */
  async find(identifier: string, sides: readonly PartySide[]): Promise<PartyRow | null> {
    const rows: PartyRow[] = await this.db.manager().query(
      sides.map((side) => BY_IDENTIFIER[side]).join(' UNION ALL '),
      sides.map(() => identifier),
    );
    return rows[0] ?? null;
  }
}
