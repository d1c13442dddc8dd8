// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../database/database.service';
import { AvailabilityRule } from './availability-rule.entity';

@Injectable()
export class AvailabilityRulesRepository {
  constructor(private readonly db: Database) {}

  private get rules() {
    return this.db.manager().getRepository(AvailabilityRule);
  }

  save(rule: AvailabilityRule): Promise<AvailabilityRule> {
    return this.rules.save(rule);
  }

  findOfStation(stationId: string, ruleId: string): Promise<AvailabilityRule | null> {
    return this.rules.findOneBy({ id: ruleId, stationId });
  }

  async delete(ruleId: string): Promise<void> {
    await this.rules.delete({ id: ruleId });
  }

  /** The station's rules, oldest first. */
  listOfStation(stationId: string): Promise<AvailabilityRule[]> {
    return this.rules.find({ where: { stationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The rules of these stations, in no particular order. */
  async ofStations(stationIds: string[]): Promise<AvailabilityRule[]> {
    return stationIds.length ? this.rules.findBy({ stationId: In(stationIds) }) : [];
  }

  ofStation(stationId: string): Promise<AvailabilityRule[]> {
    return this.rules.findBy({ stationId });
  }
}
