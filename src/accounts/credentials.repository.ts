// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Database } from '../database/database.service';
import { ApiKey } from './api-key.entity';
import { Session } from './session.entity';
import { User } from './user.entity';

/** Login sessions and API keys: the two kinds of bearer credential. */
@Injectable()
export class CredentialsRepository {
  constructor(private readonly db: Database) {}

  private get sessions() {
    return this.db.manager().getRepository(Session);
  }

  private get apiKeys() {
    return this.db.manager().getRepository(ApiKey);
  }

  /**
   * The session with this token hash and its user (null when the account is gone), in one query:
   * every authenticated request asks this, so it costs one round trip, not two.
   */
  async findSessionByHash(tokenHash: string): Promise<{ session: Session; user: User | null } | null> {
    const found: (Session & { user?: User }) | null = await this.sessions
      .createQueryBuilder('session')
      .leftJoinAndMapOne('session.user', User, 'user', 'user.id = session.userId')
      .where('session.tokenHash = :tokenHash', { tokenHash })
      .getOne();
    if (!found) return null;
    const { user, ...session } = found;
    return { session, user: user ?? null };
  }

  findSessionById(id: string): Promise<Session | null> {
    return this.sessions.findOneBy({ id });
  }

  saveSession(session: Session): Promise<Session> {
    return this.sessions.save(session);
  }

  async revokeSessionsOf(userId: string, at: Date): Promise<void> {
    await this.sessions.update({ userId, revokedAt: IsNull() }, { revokedAt: at });
  }

  findApiKeyByHash(secretHash: string): Promise<ApiKey | null> {
    return this.apiKeys.findOneBy({ secretHash });
  }

  findApiKey(userId: string, id: string): Promise<ApiKey | null> {
    return this.apiKeys.findOneBy({ userId, id });
  }

  listApiKeys(userId: string): Promise<ApiKey[]> {
    return this.apiKeys.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  saveApiKey(key: ApiKey): Promise<ApiKey> {
    return this.apiKeys.save(key);
  }

  async touchApiKey(id: string, at: Date): Promise<void> {
    await this.apiKeys.update({ id }, { lastUsedAt: at });
  }
}
