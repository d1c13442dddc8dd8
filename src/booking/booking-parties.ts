// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { DomainError, NotFoundError } from '../common/errors';
import { assertCanManage } from '../common/ownership';
import { type RequestContext, requireActor } from '../common/request-context';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationsService } from '../stations/ground-stations.service';
import type { OperationalSlot } from './operational-slot.entity';
import { isOccupying, effectiveState } from './slot-transitions';
import { slotView, type SlotView } from './slot-views';

/** The station or spacecraft a booking call acts for, once the caller is known to manage it. */
export interface Party {
  side: 'station' | 'spacecraft';
  id: string;
  ownerId: string;
  label: string;
}

/** Resolves an Annex D identifier to the calling side of a booking, and names M-operators. */
@Injectable()
export class BookingParties {
  constructor(
    private readonly stations: GroundStationsService,
    private readonly spacecraft: SpacecraftService,
    private readonly accounts: AccountsService,
  ) {}

  async resolve(
    ctx: RequestContext,
    identifier: string,
    side: 'station' | 'spacecraft' | 'either',
  ): Promise<Party> {
    const actor = requireActor(ctx);
    // One namespace for both kinds (IDENTIFIER_TAKEN), so at most one matches: ask for a
    // spacecraft first, since most calls naming either kind come from the many M-operators.
    const spacecraft = side === 'station' ? null : await this.spacecraft.findByIdentifier(identifier);
    const station =
      spacecraft || side === 'spacecraft' ? null : await this.stations.findByIdentifier(identifier);
    if (station) {
      assertCanManage(actor, station.ownerId, `ground station "${identifier}"`);
      return {
        side: 'station',
        id: station.id,
        ownerId: station.ownerId,
        label: `ground station "${identifier}"`,
      };
    }
    if (spacecraft) {
      assertCanManage(actor, spacecraft.ownerId, `spacecraft "${identifier}"`);
      return {
        side: 'spacecraft',
        id: spacecraft.id,
        ownerId: spacecraft.ownerId,
        label: `spacecraft "${identifier}"`,
      };
    }
    const other =
      side === 'station'
        ? await this.spacecraft.findByIdentifier(identifier)
        : side === 'spacecraft'
          ? await this.stations.findByIdentifier(identifier)
          : null;
    if (other)
      throw new DomainError(
        'VALIDATION',
        'WRONG_SIDE',
        `"${identifier}" is a ${side === 'station' ? 'spacecraft' : 'ground station'}; this call is for the ${side}'s owner`,
      );
    const what =
      side === 'either'
        ? 'ground station or spacecraft'
        : side === 'station'
          ? 'ground station'
          : 'spacecraft';
    throw new NotFoundError(
      side === 'spacecraft'
        ? 'SPACECRAFT_NOT_FOUND'
        : side === 'station'
          ? 'GROUND_STATION_NOT_FOUND'
          : 'IDENTIFIER_NOT_FOUND',
      `no ${what} "${identifier}"`,
    );
  }

  /** Station view: selections and reservations show who booked them (WEB-FUN-270). */
  async withMOperators(slots: OperationalSlot[], now: Date): Promise<SlotView[]> {
    const ids = [
      ...new Set(
        slots
          .filter((s) => isOccupying(effectiveState(s, now)))
          .map((s) => s.bookedBy ?? s.spacecraftOwnerId),
      ),
    ];
    const users = new Map((await this.accounts.findUsers(ids)).map((user) => [user.id, user]));
    return slots.map((slot) => {
      const user = isOccupying(effectiveState(slot, now))
        ? users.get(slot.bookedBy ?? slot.spacecraftOwnerId)
        : undefined;
      return slotView(
        slot,
        now,
        user ? { username: user.username, organisation: user.organisation } : undefined,
      );
    });
  }
}
