// SPDX-License-Identifier: Apache-2.0
import { ApiKey } from './accounts/api-key.entity';
import { Session } from './accounts/session.entity';
import { User } from './accounts/user.entity';
import { AvailabilityRule } from './availability/availability-rule.entity';
import { ChangeCursor } from './booking/change-cursor.entity';
import { OperationalSlot } from './booking/operational-slot.entity';
import { SlotChange } from './booking/slot-change.entity';
import { Packet } from './relay/packet.entity';
import { RelaySessionRecord } from './relay/relay-session.entity';
import { SlotSummary } from './relay/slot-summary.entity';
import { ScChannel } from './spacecraft/sc-channel.entity';
import { Spacecraft } from './spacecraft/spacecraft.entity';
import { GroundStation } from './stations/ground-station.entity';
import { GsChannel } from './stations/gs-channel.entity';

/**
 * Every entity, listed explicitly so the same list works from src (tests) and dist. The list lives
 * at the composition root, beside app.module.ts: database/ serves every module and so imports none.
 */
export const ENTITIES = [
  User,
  Session,
  ApiKey,
  GroundStation,
  GsChannel,
  Spacecraft,
  ScChannel,
  AvailabilityRule,
  OperationalSlot,
  SlotChange,
  Packet,
  RelaySessionRecord,
  SlotSummary,
  ChangeCursor,
];
