// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { assertCanManage } from '../common/ownership';
import type { Actor } from '../common/request-context';
import { BookingService } from '../booking/booking.service';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationsService } from '../stations/ground-stations.service';
import { PacketFeed } from './packet-feed';
import { PacketsRepository } from './packets.repository';
import {
  REPLAY_FIELDS,
  type ReplayOwner,
  type ReplayPacket,
  type ReplayRequest,
  type ReplaySink,
  ReplayStream,
} from './replay-stream';

/** Whose packets a subscription names (docs/protocol.md §16.2): one spacecraft or one station. */
export type ReplaySubject = { side: 'spacecraft' | 'station'; identifier: string };

/** A replay subscription's owner and slot, once the caller's right to them has been checked. */
export interface ReplayTarget {
  owner: ReplayOwner;
  slotId?: string;
}

/**
 * The replay streams' use cases (docs/protocol.md §16): who may replay a spacecraft's or a
 * station's packets, and streams that read the archive (PacketsRepository.page) and then follow
 * the PacketFeed.
 */
@Injectable()
export class PacketReplayService {
  private readonly stationIdentifiers = new IdentifierCache((id) => this.stations.findById(id));
  private readonly spacecraftIdentifiers = new IdentifierCache((id) => this.spacecraft.findById(id));

  constructor(
    private readonly packets: PacketsRepository,
    private readonly feed: PacketFeed,
    private readonly spacecraft: SpacecraftService,
    private readonly stations: GroundStationsService,
    private readonly booking: BookingService,
    private readonly clock: Clock,
  ) {}

  /**
   * The spacecraft or station, if `actor` owns it (or is an admin), and the slot, if it is one of
   * its slots: SPACECRAFT_NOT_FOUND, GROUND_STATION_NOT_FOUND, NOT_OWNER, SLOT_NOT_FOUND. The slot
   * is looked up only once the owner is checked: another user's slots are never confirmed.
   */
  async target(actor: Actor, subject: ReplaySubject, slotId?: string): Promise<ReplayTarget> {
    const owner = await this.owner(actor, subject);
    if (slotId === undefined) return { owner };
    const slot = await this.booking.findSlot(slotId);
    const ofOwner =
      slot !== null &&
      (owner.spacecraftId !== undefined
        ? slot.spacecraftId === owner.spacecraftId
        : slot.stationId === owner.stationId);
    if (!ofOwner) throw new NotFoundError('SLOT_NOT_FOUND', `${describe(subject)} has no slot ${slotId}`);
    return { owner, slotId };
  }

  private async owner(actor: Actor, subject: ReplaySubject): Promise<ReplayOwner> {
    const { side, identifier } = subject;
    if (side === 'spacecraft') {
      const spacecraft = await this.spacecraft.findByIdentifier(identifier);
      if (!spacecraft) throw new NotFoundError('SPACECRAFT_NOT_FOUND', `no ${describe(subject)}`);
      assertCanManage(actor, spacecraft.ownerId, describe(subject));
      return { spacecraftId: spacecraft.id };
    }
    const station = await this.stations.findByIdentifier(identifier);
    if (!station) throw new NotFoundError('GROUND_STATION_NOT_FOUND', `no ${describe(subject)}`);
    assertCanManage(actor, station.ownerId, describe(subject));
    return { stationId: station.id };
  }

  /** A stream of `request` into `sink`; the caller runs it (`run()`) and stops it. */
  stream(request: ReplayRequest, sink: ReplaySink): ReplayStream {
    return new ReplayStream(
      request,
      {
        page: (query) => this.packets.page(query, REPLAY_FIELDS),
        subscribe: (topic, listener) => this.feed.subscribe(topic, listener),
        now: () => this.clock.now(),
        prepare: (packets) => this.prepare(packets),
      },
      sink,
    );
  }

  /** The identifier of the station that carried `packet` (loaded by the stream before it is sent). */
  groundStation(packet: ReplayPacket): string | null {
    return this.stationIdentifiers.get(packet.stationId);
  }

  /** The identifier of `packet`'s spacecraft; null for a non-scheduled frame nobody was matched to. */
  spacecraftOf(packet: ReplayPacket): string | null {
    return this.spacecraftIdentifiers.get(packet.spacecraftId);
  }

  private async prepare(packets: readonly ReplayPacket[]): Promise<void> {
    await this.stationIdentifiers.load(packets.map(({ stationId }) => stationId));
    await this.spacecraftIdentifiers.load(packets.map(({ spacecraftId }) => spacecraftId));
  }
}

/**
 * Identifiers by id, loaded once each: a station's or spacecraft's identifier never changes, and
 * a stream meets few of them (its packets come in runs of one slot).
 */
class IdentifierCache {
  private readonly known = new Map<string, string | null>();

  constructor(private readonly find: (id: string) => Promise<{ identifier: string } | null>) {}

  get(id: string | null): string | null {
    return id === null ? null : (this.known.get(id) ?? null);
  }

  async load(ids: readonly (string | null)[]): Promise<void> {
    for (const id of new Set(ids))
      if (id !== null && !this.known.has(id)) this.known.set(id, (await this.find(id))?.identifier ?? null);
  }
}

function describe({ side, identifier }: ReplaySubject): string {
  return `${side === 'spacecraft' ? 'spacecraft' : 'ground station'} "${identifier}"`;
}
