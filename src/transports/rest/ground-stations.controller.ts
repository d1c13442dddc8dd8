// SPDX-License-Identifier: Apache-2.0
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '../../common/request-context';
import { ListDto } from '../../annex-d-configuration/dto/annex-d-configuration.dto';
import { GroundStationConfigDto, GsChannelDto } from '../../stations/dto/ground-station.dto';
import { GroundStationsService } from '../../stations/ground-stations.service';
import { Ctx } from './auth';
import { ApiDoc } from './openapi';
import { arrayOf, GROUND_STATION, GS_CHANNEL } from './openapi-schemas';

@ApiTags('ground stations')
@ApiBearerAuth()
@Controller('api/ground-stations')
export class GroundStationsController {
  constructor(private readonly stations: GroundStationsService) {}

  @ApiDoc({
    summary: 'Create a ground station (Annex C GroundStationConfiguration)',
    ok: { status: 201, schema: GROUND_STATION },
    body: true,
    errors: ['IDENTIFIER_TAKEN'],
  })
  @Post()
  create(@Ctx() ctx: RequestContext, @Body() body: GroundStationConfigDto) {
    return this.stations.create(ctx, body);
  }

  @ApiDoc({
    summary: 'Ground stations: your documents and the public summaries of the others',
    ok: { schema: arrayOf(GROUND_STATION) },
    errors: ['VALIDATION_FAILED'],
  })
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: ListDto) {
    return this.stations.list(ctx, query.mine);
  }

  @ApiDoc({
    summary: 'One ground station (the public summary for non-owners)',
    ok: { schema: GROUND_STATION },
    errors: ['GROUND_STATION_NOT_FOUND'],
  })
  @Get(':identifier')
  get(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.stations.get(ctx, identifier);
  }

  @ApiDoc({
    summary: 'Replace a ground station (its slots are recomputed)',
    ok: { schema: GROUND_STATION },
    body: true,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND'],
  })
  @Put(':identifier')
  replace(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: GroundStationConfigDto,
  ) {
    return this.stations.replace(ctx, identifier, body);
  }

  @ApiDoc({
    summary: 'Delete a ground station (booked slots are cancelled, the other side is told)',
    ok: null,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND'],
  })
  @Delete(':identifier')
  @HttpCode(204)
  delete(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.stations.delete(ctx, identifier);
  }

  @ApiDoc({
    summary: "A ground station's channels",
    ok: { schema: arrayOf(GS_CHANNEL) },
    errors: ['GROUND_STATION_NOT_FOUND'],
  })
  @Get(':identifier/channels')
  channels(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.stations.listChannels(ctx, identifier);
  }

  @ApiDoc({
    summary: 'Add a channel to a ground station',
    ok: { status: 201, schema: GS_CHANNEL },
    body: true,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND', 'CHANNEL_EXISTS'],
  })
  @Post(':identifier/channels')
  addChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: GsChannelDto,
  ) {
    return this.stations.putChannel(ctx, identifier, body);
  }

  @ApiDoc({
    summary: "One of a ground station's channels",
    ok: { schema: GS_CHANNEL },
    errors: ['GROUND_STATION_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
  @Get(':identifier/channels/:channelId')
  channel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
  ) {
    return this.stations.getChannel(ctx, identifier, channelId);
  }

  @ApiDoc({
    summary: "Replace one of a ground station's channels",
    ok: { schema: GS_CHANNEL },
    body: true,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
  @Put(':identifier/channels/:channelId')
  replaceChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
    @Body() body: GsChannelDto,
  ) {
    return this.stations.putChannel(ctx, identifier, body, channelId);
  }

  @ApiDoc({
    summary: "Delete one of a ground station's channels",
    ok: null,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
  @Delete(':identifier/channels/:channelId')
  @HttpCode(204)
  deleteChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
  ) {
    return this.stations.deleteChannel(ctx, identifier, channelId);
  }
}
