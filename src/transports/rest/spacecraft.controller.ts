import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '../../common/request-context';
import { PassQueryDto } from '../../passes/dto/pass-query.dto';
import { PassPredictionService } from '../../passes/pass-prediction.service';
import { ScChannelDto, SpacecraftConfigDto } from '../../spacecraft/dto/spacecraft.dto';
import { SpacecraftService } from '../../spacecraft/spacecraft.service';
import { Ctx } from './auth';

@ApiTags('spacecraft')
@ApiBearerAuth()
@Controller('api/spacecraft')
export class SpacecraftController {
  constructor(
    private readonly spacecraft: SpacecraftService,
    private readonly passes: PassPredictionService,
  ) {}

  @Post()
  create(@Ctx() ctx: RequestContext, @Body() body: SpacecraftConfigDto) {
    return this.spacecraft.create(ctx, body);
  }

  @Get()
  list(@Ctx() ctx: RequestContext) {
    return this.spacecraft.list(ctx);
  }

  @Get(':identifier')
  get(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.get(ctx, identifier);
  }

  @Put(':identifier')
  replace(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SpacecraftConfigDto,
  ) {
    return this.spacecraft.replace(ctx, identifier, body);
  }

  @Delete(':identifier')
  @HttpCode(204)
  delete(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.delete(ctx, identifier);
  }

  @Post(':identifier/tle/refresh')
  @HttpCode(200)
  refreshTle(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.refreshTle(ctx, identifier);
  }

  @Get(':identifier/compatibility')
  compatibility(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.compatibility(ctx, identifier);
  }

  @Get(':identifier/passes')
  passesOf(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: PassQueryDto,
  ) {
    return this.passes.passes(ctx, identifier, query);
  }

  @Get(':identifier/channels')
  channels(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.listChannels(ctx, identifier);
  }

  @Post(':identifier/channels')
  addChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: ScChannelDto,
  ) {
    return this.spacecraft.putChannel(ctx, identifier, body);
  }

  @Get(':identifier/channels/:channelId')
  channel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
  ) {
    return this.spacecraft.getChannel(ctx, identifier, channelId);
  }

  @Put(':identifier/channels/:channelId')
  replaceChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
    @Body() body: ScChannelDto,
  ) {
    return this.spacecraft.putChannel(ctx, identifier, body, channelId);
  }

  @Delete(':identifier/channels/:channelId')
  @HttpCode(204)
  deleteChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
  ) {
    return this.spacecraft.deleteChannel(ctx, identifier, channelId);
  }
}
