import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '../../common/request-context';
import { ListDto } from '../../annex-d-configuration/dto/annex-d-configuration.dto';
import { GroundStationConfigDto, GsChannelDto } from '../../stations/dto/ground-station.dto';
import { GroundStationsService } from '../../stations/ground-stations.service';
import { Ctx } from './auth';

@ApiTags('ground stations')
@ApiBearerAuth()
@Controller('api/ground-stations')
export class GroundStationsController {
  constructor(private readonly stations: GroundStationsService) {}

  @Post()
  create(@Ctx() ctx: RequestContext, @Body() body: GroundStationConfigDto) {
    return this.stations.create(ctx, body);
  }

  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: ListDto) {
    return this.stations.list(ctx, query.mine);
  }

  @Get(':identifier')
  get(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.stations.get(ctx, identifier);
  }

  @Put(':identifier')
  replace(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: GroundStationConfigDto,
  ) {
    return this.stations.replace(ctx, identifier, body);
  }

  @Delete(':identifier')
  @HttpCode(204)
  delete(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.stations.delete(ctx, identifier);
  }

  @Get(':identifier/channels')
  channels(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.stations.listChannels(ctx, identifier);
  }

  @Post(':identifier/channels')
  addChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: GsChannelDto,
  ) {
    return this.stations.putChannel(ctx, identifier, body);
  }

  @Get(':identifier/channels/:channelId')
  channel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
  ) {
    return this.stations.getChannel(ctx, identifier, channelId);
  }

  @Put(':identifier/channels/:channelId')
  replaceChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
    @Body() body: GsChannelDto,
  ) {
    return this.stations.putChannel(ctx, identifier, body, channelId);
  }

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
