// SPDX-License-Identifier: Apache-2.0
import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PacketExportQueryDto, PacketHistoryQueryDto } from '../../archive/dto/packet-history.dto';
import {
  type PacketExport,
  PacketHistoryService,
  type PacketPage,
} from '../../archive/packet-history.service';
import type { RequestContext } from '../../common/request-context';
import { Ctx } from './auth';
import { ApiDoc, type OperationDoc } from './openapi';
import { arrayOf, PACKET, PACKET_EXPORT } from './openapi-schemas';

/** The header naming the next page (absent on the last page), as for slot lists. */
const NEXT_CURSOR = 'X-Next-Cursor';
const logger = new Logger('PacketExport');

async function packetPage(page: Promise<PacketPage>, response: Response) {
  const { packets, nextCursor } = await page;
  if (nextCursor) response.setHeader(NEXT_CURSOR, nextCursor);
  return packets;
}

/**
 * Streams the file with backpressure: the next page is read only once the socket took the last
 * one. Errors before the first byte (bad query, not yours) are thrown and answered as usual; a
 * failure mid-file can only cut the connection, so the client sees a truncated download.
 */
async function sendExport(file: Promise<PacketExport>, response: Response): Promise<void> {
  const { filename, contentType, chunks } = await file;
  response.status(200);
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  try {
    for await (const chunk of chunks) {
      if (response.destroyed) return; // the client went away: stop reading the archive
      if (!response.write(chunk)) await drained(response);
    }
    response.end();
  } catch (error) {
    logger.error({ err: error, filename }, 'packet export failed mid-file; connection cut');
    response.destroy();
  }
}

/** Resolves when the socket wants more, or is gone; leaves no listener behind. */
function drained(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

const PAGE_DOC = (
  what: string,
  notFound: 'SPACECRAFT_NOT_FOUND' | 'GROUND_STATION_NOT_FOUND',
): OperationDoc => ({
  summary: `One page of your ${what}'s packets (a slot, or a time range of at most 31 days), oldest first`,
  description: `The next page's cursor is in the ${NEXT_CURSOR} header (absent on the last page); docs/api.md "Packet history".`,
  ok: { schema: arrayOf(PACKET) },
  errors: ['VALIDATION_FAILED', notFound],
});

const EXPORT_DOC = (
  what: string,
  notFound: 'SPACECRAFT_NOT_FOUND' | 'GROUND_STATION_NOT_FOUND',
): OperationDoc => ({
  summary: `Download your ${what}'s packets of a slot or a time range as JSON Lines or SNPK binary`,
  description: 'Streamed as an attachment; formats in docs/api.md "Packet export".',
  ok: { schema: PACKET_EXPORT, mediaTypes: ['application/x-ndjson', 'application/octet-stream'] },
  errors: ['VALIDATION_FAILED', notFound],
});

@ApiTags('packets')
@ApiBearerAuth()
@Controller('api/spacecraft/:identifier/packets')
export class SpacecraftPacketsController {
  constructor(private readonly history: PacketHistoryService) {}

  @ApiDoc(PAGE_DOC('spacecraft', 'SPACECRAFT_NOT_FOUND'))
  @Get()
  packets(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: PacketHistoryQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return packetPage(this.history.page(ctx, 'spacecraft', identifier, query), response);
  }

  @ApiDoc(EXPORT_DOC('spacecraft', 'SPACECRAFT_NOT_FOUND'))
  @Get('export')
  exportPackets(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: PacketExportQueryDto,
    @Res() response: Response,
  ) {
    return sendExport(this.history.export(ctx, 'spacecraft', identifier, query), response);
  }
}

@ApiTags('packets')
@ApiBearerAuth()
@Controller('api/ground-stations/:identifier/packets')
export class StationPacketsController {
  constructor(private readonly history: PacketHistoryService) {}

  @ApiDoc(PAGE_DOC('station', 'GROUND_STATION_NOT_FOUND'))
  @Get()
  packets(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: PacketHistoryQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return packetPage(this.history.page(ctx, 'station', identifier, query), response);
  }

  @ApiDoc(EXPORT_DOC('station', 'GROUND_STATION_NOT_FOUND'))
  @Get('export')
  exportPackets(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: PacketExportQueryDto,
    @Res() response: Response,
  ) {
    return sendExport(this.history.export(ctx, 'station', identifier, query), response);
  }
}
