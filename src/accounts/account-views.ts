// SPDX-License-Identifier: Apache-2.0
import type { ApiKey } from './api-key.entity';
import type { User } from './user.entity';

/** What clients see of an account: never the password hash. */
export interface UserView {
  id: string;
  username: string;
  email: string;
  organisation: string;
  role: User['role'];
  status: User['status'];
  statusReason: string | null;
  createdAt: string;
}

export function userView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    organisation: user.organisation,
    role: user.role,
    status: user.status,
    statusReason: user.statusReason,
    createdAt: user.createdAt.toISOString(),
  };
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function apiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
