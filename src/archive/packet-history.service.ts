// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { canManage } from '../common/ownership';
import { type RequestContext, requireActor } from '../common/request-context';
import type { Packet } from '../relay/packet.entity';
import { PacketsRepository, type PacketPosition } from '../relay/packets.repository';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationsService } from '../stations/ground-stations.service';
import {
  type ExportFormat,
  PACKET_PAGE,
  type PacketExportQueryDto,
  type PacketFilterDto,
  type PacketHistoryQueryDto,
} from './dto/packet-history.dto';
import { binaryHeader, binaryRecords } from './packet-binary-format';
import { type BoundQuery, decodePacketCursor, encodePacketCursor } from './packet-cursor';
import { type PacketNames, packetView, type PacketView } from './packet-views';

/** Whose archive a call reads: a station's, a spacecraft's, or whichever the identifier names. */
export type ArchiveSide = 'station' | 'spacecraft' | 'either';

export interface PacketPage {
  packets: PacketView[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface PacketExport {
  filename: string;
  contentType: string;
  /** The file, produced page by page as it is read: never the whole result in memory. */
  chunks: AsyncIterable<Buffer>;
}

/** Rows read per statement while exporting: large enough to amortise a query, small in memory. */
export const EXPORT_PAGE_ROWS = 1000;

const DAY_MS = 86_400_000;
const CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson',
  binary: 'application/octet-stream',
};
const EXTENSIONS: Record<ExportFormat, string> = { jsonl: 'jsonl', binary: 'snpk' };

/**
 * The packet archive as its owners read it (docs/api.md "Packet history"): pages of a station's
 * or a spacecraft's packets, and whole slots or time ranges as files. Reads go through
 * PacketsRepository.page only, in (serverReceivedAt, id) order.
 */
@Injectable()
export class PacketHistoryService {
  constructor(
    private readonly packets: PacketsRepository,
    private readonly stations: GroundStationsService,
    private readonly spacecraft: SpacecraftService,
  ) {}

  async page(
    ctx: RequestContext,
    side: ArchiveSide,
    identifier: string,
    query: PacketHistoryQueryDto,
  ): Promise<PacketPage> {
    const bound = await this.bind(ctx, side, identifier, query);
    const after = query.cursor === undefined ? undefined : decodePacketCursor(query.cursor, bound);
    const limit = query.limit ?? PACKET_PAGE.defaultLimit;
    // One more than shown tells whether another page follows.
    const rows = await this.packets.page({ ...bound, after, limit: limit + 1 });
    const shown = rows.slice(0, limit);
    const names = new NameCache(this.stations, this.spacecraft);
    const last = shown.at(-1);
    return {
      packets: await names.views(shown),
      nextCursor: rows.length > limit && last ? encodePacketCursor(position(last), bound) : null,
    };
  }

  /** Checks the query and the caller's right to it before any byte of the file is produced. */
  async export(
    ctx: RequestContext,
    side: ArchiveSide,
    identifier: string,
    query: PacketExportQueryDto,
  ): Promise<PacketExport> {
    const bound = await this.bind(ctx, side, identifier, query);
    const scope = query.slotId ?? `${query.from ?? 'start'}_${query.to ?? 'now'}`;
    return {
      filename: `${identifier}-packets-${scope}.${EXTENSIONS[query.format]}`.replace(/[^\w.-]/g, '_'),
      contentType: CONTENT_TYPES[query.format],
      chunks: query.format === 'jsonl' ? this.jsonLines(bound) : this.binary(bound),
    };
  }

  private async *jsonLines(bound: BoundQuery): AsyncGenerator<Buffer> {
    const names = new NameCache(this.stations, this.spacecraft);
    for await (const rows of this.pages(bound)) {
      const views = await names.views(rows);
      yield Buffer.from(views.map((view) => `${JSON.stringify(view)}\n`).join(''));
    }
  }

  private async *binary(bound: BoundQuery): AsyncGenerator<Buffer> {
    yield binaryHeader();
    for await (const rows of this.pages(bound)) yield binaryRecords(rows);
  }

  /** Every packet of the query, EXPORT_PAGE_ROWS at a time, up to the last one committed. */
  private async *pages(bound: BoundQuery): AsyncGenerator<Packet[]> {
    let after: PacketPosition | undefined;
    for (;;) {
      const rows = await this.packets.page({ ...bound, after, limit: EXPORT_PAGE_ROWS });
      if (rows.length > 0) yield rows;
      if (rows.length < EXPORT_PAGE_ROWS) return;
      after = position(rows[rows.length - 1]);
    }
  }

  /** The repository query for a client's filters, once they are valid and the archive is the caller's. */
  private async bind(
    ctx: RequestContext,
    side: ArchiveSide,
    identifier: string,
    filter: PacketFilterDto,
  ): Promise<BoundQuery> {
    const range = checkRange(filter);
    const owner = await this.owner(ctx, side, identifier);
    return {
      ...owner,
      slotId: filter.slotId,
      direction: filter.direction,
      outcomes: filter.outcome,
      ...range,
    };
  }

  /**
   * Another user's station or spacecraft reads exactly like one that does not exist (the same
   * code and message): the archive never tells who else has what.
   */
  private async owner(
    ctx: RequestContext,
    side: ArchiveSide,
    identifier: string,
  ): Promise<{ spacecraftId: string } | { stationId: string }> {
    const actor = requireActor(ctx);
    const spacecraft = side === 'station' ? null : await this.spacecraft.findByIdentifier(identifier);
    if (spacecraft && canManage(actor, spacecraft.ownerId)) return { spacecraftId: spacecraft.id };
    const station = side === 'spacecraft' ? null : await this.stations.findByIdentifier(identifier);
    if (station && canManage(actor, station.ownerId)) return { stationId: station.id };
    if (side === 'spacecraft')
      throw new NotFoundError('SPACECRAFT_NOT_FOUND', `no spacecraft "${identifier}"`);
    if (side === 'station')
      throw new NotFoundError('GROUND_STATION_NOT_FOUND', `no ground station "${identifier}"`);
    throw new NotFoundError('IDENTIFIER_NOT_FOUND', `no ground station or spacecraft "${identifier}"`);
  }
}

/**
 * A query without a slot reads a time range no wider than PACKET_PAGE.maxRangeDays: a filter on
 * direction or outcome scans the owner's packets in that range, so the range bounds what one
 * page may cost. A slot bounds it by itself.
 */
function checkRange(filter: PacketFilterDto): { from?: Date; to?: Date } {
  const from = filter.from === undefined ? undefined : new Date(filter.from);
  const to = filter.to === undefined ? undefined : new Date(filter.to);
  const needed = 'is required without slotId';
  if (filter.slotId === undefined && (!from || !to))
    throw new ValidationFailedError([
      ...(from ? [] : [{ field: 'from', message: needed }]),
      ...(to ? [] : [{ field: 'to', message: needed }]),
    ]);
  if (from && to && to <= from)
    throw new ValidationFailedError([{ field: 'to', message: 'must be after from' }]);
  if (from && to && to.getTime() - from.getTime() > PACKET_PAGE.maxRangeDays * DAY_MS)
    throw new ValidationFailedError([
      { field: 'to', message: `must be at most ${PACKET_PAGE.maxRangeDays} days after from` },
    ]);
  return { from, to };
}

function position(packet: Packet): PacketPosition {
  return { time: packet.serverReceivedAt, id: packet.id };
}

/** Identifiers (and CSP versions) of the stations and spacecraft a run of packets names, each read once. */
class NameCache {
  private readonly stationNames = new Map<string, Promise<string | null>>();
  private readonly spacecraftNames = new Map<string, Promise<PacketNames['spacecraft']>>();

  constructor(
    private readonly stations: GroundStationsService,
    private readonly spacecraft: SpacecraftService,
  ) {}

  /** Names each distinct station and spacecraft once, then maps the packets without awaiting. */
  async views(packets: readonly Packet[]): Promise<PacketView[]> {
    const stations = new Map<string, string | null>();
    const craft = new Map<string, PacketNames['spacecraft']>();
    for (const packet of packets) {
      if (packet.stationId !== null) stations.set(packet.stationId, null);
      if (packet.spacecraftId !== null) craft.set(packet.spacecraftId, null);
    }
    for (const id of stations.keys()) stations.set(id, await this.station(id));
    for (const id of craft.keys()) craft.set(id, await this.craft(id));
    return packets.map((packet) =>
      packetView(packet, {
        groundStation: packet.stationId === null ? null : (stations.get(packet.stationId) ?? null),
        spacecraft: packet.spacecraftId === null ? null : (craft.get(packet.spacecraftId) ?? null),
      }),
    );
  }

  private station(id: string): Promise<string | null> {
    let name = this.stationNames.get(id);
    if (!name) {
      name = this.stations.findById(id).then((station) => station?.identifier ?? null);
      this.stationNames.set(id, name);
    }
    return name;
  }

  private craft(id: string): Promise<PacketNames['spacecraft']> {
    let name = this.spacecraftNames.get(id);
    if (!name) {
      name = this.spacecraft
        .findById(id)
        .then((found) => (found ? { identifier: found.identifier, cspVersion: found.cspVersion } : null));
      this.spacecraftNames.set(id, name);
    }
    return name;
  }
}
