// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import type { OperationalSlot } from '../booking/operational-slot.entity';
import { DomainError } from '../common/errors';
import { cspSettingsOf, tleOf } from '../spacecraft/spacecraft-mapper';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationsService } from '../stations/ground-stations.service';
import { groundSite } from '../stations/station-mapper';
import { SlotContext } from './slot-context';

/** Loads, once per slot, what relaying its frames needs. */
@Injectable()
export class SlotContextLoader {
  constructor(
    private readonly spacecraft: SpacecraftService,
    private readonly stations: GroundStationsService,
  ) {}

  async load(slot: OperationalSlot): Promise<SlotContext> {
    const [spacecraft, station] = await Promise.all([
      this.spacecraft.findById(slot.spacecraftId),
      this.stations.findById(slot.stationId),
    ]);
    if (!spacecraft || !station)
      throw new DomainError(
        'STATE',
        'SLOT_NOT_RESERVED',
        `slot ${slot.id} lost its ${spacecraft ? 'ground station' : 'spacecraft'}`,
      );
    const csp = cspSettingsOf(spacecraft);
    if (!csp)
      throw new DomainError(
        'STATE',
        'CSP_NOT_CONFIGURED',
        `spacecraft "${spacecraft.identifier}" has no CSP settings: its owner must set csp (version, addresses, ports) before its frames can be relayed`,
      );
    return new SlotContext(
      slot,
      csp,
      tleOf(spacecraft),
      groundSite(station),
      await this.spacecraft.channelsOf(spacecraft.id),
    );
  }
}
