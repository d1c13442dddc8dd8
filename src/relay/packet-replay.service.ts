// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { assertCanManage } from '../common/ownership';
import type { Actor } from '../common/request-context';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationsService } from '../stations/ground-stations.service';
import { PacketFeed } from './packet-feed';
import { PacketsRepository } from './packets.repository';
import {
  REPLAY_FIELDS,
  type ReplayPacket,
  type ReplayRequest,
  type ReplaySink,
  ReplayStream,
} from './replay-stream';

/** A replay subscription's spacecraft, once its owner has been checked. */
export interface ReplayTarget {
  spacecraftId: string;
  spacecraftIdentifier: string;
}

/**
 * The replay streams' use cases (docs/protocol.md §13.9): who may replay a spacecraft's packets,
 * and streams that read its archive (PacketsRepository.page) and then follow the PacketFeed.
 */
@Injectable()
export class PacketReplayService {
  /** Station identifiers by id: a station's identifier never changes, and there are few. */
  private readonly stationIdentifiers = new Map<string, string | null>();

  constructor(
    private readonly packets: PacketsRepository,
    private readonly feed: PacketFeed,
    private readonly spacecraft: SpacecraftService,
    private readonly stations: GroundStationsService,
    private readonly clock: Clock,
  ) {}

  /** The spacecraft, if `actor` owns it (or is an admin): SPACECRAFT_NOT_FOUND, NOT_OWNER. */
  async target(actor: Actor, spacecraftIdentifier: string): Promise<ReplayTarget> {
    const spacecraft = await this.spacecraft.findByIdentifier(spacecraftIdentifier);
    if (!spacecraft)
      throw new NotFoundError('SPACECRAFT_NOT_FOUND', `no spacecraft "${spacecraftIdentifier}"`);
    assertCanManage(actor, spacecraft.ownerId, `spacecraft "${spacecraftIdentifier}"`);
    return { spacecraftId: spacecraft.id, spacecraftIdentifier: spacecraft.identifier };
  }

  /** A stream of `request` into `sink`; the caller runs it (`run()`) and stops it. */
  stream(request: ReplayRequest, sink: ReplaySink): ReplayStream {
    return new ReplayStream(
      request,
      {
        page: (query) => this.packets.page(query, REPLAY_FIELDS),
        subscribe: (spacecraftId, listener) => this.feed.subscribe(spacecraftId, listener),
        now: () => this.clock.now(),
        prepare: (packets) => this.loadStations(packets),
      },
      sink,
    );
  }

  /** The identifier of the station that carried `packet` (loaded by the stream before it is sent). */
  groundStation(packet: ReplayPacket): string | null {
    return packet.stationId === null ? null : (this.stationIdentifiers.get(packet.stationId) ?? null);
  }

  private async loadStations(packets: readonly ReplayPacket[]): Promise<void> {
    const unknown = new Set<string>();
    for (const { stationId } of packets)
      if (stationId !== null && !this.stationIdentifiers.has(stationId)) unknown.add(stationId);
    for (const id of unknown)
      this.stationIdentifiers.set(id, (await this.stations.findById(id))?.identifier ?? null);
  }
}
