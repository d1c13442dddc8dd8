// SPDX-License-Identifier: Apache-2.0
import { ForbiddenError } from './errors';
import type { Actor } from './request-context';

/** Owners and admins may read private details of, change or delete an object. */
export function canManage(actor: Actor, ownerId: string): boolean {
  return actor.role === 'ADMIN' || actor.userId === ownerId;
}

export function assertCanManage(actor: Actor, ownerId: string, what: string): void {
  if (!canManage(actor, ownerId)) throw new ForbiddenError('NOT_OWNER', `${what} belongs to another user`);
}
