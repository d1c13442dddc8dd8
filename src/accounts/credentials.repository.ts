import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Database } from '../database/database.service';
import { ApiKey } from './api-key.entity';
import { Session } from './session.entity';

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

  findSessionByHash(tokenHash: string): Promise<Session | null> {
    return this.sessions.findOneBy({ tokenHash });
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
