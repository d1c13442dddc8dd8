// SPDX-License-Identifier: Apache-2.0
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { SLOT_STATES } from '../../booking/slot-transitions';

/**
 * OpenAPI schemas of what the REST operations answer, where the answer is not one of the request
 * DTO classes (which document themselves). They follow the view functions of each module
 * (account-views.ts, station-mapper.ts, slot-views.ts, …) and docs/api.md.
 */

const string: SchemaObject = { type: 'string' };
const instant: SchemaObject = { type: 'string', format: 'date-time' };
const nullableInstant: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
const number: SchemaObject = { type: 'number' };

export const arrayOf = (items: SchemaObject): SchemaObject => ({ type: 'array', items });

const object = (properties: Record<string, SchemaObject>, optional: string[] = []): SchemaObject => ({
  type: 'object',
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});

export const USER = object({
  id: string,
  username: string,
  email: string,
  organisation: string,
  role: { type: 'string', enum: ['OPERATOR', 'ADMIN'] },
  status: { type: 'string', enum: ['PENDING', 'ACTIVE', 'DENIED', 'SUSPENDED'] },
  statusReason: { type: 'string', nullable: true },
  createdAt: instant,
});

export const LOGIN = object({
  token: { type: 'string', description: 'opaque bearer token, `sns_…`' },
  expiresAt: instant,
  user: USER,
});

export const API_KEY = object({
  id: string,
  name: string,
  prefix: { type: 'string', description: 'the first characters of the key, to recognise it' },
  createdAt: instant,
  lastUsedAt: nullableInstant,
  revokedAt: nullableInstant,
});

export const API_KEY_CREATED: SchemaObject = {
  allOf: [
    API_KEY,
    object({ key: { type: 'string', description: 'the key, `snk_…`: shown only this once' } }),
  ],
};

export const HEALTH = object({
  status: { type: 'string', enum: ['ok', 'error'] },
  database: object({ kind: string, status: { type: 'string', enum: ['up', 'down'] } }),
  uptimeSeconds: number,
});

const GS_CHANNEL = object({
  channelId: string,
  direction: { type: 'string', enum: ['DOWNLINK', 'UPLINK', 'BOTH'] },
  modulation: arrayOf(string),
  frequencyRange: object({ minimum: number, maximum: number }),
  bandwidth: arrayOf(number),
  bitrate: arrayOf(number),
  polarization: arrayOf(string),
});

export { GS_CHANNEL };

const LOCATION = object({ latitude: number, longitude: number, altitude: number });

export const GROUND_STATION = object(
  {
    identifier: string,
    callsign: string,
    contactElevation: number,
    location: LOCATION,
    horizonMask: arrayOf(object({ fromAzimuth: number, toAzimuth: number, minElevation: number })),
    autoConfirm: { type: 'boolean' },
    channels: arrayOf(GS_CHANNEL),
  },
  ['callsign', 'contactElevation', 'horizonMask', 'autoConfirm'],
);
GROUND_STATION.description =
  'the whole document for the owner; other users get the public summary (identifier, location, channels)';

export const SC_CHANNEL = object({
  channelId: string,
  direction: { type: 'string', enum: ['DOWNLINK', 'UPLINK', 'BOTH'] },
  modulation: string,
  frequency: number,
  bandwidth: number,
  bitrate: number,
  polarization: string,
});

export const SPACECRAFT = object({
  identifier: string,
  callsign: string,
  noradId: { type: 'integer' },
  tracking: object(
    {
      tle: object({ name: string, line1: string, line2: string }, ['name']),
      url: string,
      spacecraftId: string,
    },
    ['tle', 'url', 'spacecraftId'],
  ),
  channels: arrayOf(SC_CHANNEL),
  csp: object({
    version: { type: 'integer', enum: [1, 2] },
    addresses: arrayOf({ type: 'integer' }),
    uplinkPorts: arrayOf({ type: 'integer' }),
    downlinkPorts: arrayOf({ type: 'integer' }),
  }),
  status: object({
    tleEpoch: nullableInstant,
    tleAgeDays: { type: 'number', nullable: true },
    tleUpdatedAt: nullableInstant,
    lastRefreshAt: nullableInstant,
    lastRefreshError: { type: 'string', nullable: true },
    warnings: arrayOf(string),
  }),
});

export const COMPATIBILITY = object({
  groundStation: string,
  gsChannel: string,
  scChannel: string,
  direction: { type: 'string', enum: ['DOWNLINK', 'UPLINK'] },
});

export const PASS = object({
  groundStation: string,
  aos: instant,
  tca: instant,
  los: instant,
  durationSeconds: number,
  maxElevation: number,
  aosAzimuth: number,
  losAzimuth: number,
  channels: arrayOf(
    object({
      gsChannel: string,
      scChannel: string,
      direction: { type: 'string', enum: ['DOWNLINK', 'UPLINK'] },
      frequency: { type: 'number', description: 'Hz' },
      dopplerHz: object({ aos: number, tca: number, los: number }),
    }),
  ),
});

export const RULE = object(
  {
    ruleId: string,
    channelId: string,
    operation: { type: 'string', enum: ['ADD', 'REMOVE'] },
    periodicity: { type: 'string', enum: ['ONCE', 'DAILY', 'WEEKLY'] },
    date: { type: 'string', format: 'date' },
    weekdays: arrayOf({ type: 'string', enum: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] }),
    validFrom: { type: 'string', format: 'date' },
    validUntil: { type: 'string', format: 'date' },
    startTime: { type: 'string', example: '08:00' },
    endTime: { type: 'string', example: '24:00' },
    timeZone: { type: 'string', example: 'UTC' },
  },
  ['channelId', 'date', 'weekdays', 'validFrom', 'validUntil'],
);

export const AVAILABILITY = object({
  groundStation: string,
  channelId: { type: 'string', nullable: true },
  from: instant,
  to: instant,
  windows: arrayOf(object({ start: instant, end: instant })),
});

export const SLOT = object(
  {
    identifier: string,
    gsIdentifier: string,
    scIdentifier: string,
    gsChannel: string,
    scChannel: string,
    slotDate: { type: 'string', example: '07/17/2014', description: 'Annex C: MM/DD/YYYY, UTC' },
    slotStart: instant,
    slotEnd: instant,
    tca: instant,
    maxElevation: number,
    state: { type: 'string', enum: [...SLOT_STATES] },
    holdExpiresAt: instant,
    mOperator: object({ username: string, organisation: string }),
  },
  ['holdExpiresAt', 'mOperator'],
);

export const CHANGES = object({
  changes: arrayOf(
    object({
      changeId: { type: 'integer' },
      slot: string,
      gsIdentifier: string,
      scIdentifier: string,
      slotStart: instant,
      slotEnd: instant,
      from: string,
      to: string,
      reason: string,
      at: instant,
    }),
  ),
  nextCursor: { type: 'integer', description: 'pass it as `cursor` next time' },
});

const nullableInteger: SchemaObject = { type: 'integer', nullable: true };
const nullableString: SchemaObject = { type: 'string', nullable: true };
const bool: SchemaObject = { type: 'boolean' };

/** packet-views.ts PacketView (docs/api.md "Packet history"). */
export const PACKET = object({
  id: { type: 'integer' },
  slotId: nullableString,
  groundStation: nullableString,
  spacecraft: { ...nullableString, description: 'null for a non-scheduled frame nobody could be matched to' },
  direction: { type: 'string', enum: ['DOWNLINK', 'UPLINK'] },
  fromSide: { type: 'string', enum: ['station', 'mission'] },
  outcome: { type: 'string', enum: ['RELAYED', 'NOT_DELIVERED', 'REJECTED', 'NON_SCHEDULED'] },
  rejectRule: nullableString,
  sequence: nullableInteger,
  serverTime: instant,
  clientTimestamp: string,
  gsTimestamp: nullableInstant,
  dopplerShiftHz: nullableInteger,
  frequencyHz: { type: 'number', nullable: true },
  frameBytes: { type: 'integer' },
  data: { type: 'string', format: 'byte', description: 'the frame as received, base64' },
  csp: {
    ...object({
      version: nullableInteger,
      priority: nullableInteger,
      source: nullableInteger,
      destination: nullableInteger,
      sourcePort: nullableInteger,
      destinationPort: nullableInteger,
      flags: {
        ...object({ raw: { type: 'integer' }, hmac: bool, xtea: bool, rdp: bool, crc: bool }),
        nullable: true,
      },
    }),
    nullable: true,
  },
});

export const PACKET_EXPORT: SchemaObject = {
  type: 'string',
  format: 'binary',
  description: 'JSON Lines (one packet per line, as in a page) or the SNPK binary format (docs/api.md)',
};
