// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../database/database.service';
import { GroundStation } from './ground-station.entity';
import { GsChannel } from './gs-channel.entity';

@Injectable()
export class GroundStationsRepository {
  constructor(private readonly db: Database) {}

  private get stations() {
    return this.db.manager().getRepository(GroundStation);
  }

  private get channels() {
    return this.db.manager().getRepository(GsChannel);
  }

  findByIdentifier(identifier: string): Promise<GroundStation | null> {
    return this.stations.findOneBy({ identifier });
  }

  findById(id: string): Promise<GroundStation | null> {
    return this.stations.findOneBy({ id });
  }

  list(filter: { ownerId?: string; identifiers?: string[] } = {}): Promise<GroundStation[]> {
    const where = {
      ...(filter.ownerId ? { ownerId: filter.ownerId } : {}),
      ...(filter.identifiers ? { identifier: In(filter.identifiers) } : {}),
    };
    return this.stations.find({ where, order: { identifier: 'ASC' } });
  }

  /** Channels of each station, keyed by station id. */
  async channelsOf(stationIds: string[]): Promise<Map<string, GsChannel[]>> {
    const byStation = new Map<string, GsChannel[]>(stationIds.map((id) => [id, []]));
    if (stationIds.length === 0) return byStation;
    const rows = await this.channels.find({
      where: { stationId: In(stationIds) },
      order: { channelId: 'ASC' },
    });
    for (const row of rows) byStation.get(row.stationId)?.push(row);
    return byStation;
  }

  async save(station: GroundStation): Promise<GroundStation> {
    return this.stations.save(station);
  }

  async replaceChannels(stationId: string, channels: GsChannel[]): Promise<void> {
    await this.channels.delete({ stationId });
    if (channels.length > 0) await this.channels.insert(channels);
  }

  saveChannel(channel: GsChannel): Promise<GsChannel> {
    return this.channels.save(channel);
  }

  async deleteChannel(stationId: string, channelId: string): Promise<void> {
    await this.channels.delete({ stationId, channelId });
  }

  async delete(id: string): Promise<void> {
    await this.stations.delete({ id });
  }

  hasIdentifier(identifier: string): Promise<boolean> {
    return this.stations.existsBy({ identifier });
  }
}
