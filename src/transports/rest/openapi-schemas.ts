// SPDX-License-Identifier: Apache-2.0
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { SLOT_FAILURE_REASONS, SLOT_STATES } from '../../booking/slot-transitions';

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
  status: {
    type: 'string',
    enum: ['ok', 'degraded', 'error'],
    description: '"degraded": the database answers but the instances\' shared bus (Redis) does not',
  },
  instance: { type: 'string', description: "this instance's id (SATNET_INSTANCE_ID)" },
  database: object({ kind: string, status: { type: 'string', enum: ['up', 'down'] } }),
  bus: object({
    status: {
      type: 'string',
      enum: ['local', 'up', 'degraded'],
      description: '"local": no Redis configured, one instance; "up"/"degraded": Redis reachable or not',
    },
  }),
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
    callsign: { type: 'string', nullable: true },
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
  noradId: { type: 'integer', nullable: true, description: 'null until learned from the first TLE' },
  tracking: object(
    {
      tle: object({ name: string, line1: string, line2: string }, ['name']),
      url: string,
      spacecraftId: string,
    },
    ['tle', 'url', 'spacecraftId'],
  ),
  channels: arrayOf(SC_CHANNEL),
  csp: {
    ...object({
      version: { type: 'integer', enum: [1, 2] },
      addresses: arrayOf({ type: 'integer' }),
      uplinkPorts: arrayOf({ type: 'integer' }),
      downlinkPorts: arrayOf({ type: 'integer' }),
    }),
    nullable: true,
    description: 'null when not configured: slots can be booked, not relayed',
  },
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
    failureReason: { type: 'string', enum: [...SLOT_FAILURE_REASONS], description: 'only when FAILED' },
    mOperator: object({ username: string, organisation: string }),
  },
  ['holdExpiresAt', 'failureReason', 'mOperator'],
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

export const NON_SCHEDULED_UPLOAD = object({
  groundStation: string,
  stored: { type: 'integer', description: 'frames this upload stored' },
  duplicates: { type: 'integer', description: 'frames stored before (or twice in this upload)' },
  attributed: { type: 'integer', description: 'stored frames attributed to a spacecraft' },
  frames: arrayOf(
    object({
      index: { type: 'integer', description: "the frame's position in the upload" },
      status: { type: 'string', enum: ['STORED', 'DUPLICATE'] },
      id: {
        type: 'integer',
        description: "the packet's id in the archive (the earlier copy's for a duplicate)",
      },
      spacecraft: {
        type: 'string',
        nullable: true,
        description: 'the spacecraft it is attributed to, or null',
      },
    }),
  ),
});

const frameCount = { frames: { type: 'integer' }, bytes: { type: 'integer' } } as const;
const DIRECTION_REPORT = object({
  relayed: object(frameCount),
  notDelivered: object(frameCount),
  rejected: object({
    ...frameCount,
    byRule: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      description: 'frames per rejectRule',
    },
  }),
  firstFrameAt: nullableInstant,
  lastFrameAt: nullableInstant,
  longestGap: {
    ...object({ ms: { type: 'integer' }, from: instant, to: instant }),
    nullable: true,
    description: 'null with fewer than two frames',
  },
});

export const SLOT_REPORT = object({
  slot: SLOT,
  state: { type: 'string', enum: [...SLOT_STATES] },
  failureReason: { type: 'string', nullable: true, enum: [...SLOT_FAILURE_REASONS] },
  final: { type: 'boolean', description: 'COMPLETED or FAILED: the figures no longer change' },
  generatedAt: instant,
  downlink: DIRECTION_REPORT,
  uplink: DIRECTION_REPORT,
  sessions: arrayOf(
    object({
      side: { type: 'string', enum: ['station', 'mission'] },
      transport: { type: 'string', enum: ['tls', 'websocket'] },
      user: { type: 'string', nullable: true },
      connectionId: string,
      startedAt: instant,
      endedAt: nullableInstant,
      endReason: { type: 'string', nullable: true },
    }),
  ),
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
