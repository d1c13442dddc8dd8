// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Database } from '../database/database.service';
import { columnsAs, hydrate } from '../database/plain-sql';
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
    // Plain SQL (database/plain-sql.ts): TypeORM's join builder cost more CPU than the query.
    const manager = this.db.manager();
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT s.*, ${columnsAs(manager, User, 'u', 'user_')} FROM sessions s ` +
        'LEFT JOIN users u ON u.id = s.userId WHERE s.tokenHash = ?',
      [tokenHash],
    );
    if (rows.length === 0) return null;
    const user = rows[0].user_id === null ? null : hydrate(manager, User, rows[0], 'user_');
    return { session: hydrate(manager, Session, rows[0]), user };
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
