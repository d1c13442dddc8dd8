// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { DomainError, NotFoundError } from '../common/errors';
import { assertCanManage } from '../common/ownership';
import { type RequestContext, requireActor } from '../common/request-context';
import type { OperationalSlot } from './operational-slot.entity';
import { type PartySide, PartiesRepository } from './parties.repository';
import { isOccupying, effectiveState } from './slot-transitions';
import { slotView, type SlotView } from './slot-views';

/** The station or spacecraft a booking call acts for, once the caller is known to manage it. */
export interface Party {
  side: 'station' | 'spacecraft';
  id: string;
  ownerId: string;
  label: string;
}

/** Spacecraft first: most calls naming either kind come from the many M-operators. */
const BOTH_SIDES: readonly PartySide[] = ['spacecraft', 'station'];

/** Resolves an Annex D identifier to the calling side of a booking, and names M-operators. */
@Injectable()
export class BookingParties {
  constructor(
    private readonly parties: PartiesRepository,
    private readonly accounts: AccountsService,
  ) {}

  async resolve(
    ctx: RequestContext,
    identifier: string,
    side: 'station' | 'spacecraft' | 'either',
  ): Promise<Party> {
    const actor = requireActor(ctx);
    const found = await this.parties.find(identifier, side === 'either' ? BOTH_SIDES : [side]);
    if (found) {
      const label = `${found.side === 'station' ? 'ground station' : 'spacecraft'} "${identifier}"`;
      assertCanManage(actor, found.ownerId, label);
      return { side: found.side, id: found.id, ownerId: found.ownerId, label };
    }
    const other =
      side === 'either'
        ? null
        : await this.parties.find(identifier, [side === 'station' ? 'spacecraft' : 'station']);
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
