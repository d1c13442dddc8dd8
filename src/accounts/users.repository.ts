// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../database/database.service';
import { User, type UserStatus } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  private get repo() {
    return this.db.manager().getRepository(User);
  }

  findById(id: string): Promise<User | null> {
    return this.repo.findOneBy({ id });
  }

  /** The users with these ids that exist, in one query. */
  findByIds(ids: string[]): Promise<User[]> {
    return ids.length ? this.repo.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  findByUsername(username: string): Promise<User | null> {
    return this.repo.findOneBy({ username });
  }

  findByLogin(login: string): Promise<User | null> {
    return login.includes('@')
      ? this.repo.findOneBy({ email: login.toLowerCase() })
      : this.findByUsername(login);
  }

  async usernameOrEmailTaken(
    username: string,
    email: string,
  ): Promise<{ username: boolean; email: boolean }> {
    const [byName, byEmail] = await Promise.all([
      this.repo.existsBy({ username }),
      this.repo.existsBy({ email: email.toLowerCase() }),
    ]);
    return { username: byName, email: byEmail };
  }

  list(status?: UserStatus): Promise<User[]> {
    return this.repo.find({ where: status ? { status } : {}, order: { createdAt: 'ASC' } });
  }

  activeAdmins(): Promise<User[]> {
    return this.repo.findBy({ role: 'ADMIN', status: 'ACTIVE' });
  }

  save(user: User): Promise<User> {
    return this.repo.save(user);
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
