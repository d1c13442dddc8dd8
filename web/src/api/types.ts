// SPDX-License-Identifier: Apache-2.0
/** The API's documents as docs/api.md describes them (only the members the console reads). */
export type AccountStatus = 'PENDING' | 'ACTIVE' | 'DENIED' | 'SUSPENDED';

export interface User {
  id: string;
  username: string;
  email: string;
  organisation: string;
  role: 'OPERATOR' | 'ADMIN';
  status: AccountStatus;
  statusReason: string | null;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  key?: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface HorizonSector {
  fromAzimuth: number;
  toAzimuth: number;
  minElevation: number;
}

export interface Location {
  latitude: number;
  longitude: number;
  altitude: number;
}

export interface GroundStation {
  identifier: string;
  callsign?: string | null;
  contactElevation?: number;
  location: Location;
  horizonMask?: HorizonSector[];
  autoConfirm?: boolean;
  channels: unknown[];
}

export interface ScChannel {
  channelId: string;
  direction: 'DOWNLINK' | 'UPLINK' | 'BOTH';
  frequency: number;
}

export interface Spacecraft {
  identifier: string;
  callsign: string;
  noradId: number | null;
  tracking: { tle?: { name?: string; line1: string; line2: string }; url?: string; spacecraftId?: string };
  channels: ScChannel[];
  csp: { version: 1 | 2; addresses: number[]; uplinkPorts: number[]; downlinkPorts: number[] } | null;
  status: { tleEpoch: string | null; tleAgeDays: number | null; warnings: string[] };
}

export interface Rule {
  ruleId: string;
  operation: 'ADD' | 'REMOVE';
  periodicity: 'ONCE' | 'DAILY' | 'WEEKLY';
  date?: string;
  weekdays?: string[];
  validFrom?: string;
  validUntil?: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  channelId?: string;
}

export interface Window {
  start: string;
  end: string;
}

export type SlotState =
  'FREE' | 'SELECTED' | 'RESERVED' | 'DENIED' | 'CANCELED' | 'REMOVED' | 'EXECUTING' | 'COMPLETED' | 'FAILED';

export interface Slot {
  identifier: string;
  gsIdentifier: string;
  scIdentifier: string;
  gsChannel: string;
  scChannel: string;
  slotStart: string;
  slotEnd: string;
  tca: string;
  maxElevation: number;
  state: SlotState;
  holdExpiresAt?: string;
  mOperator?: { username: string; organisation: string };
}

export interface PassChannel {
  gsChannel: string;
  scChannel: string;
  direction: 'DOWNLINK' | 'UPLINK';
  frequency: number;
  dopplerHz: { aos: number; tca: number; los: number };
}

export interface Pass {
  groundStation: string;
  aos: string;
  tca: string;
  los: string;
  durationSeconds: number;
  maxElevation: number;
  channels: PassChannel[];
}

export interface Change {
  changeId: number;
  slot: string;
  gsIdentifier: string;
  scIdentifier: string;
  slotStart: string;
  slotEnd: string;
  from: SlotState;
  to: SlotState;
  reason: string;
  at: string;
}

export interface SlotTraffic {
  relayed: { frames: number; bytes: number };
  notDelivered: { frames: number; bytes: number };
  rejected: { frames: number; bytes: number; byRule: Record<string, number> };
}

/** A relay session of a slot, as its report lists it (docs/api.md "Slot report"). */
export interface SlotSession {
  side: string;
  transport: string;
  user: string | null;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export interface SlotReport {
  slot: Slot;
  state: string;
  final: boolean;
  failureReason: string | null;
  downlink: SlotTraffic;
  uplink: SlotTraffic;
  sessions: SlotSession[];
}

export interface StoredPacket {
  id: number;
  direction: 'UPLINK' | 'DOWNLINK';
  outcome: string;
  data: string;
  serverTime: string;
  dopplerShiftHz: number | null;
}
