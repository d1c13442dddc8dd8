// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { KeyedQueue } from '../common/keyed-queue';
import { assertCanManage } from '../common/ownership';
import { type RequestContext, requireActor } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type CspVersion, decodeCspHeader } from '../csp/csp-header';
import { Database } from '../database/database.service';
import { ByteRateLimit } from '../relay/byte-rate-limit';
import { PacketFeed } from '../relay/packet-feed';
import type { Packet } from '../relay/packet.entity';
import { Metrics } from '../metrics/metrics.service';
import { type PacketRecord, PacketsRepository, type StoredKey } from '../relay/packets.repository';
import type { Spacecraft } from '../spacecraft/spacecraft.entity';
import { cspSettingsOf, tleOf } from '../spacecraft/spacecraft-mapper';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import type { GroundStation } from '../stations/ground-station.entity';
import { GroundStationsService } from '../stations/ground-stations.service';
import { type Tle, TleError } from '../orbit/tle';
import { groundSite } from '../stations/station-mapper';
import { Attributor } from './attribution';
import './non-scheduled-events';
import { type CheckedFrame, checkUpload, type UploadFrame, type UploadLimits } from './upload-check';

export type { UploadFrame } from './upload-check';

/** Frame bytes in one upload at most (with base64, a full upload stays under the 1 MiB HTTP body limit). */
export const MAX_UPLOAD_BYTES = 512 * 1024;

export interface FrameOutcome {
  index: number;
  /** STORED: this upload stored it; DUPLICATE: it was stored before (or earlier in this upload). */
  status: 'STORED' | 'DUPLICATE';
  /** The packet's id in the archive (the earlier copy's, for a duplicate). */
  id: number;
  /** The spacecraft it is attributed to, or null. */
  spacecraft: string | null;
}

export interface UploadResult {
  groundStation: string;
  stored: number;
  duplicates: number;
  attributed: number;
  frames: FrameOutcome[];
}

/**
 * The Non-Scheduled Communications Service (seed 003 "Non-SCS"; docs/api.md "Non-scheduled
 * frames"): a station's owner uploads frames the station heard outside any slot. Each is
 * attributed to a spacecraft when one fits (attribution.ts), stored once in the packet archive
 * (outcome NON_SCHEDULED, no slot), published on the PacketFeed after the commit, and the owners
 * of the spacecraft that got frames are told (`nonScheduled.attributed`).
 */
@Injectable()
export class NonScheduledService {
  private readonly logger = new Logger(NonScheduledService.name);
  private readonly rates = new Map<string, ByteRateLimit>();
  private readonly stationQueue = new KeyedQueue();
  private readonly limits: UploadLimits;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly stations: GroundStationsService,
    private readonly spacecraft: SpacecraftService,
    private readonly packets: PacketsRepository,
    private readonly feed: PacketFeed,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
  ) {
    const { maxFramesPerUpload, stationBytesPerSecond } = config.nonScheduled;
    this.limits = {
      maxFrames: maxFramesPerUpload,
      maxFrameBytes: config.relay.maxCspFrameBytes,
      // Never more than the rate limit lets through at once, or such an upload could never pass.
      maxUploadBytes: Math.min(MAX_UPLOAD_BYTES, ByteRateLimit.burstBytes(stationBytesPerSecond)),
      maxClockSkewSeconds: config.relay.maxClockSkewSeconds,
    };
  }

  get uploadLimits(): Readonly<UploadLimits> {
    return this.limits;
  }

  async upload(
    ctx: RequestContext,
    stationIdentifier: string,
    frames: readonly UploadFrame[],
  ): Promise<UploadResult> {
    const actor = requireActor(ctx);
    const { station } = await this.stations.load(stationIdentifier);
    assertCanManage(actor, station.ownerId, `ground station "${stationIdentifier}"`);
    const received = this.clock.now();
    const checked = checkUpload(station.id, frames, this.limits, received);
    const bytes = checked.reduce((sum, frame) => sum + frame.data.length, 0);
    this.takeRate(station.id, bytes, received.getTime());

    const firsts = firstOfEachKey(checked);
    const everySpacecraft = await this.spacecraft.all();
    const attributed = this.attribute(station, everySpacecraft, firsts);
    const versions = new Map(everySpacecraft.map((spacecraft) => [spacecraft.id, spacecraft.cspVersion]));
    const rows = firsts.map((frame, i) => {
      const spacecraftId = attributed[i];
      // Unattributed, the frame's CSP version is unknown: its header columns read it as v1.
      const version = spacecraftId ? (versions.get(spacecraftId) ?? 1) : 1;
      return packetRecord(station, frame, spacecraftId, version, received);
    });
    // One upload per station at a time in this process: of two concurrent uploads of the same
    // frame, exactly one reports it STORED (and publishes it); the unique index still keeps
    // server instances from storing it twice.
    const { stored, byKey } = await this.stationQueue.run([station.id], () =>
      this.db.transaction(
        async () => {
          const written = await this.packets.insertNewByDedupKey(rows);
          await this.announce(station, everySpacecraft, written.stored);
          return written;
        },
        { readCommitted: true },
      ),
    );
    this.feed.publish(stored);
    for (const packet of stored) this.metrics.frameLogged(packet);
    const result = uploadResult(station, checked, stored, byKey, everySpacecraft);
    this.logger.log(
      {
        station: station.identifier,
        stored: result.stored,
        duplicates: result.duplicates,
        attributed: result.attributed,
      },
      'non-scheduled frames uploaded',
    );
    return result;
  }

  /** RATE_LIMITED with retryAfterSeconds too, which REST turns into Retry-After. */
  private takeRate(stationId: string, bytes: number, nowMs: number): void {
    let rate = this.rates.get(stationId);
    if (!rate) {
      rate = new ByteRateLimit(this.config.nonScheduled.stationBytesPerSecond, 'this station', 'the upload');
      this.rates.set(stationId, rate);
    }
    try {
      rate.take(bytes, nowMs);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'RATE_LIMITED') throw error;
      const retryAfterMs = Number(error.details?.retryAfterMs);
      throw new DomainError('RATE_LIMITED', 'RATE_LIMITED', error.message, {
        retryAfterMs,
        retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
      });
    }
  }

  private attribute(station: GroundStation, all: Spacecraft[], frames: CheckedFrame[]): (string | null)[] {
    // A spacecraft without CSP settings has no address a frame could be matched by.
    const candidates = all.flatMap((spacecraft) => {
      const csp = cspSettingsOf(spacecraft);
      return csp
        ? [
            {
              spacecraftId: spacecraft.id,
              version: csp.version,
              addresses: csp.addresses,
              tle: safeTle(spacecraft),
            },
          ]
        : [];
    });
    const marginMs = this.config.nonScheduled.passMarginSeconds * 1000;
    return new Attributor(candidates, groundSite(station), marginMs).attribute(frames);
  }

  /** One event per spacecraft that got frames; delivered after the commit. */
  private async announce(station: GroundStation, all: Spacecraft[], stored: Packet[]): Promise<void> {
    const bySpacecraft = new Map<string, Packet[]>();
    for (const packet of stored) {
      if (!packet.spacecraftId) continue;
      const packets = bySpacecraft.get(packet.spacecraftId) ?? [];
      packets.push(packet);
      bySpacecraft.set(packet.spacecraftId, packets);
    }
    for (const [spacecraftId, packets] of bySpacecraft) {
      const spacecraft = all.find((candidate) => candidate.id === spacecraftId) as Spacecraft;
      const times = packets.map((packet) => (packet.gsTimestamp as Date).getTime());
      await this.events.publish('nonScheduled.attributed', {
        spacecraftId,
        spacecraft: spacecraft.identifier,
        ownerId: spacecraft.ownerId,
        groundStation: station.identifier,
        count: packets.length,
        from: new Date(Math.min(...times)).toISOString(),
        to: new Date(Math.max(...times)).toISOString(),
      });
    }
  }
}

/** The first frame of each dedupKey, in upload order (a frame sent twice in one upload is stored once). */
function firstOfEachKey(frames: CheckedFrame[]): CheckedFrame[] {
  const seen = new Set<string>();
  return frames.filter((frame) => !seen.has(frame.dedupKey) && seen.add(frame.dedupKey));
}

/** A spacecraft whose stored TLE no longer parses cannot be matched by pass, only skipped. */
function safeTle(spacecraft: Spacecraft): Tle | null {
  try {
    return tleOf(spacecraft);
  } catch (error) {
    if (error instanceof TleError) return null;
    throw error;
  }
}

function packetRecord(
  station: GroundStation,
  frame: CheckedFrame,
  spacecraftId: string | null,
  version: CspVersion,
  received: Date,
): PacketRecord {
  const header = decodeCspHeader(version, frame.data);
  return {
    slotId: null,
    stationId: station.id,
    spacecraftId,
    sequence: null,
    frequencyHz: frame.frequencyHz,
    dedupKey: frame.dedupKey,
    fromSide: 'station',
    direction: 'DOWNLINK',
    frameBytes: frame.data.length,
    data: frame.data,
    clientTimestamp: frame.clientTimestamp,
    serverReceivedAt: received,
    gsTimestamp: frame.gsTime,
    dopplerShiftHz: null,
    outcome: 'NON_SCHEDULED',
    rejectRule: null,
    cspSource: header.source,
    cspDestination: header.destination,
    cspSourcePort: header.sourcePort,
    cspDestinationPort: header.destinationPort,
  };
}

function uploadResult(
  station: GroundStation,
  checked: CheckedFrame[],
  stored: Packet[],
  byKey: Map<string, StoredKey>,
  everySpacecraft: Spacecraft[],
): UploadResult {
  const storedIds = new Set(stored.map((packet) => packet.id));
  const identifiers = new Map(everySpacecraft.map((spacecraft) => [spacecraft.id, spacecraft.identifier]));
  const claimed = new Set<number>();
  const frames = checked.map((frame): FrameOutcome => {
    const { id, spacecraftId } = byKey.get(frame.dedupKey) as StoredKey;
    // The first frame of a key that this upload stored is STORED; any other copy is a duplicate.
    const isNew = storedIds.has(id) && !claimed.has(id);
    claimed.add(id);
    return {
      index: frame.index,
      status: isNew ? 'STORED' : 'DUPLICATE',
      id,
      spacecraft: spacecraftId ? (identifiers.get(spacecraftId) ?? null) : null,
    };
  });
  return {
    groundStation: station.identifier,
    stored: stored.length,
    duplicates: checked.length - stored.length,
    attributed: stored.filter((packet) => packet.spacecraftId !== null).length,
    frames,
  };
}
