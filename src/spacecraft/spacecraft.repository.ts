// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { IsNull, LessThan, Not, Or } from 'typeorm';
import { Database } from '../database/database.service';
import { ScChannel } from './sc-channel.entity';
import { Spacecraft } from './spacecraft.entity';

@Injectable()
export class SpacecraftRepository {
  constructor(private readonly db: Database) {}

  private get spacecraft() {
    return this.db.manager().getRepository(Spacecraft);
  }

  private get channels() {
    return this.db.manager().getRepository(ScChannel);
  }

  hasIdentifier(identifier: string): Promise<boolean> {
    return this.spacecraft.existsBy({ identifier });
  }

  findByIdentifier(identifier: string): Promise<Spacecraft | null> {
    return this.spacecraft.findOneBy({ identifier });
  }

  findById(id: string): Promise<Spacecraft | null> {
    return this.spacecraft.findOneBy({ id });
  }

  list(ownerId?: string): Promise<Spacecraft[]> {
    return this.spacecraft.find({ where: ownerId ? { ownerId } : {}, order: { identifier: 'ASC' } });
  }

  /** Spacecraft with a tracking URL not refreshed since `before`. */
  dueForRefresh(before: Date): Promise<Spacecraft[]> {
    return this.spacecraft.find({
      where: { trackingUrl: Not(IsNull()), lastRefreshAt: Or(IsNull(), LessThan(before)) },
      order: { identifier: 'ASC' },
    });
  }

  channelsOf(spacecraftId: string): Promise<ScChannel[]> {
    return this.channels.find({ where: { spacecraftId }, order: { channelId: 'ASC' } });
  }

  save(spacecraft: Spacecraft): Promise<Spacecraft> {
    return this.spacecraft.save(spacecraft);
  }

  async replaceChannels(spacecraftId: string, channels: ScChannel[]): Promise<void> {
    await this.channels.delete({ spacecraftId });
    if (channels.length > 0) await this.channels.insert(channels);
  }

  saveChannel(channel: ScChannel): Promise<ScChannel> {
    return this.channels.save(channel);
  }

  async deleteChannel(spacecraftId: string, channelId: string): Promise<void> {
    await this.channels.delete({ spacecraftId, channelId });
  }

  async delete(id: string): Promise<void> {
    await this.spacecraft.delete({ id });
  }
}
