// SPDX-License-Identifier: Apache-2.0
import { Accounts1763712000000 } from './1763712000000-Accounts';
import { StationsAndSpacecraft1763798400000 } from './1763798400000-StationsAndSpacecraft';
import { Booking1763884800000 } from './1763884800000-Booking';
import { Relay1763971200000 } from './1763971200000-Relay';
import { PacketLogDurability1764057600000 } from './1764057600000-PacketLogDurability';
import { SlotOccupancyIndex1764158400000 } from './1764158400000-SlotOccupancyIndex';
import { PacketArchive1764244800000 } from './1764244800000-PacketArchive';
import { PacketRetention1764331200000 } from './1764331200000-PacketRetention';
import { SlotLifecycle1764590400000 } from './1764590400000-SlotLifecycle';
import { AnnexCOptionalFields1764763200000 } from './1764763200000-AnnexCOptionalFields';
import { PacketOutcomeIndexes1764860000000 } from './1764860000000-PacketOutcomeIndexes';
import { RelaySessionInstance1764880000000 } from './1764880000000-RelaySessionInstance';
import { ChangeCursors1764900000000 } from './1764900000000-ChangeCursors';

/** Every migration in order; listed explicitly so the same list works from src (tests) and dist. */
export const MIGRATIONS = [
  Accounts1763712000000,
  StationsAndSpacecraft1763798400000,
  Booking1763884800000,
  Relay1763971200000,
  PacketLogDurability1764057600000,
  SlotOccupancyIndex1764158400000,
  PacketArchive1764244800000,
  PacketRetention1764331200000,
  SlotLifecycle1764590400000,
  AnnexCOptionalFields1764763200000,
  PacketOutcomeIndexes1764860000000,
  RelaySessionInstance1764880000000,
  ChangeCursors1764900000000,
];
