// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';

/**
 * Modules that own data of a user (stations, spacecraft, bookings…) register here; unregistering
 * calls each inside the same transaction, lowest `order` first (bookings before stations), and
 * then deletes the user row, whose sessions and API keys go with it (foreign-key cascade).
 */
export interface UserDataOwner {
  name: string;
  order: number;
  deleteUserData(ctx: RequestContext, userId: string): Promise<void>;
}

@Injectable()
export class UserDeletion {
  private readonly owners: UserDataOwner[] = [];

  register(owner: UserDataOwner): void {
    this.owners.push(owner);
    this.owners.sort((a, b) => a.order - b.order);
  }

  async deleteAll(ctx: RequestContext, userId: string): Promise<void> {
    for (const owner of this.owners) await owner.deleteUserData(ctx, userId);
  }
}
