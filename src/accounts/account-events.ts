// SPDX-License-Identifier: Apache-2.0
import type { User } from './user.entity';

export interface AccountEventPayload {
  userId: string;
  username: string;
  email: string;
}

declare module '../common/domain-event-map' {
  interface DomainEventMap {
    'account.registered': AccountEventPayload & { organisation: string };
    'account.approved': AccountEventPayload;
    'account.denied': AccountEventPayload & { reason: string };
    'account.suspended': AccountEventPayload & { reason: string | null };
    'account.reactivated': AccountEventPayload;
    'account.unregistered': AccountEventPayload;
  }
}

export function accountPayload(user: User): AccountEventPayload {
  return { userId: user.id, username: user.username, email: user.email };
}
