// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ForbiddenError, NotFoundError } from '../common/errors';
import { type Actor, type RequestContext, requireActor } from '../common/request-context';
import { Database } from '../database/database.service';
import { type ApiKeyView, apiKeyView } from './account-views';
import type { ApiKey } from './api-key.entity';
import { CredentialsRepository } from './credentials.repository';
import { hashSecret, newSecret, SECRET_PREFIX } from './secrets';

/** Keys for station (G-client) and mission (M-client) software; the secret is shown once. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly credentials: CredentialsRepository,
  ) {}

  async create(ctx: RequestContext, name: string): Promise<ApiKeyView & { key: string }> {
    const actor = requireSession(ctx);
    const secret = newSecret(SECRET_PREFIX.apiKey);
    const key: ApiKey = {
      id: randomUUID(),
      userId: actor.userId,
      name,
      prefix: secret.slice(0, 12),
      secretHash: hashSecret(secret),
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.db.transaction(() => this.credentials.saveApiKey(key));
    this.logger.log({ username: actor.username, keyId: key.id, name }, 'API key created');
    return { ...apiKeyView(key), key: secret };
  }

  async list(ctx: RequestContext): Promise<ApiKeyView[]> {
    return (await this.credentials.listApiKeys(requireActor(ctx).userId)).map(apiKeyView);
  }

  async revoke(ctx: RequestContext, id: string): Promise<ApiKeyView> {
    const actor = requireSession(ctx);
    const revoked = await this.db.transaction(async () => {
      const key = await this.credentials.findApiKey(actor.userId, id);
      if (!key) throw new NotFoundError('API_KEY_NOT_FOUND', `you have no API key with id ${id}`);
      return key.revokedAt ? key : this.credentials.saveApiKey({ ...key, revokedAt: this.clock.now() });
    });
    this.logger.log({ username: actor.username, keyId: id }, 'API key revoked');
    return apiKeyView(revoked);
  }
}

/** Credential management needs a human login: a leaked API key must not mint new keys. */
function requireSession(ctx: RequestContext): Actor {
  const actor = requireActor(ctx);
  if (actor.via !== 'SESSION')
    throw new ForbiddenError('SESSION_REQUIRED', 'managing API keys needs a login session, not an API key');
  return actor;
}
