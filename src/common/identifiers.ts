// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';

/**
 * Stations and spacecraft share one identifier namespace, so `get_configuration` is unambiguous
 * (Annex C/D). Each module that owns identifiers registers a lookup here, so neither imports the
 * other to check a new identifier. Lookups run in the caller's transaction (repositories join it).
 */
export interface IdentifierOwner {
  name: string;
  has(identifier: string): Promise<boolean>;
}

@Injectable()
export class Identifiers {
  private readonly owners: IdentifierOwner[] = [];

  register(owner: IdentifierOwner): void {
    this.owners.push(owner);
  }

  async taken(identifier: string): Promise<boolean> {
    const found = await Promise.all(this.owners.map((owner) => owner.has(identifier)));
    return found.some(Boolean);
  }
}
