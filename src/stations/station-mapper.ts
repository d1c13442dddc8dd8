// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { type FieldError, ValidationFailedError } from '../common/errors';
import type { GroundSite } from '../orbit/horizon';
import { byChannelId, duplicateChannelIds } from '../radio/channel-rules';
import type { GroundStationConfigDto, GsChannelDto } from './dto/ground-station.dto';
import type { GroundStation } from './ground-station.entity';
import type { GsChannel } from './gs-channel.entity';

/** Annex C shapes in and out of the ground-station entities. */

export interface GsChannelView {
  channelId: string;
  direction: GsChannel['direction'];
  modulation: string[];
  frequencyRange: { minimum: number; maximum: number };
  bandwidth: number[];
  bitrate: number[];
  polarization: GsChannel['polarizations'];
}

export interface GroundStationView {
  identifier: string;
  callsign: string | null;
  contactElevation: number;
  location: { latitude: number; longitude: number; altitude: number };
  horizonMask: { fromAzimuth: number; toAzimuth: number; minElevation: number }[];
  autoConfirm: boolean;
  channels: GsChannelView[];
}

/** What every user may see of a station that is not theirs. */
export type GroundStationSummary = Pick<GroundStationView, 'identifier' | 'location' | 'channels'>;

export function gsChannelView(channel: GsChannel): GsChannelView {
  return {
    channelId: channel.channelId,
    direction: channel.direction,
    modulation: channel.modulations,
    frequencyRange: { minimum: channel.frequencyMinHz, maximum: channel.frequencyMaxHz },
    bandwidth: channel.bandwidthsHz,
    bitrate: channel.bitratesBps,
    polarization: channel.polarizations,
  };
}

export function stationSummary(station: GroundStation, channels: GsChannel[]): GroundStationSummary {
  return {
    identifier: station.identifier,
    location: { latitude: station.latitudeDeg, longitude: station.longitudeDeg, altitude: station.altitudeM },
    channels: byChannelId(channels).map(gsChannelView),
  };
}

export function stationView(station: GroundStation, channels: GsChannel[]): GroundStationView {
  return {
    ...stationSummary(station, channels),
    callsign: station.callsign,
    contactElevation: station.contactElevationDeg,
    horizonMask: (station.horizonMask ?? []).map((sector) => ({
      fromAzimuth: sector.fromAzimuthDeg,
      toAzimuth: sector.toAzimuthDeg,
      minElevation: sector.minElevationDeg,
    })),
    autoConfirm: station.autoConfirm,
  };
}

/** The station as the orbit code sees it. */
export function groundSite(station: GroundStation): GroundSite {
  return {
    latitudeDeg: station.latitudeDeg,
    longitudeDeg: station.longitudeDeg,
    altitudeM: station.altitudeM,
    minElevationDeg: station.contactElevationDeg,
    horizonMask: station.horizonMask ?? undefined,
  };
}

export function applyStationConfig(station: GroundStation, dto: GroundStationConfigDto): GroundStation {
  return {
    ...station,
    callsign: dto.callsign ?? null,
    contactElevationDeg: dto.contactElevation,
    latitudeDeg: dto.location.latitude,
    longitudeDeg: dto.location.longitude,
    altitudeM: dto.location.altitude,
    horizonMask: dto.horizonMask?.length
      ? dto.horizonMask.map((s) => ({
          fromAzimuthDeg: s.fromAzimuth,
          toAzimuthDeg: s.toAzimuth,
          minElevationDeg: s.minElevation,
        }))
      : null,
    autoConfirm: dto.autoConfirm ?? false,
  };
}

export function gsChannelFromDto(stationId: string, dto: GsChannelDto): GsChannel {
  return {
    id: randomUUID(),
    stationId,
    channelId: dto.channelId,
    direction: dto.direction,
    modulations: [...new Set(dto.modulation)],
    frequencyMinHz: dto.frequencyRange.minimum,
    frequencyMaxHz: dto.frequencyRange.maximum,
    bandwidthsHz: [...new Set(dto.bandwidth)],
    bitratesBps: [...new Set(dto.bitrate)],
    polarizations: [...new Set(dto.polarization)],
  };
}

/** Rules a DTO cannot express alone: ranges in order, channel ids unique, mask sectors non-empty. */
export function checkStationConfig(dto: GroundStationConfigDto): void {
  const problems: FieldError[] = [];
  dto.channels.forEach((channel, index) =>
    problems.push(...gsChannelProblems(channel, `channels.${index}.`)),
  );
  problems.push(...duplicateChannelIds(dto.channels.map((channel) => channel.channelId)));
  dto.horizonMask?.forEach((sector, index) => {
    if (sector.fromAzimuth === sector.toAzimuth)
      problems.push({ field: `horizonMask.${index}`, message: 'fromAzimuth and toAzimuth must differ' });
  });
  if (problems.length > 0) throw new ValidationFailedError(problems);
}

export function checkGsChannel(dto: GsChannelDto): void {
  const problems = gsChannelProblems(dto, '');
  if (problems.length > 0) throw new ValidationFailedError(problems);
}

function gsChannelProblems(channel: GsChannelDto, prefix: string): FieldError[] {
  return channel.frequencyRange.minimum > channel.frequencyRange.maximum
    ? [{ field: `${prefix}frequencyRange`, message: 'minimum must not exceed maximum' }]
    : [];
}
