// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { type FieldError, ValidationFailedError } from '../common/errors';
import type { CspSettings } from '../csp/csp-frame';
import { parseTle, type Tle, tleAgeDays } from '../orbit/tle';
import { byChannelId, duplicateChannelIds } from '../radio/channel-rules';
import type { ScChannelDto, SpacecraftConfigDto } from './dto/spacecraft.dto';
import type { ScChannel } from './sc-channel.entity';
import type { Spacecraft } from './spacecraft.entity';

/** Annex C shapes in and out of the spacecraft entities. */

export interface ScChannelView {
  channelId: string;
  direction: ScChannel['direction'];
  modulation: string;
  frequency: number;
  bandwidth: number;
  bitrate: number;
  polarization: ScChannel['polarization'];
}

export interface SpacecraftView {
  identifier: string;
  callsign: string;
  /** Null until learned from the first TLE, when the configuration did not give it. */
  noradId: number | null;
  tracking: { tle?: { name?: string; line1: string; line2: string }; url?: string; spacecraftId?: string };
  channels: ScChannelView[];
  /** Null when not configured: the spacecraft can be booked, its slots cannot be relayed. */
  csp: CspSettings | null;
  /** Read-only: where the TLE stands. Leave it out when sending the configuration back. */
  status: {
    tleEpoch: string | null;
    tleAgeDays: number | null;
    tleUpdatedAt: string | null;
    lastRefreshAt: string | null;
    lastRefreshError: string | null;
    warnings: string[];
  };
}

export function scChannelView(channel: ScChannel): ScChannelView {
  return {
    channelId: channel.channelId,
    direction: channel.direction,
    modulation: channel.modulation,
    frequency: channel.frequencyHz,
    bandwidth: channel.bandwidthHz,
    bitrate: channel.bitrateBps,
    polarization: channel.polarization,
  };
}

export function spacecraftView(
  spacecraft: Spacecraft,
  channels: ScChannel[],
  now: Date,
  maxAgeDays: number,
): SpacecraftView {
  const tle = tleOf(spacecraft);
  const ageDays = tle ? Math.round(tleAgeDays(tle, now) * 10) / 10 : null;
  return {
    identifier: spacecraft.identifier,
    callsign: spacecraft.callsign,
    noradId: spacecraft.noradId,
    tracking: {
      ...(tle
        ? { tle: { ...(tle.name ? { name: tle.name } : {}), line1: tle.line1, line2: tle.line2 } }
        : {}),
      ...(spacecraft.trackingUrl ? { url: spacecraft.trackingUrl } : {}),
      ...(spacecraft.trackingSpacecraftId ? { spacecraftId: spacecraft.trackingSpacecraftId } : {}),
    },
    channels: byChannelId(channels).map(scChannelView),
    csp: cspSettingsOf(spacecraft),
    status: {
      tleEpoch: spacecraft.tleEpoch?.toISOString() ?? null,
      tleAgeDays: ageDays,
      tleUpdatedAt: spacecraft.tleUpdatedAt?.toISOString() ?? null,
      lastRefreshAt: spacecraft.lastRefreshAt?.toISOString() ?? null,
      lastRefreshError: spacecraft.lastRefreshError,
      warnings: tleWarnings(spacecraft, ageDays, maxAgeDays),
    },
  };
}

function tleWarnings(spacecraft: Spacecraft, ageDays: number | null, maxAgeDays: number): string[] {
  const warnings: string[] = [];
  if (ageDays === null) warnings.push('no TLE yet: passes cannot be predicted until one is given or fetched');
  else if (ageDays > maxAgeDays)
    warnings.push(`the TLE epoch is ${ageDays} days old (more than ${maxAgeDays}); predictions may be off`);
  if (spacecraft.cspVersion === null)
    warnings.push('no CSP settings (csp): slots can be booked but not relayed until they are set');
  if (spacecraft.lastRefreshError)
    warnings.push(`the last TLE refresh failed: ${spacecraft.lastRefreshError}`);
  return warnings;
}

/** The CSP settings frames are checked against, or null when none were configured. */
export function cspSettingsOf(spacecraft: Spacecraft): CspSettings | null {
  const { cspVersion, cspAddresses, cspUplinkPorts, cspDownlinkPorts } = spacecraft;
  if (cspVersion === null || !cspAddresses || !cspUplinkPorts || !cspDownlinkPorts) return null;
  return {
    version: cspVersion,
    addresses: cspAddresses,
    uplinkPorts: cspUplinkPorts,
    downlinkPorts: cspDownlinkPorts,
  };
}

/** The TLE in use, or null when none is known yet. */
export function tleOf(spacecraft: Spacecraft): Tle | null {
  if (!spacecraft.tleLine1 || !spacecraft.tleLine2) return null;
  return parseTle(spacecraft.tleLine1, spacecraft.tleLine2, spacecraft.tleName ?? undefined);
}

export function withTle(spacecraft: Spacecraft, tle: Tle, now: Date): Spacecraft {
  return {
    ...spacecraft,
    // A catalogue number not given is learned from the first TLE; later ones must match it.
    noradId: spacecraft.noradId ?? tle.noradId,
    tleName: tle.name ?? null,
    tleLine1: tle.line1,
    tleLine2: tle.line2,
    tleEpoch: tle.epoch,
    tleUpdatedAt: now,
  };
}

export function applySpacecraftConfig(spacecraft: Spacecraft, dto: SpacecraftConfigDto): Spacecraft {
  return {
    ...spacecraft,
    callsign: dto.callsign,
    noradId: dto.noradId ?? null, // omitted: learned from the TLE (withTle)
    trackingUrl: dto.tracking.url ?? null,
    trackingSpacecraftId: dto.tracking.url ? (dto.tracking.spacecraftId ?? dto.identifier) : null,
    cspVersion: dto.csp?.version ?? null,
    cspAddresses: dto.csp ? [...new Set(dto.csp.addresses)] : null,
    cspUplinkPorts: dto.csp ? [...new Set(dto.csp.uplinkPorts)] : null,
    cspDownlinkPorts: dto.csp ? [...new Set(dto.csp.downlinkPorts)] : null,
  };
}

export function scChannelFromDto(spacecraftId: string, dto: ScChannelDto): ScChannel {
  return {
    id: randomUUID(),
    spacecraftId,
    channelId: dto.channelId,
    direction: dto.direction,
    modulation: dto.modulation,
    frequencyHz: dto.frequency,
    bandwidthHz: dto.bandwidth,
    bitrateBps: dto.bitrate,
    polarization: dto.polarization,
  };
}

/**
 * Rules a DTO cannot express alone; returns the TLE given directly, if any. A bad TLE throws
 * INVALID_TLE saying which line is wrong and how.
 */
export function checkSpacecraftConfig(dto: SpacecraftConfigDto): Tle | null {
  const problems: FieldError[] = [...duplicateChannelIds(dto.channels.map((channel) => channel.channelId))];
  const { tle, url } = dto.tracking;
  if (!tle && !url)
    problems.push({
      field: 'tracking',
      message: 'give a TLE (tracking.tle) or a TLE file URL (tracking.url)',
    });
  if (!url && dto.tracking.spacecraftId)
    problems.push({
      field: 'tracking.spacecraftId',
      message: 'names an entry of the file at tracking.url, which is missing',
    });
  if (url && !URL.canParse(url.includes('://') ? url : `https://${url}`))
    problems.push({ field: 'tracking.url', message: 'must be a URL' });
  if (dto.csp?.version === 1)
    dto.csp.addresses.forEach((address, index) => {
      if (address > 31)
        problems.push({ field: `csp.addresses.${index}`, message: 'CSP v1 addresses are 0–31' });
    });
  if (problems.length > 0) throw new ValidationFailedError(problems);
  if (!tle) return null;
  const parsed = parseTle(tle.line1, tle.line2, tle.name);
  checkNoradId(dto.noradId ?? null, parsed);
  return parsed;
}

/** A TLE must be for the spacecraft's catalogue number, once that is known. */
export function checkNoradId(noradId: number | null, tle: Tle): void {
  if (noradId !== null && tle.noradId !== noradId)
    throw new ValidationFailedError([
      { field: 'noradId', message: `is ${noradId} but the TLE is for catalogue number ${tle.noradId}` },
    ]);
}
