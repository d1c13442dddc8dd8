// SPDX-License-Identifier: Apache-2.0
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '../../common/request-context';
import { PassQueryDto } from '../../passes/dto/pass-query.dto';
import { PassPredictionService } from '../../passes/pass-prediction.service';
import { ScChannelDto, SpacecraftConfigDto } from '../../spacecraft/dto/spacecraft.dto';
import { SpacecraftService } from '../../spacecraft/spacecraft.service';
import { Ctx } from './auth';
import { ApiDoc } from './openapi';
import { arrayOf, COMPATIBILITY, PASS, SC_CHANNEL, SPACECRAFT } from './openapi-schemas';

@ApiTags('spacecraft')
@ApiBearerAuth()
@Controller('api/spacecraft')
export class SpacecraftController {
  constructor(
    private readonly spacecraft: SpacecraftService,
    private readonly passes: PassPredictionService,
  ) {}

  @ApiDoc({
    summary: 'Create a spacecraft (Annex C SpacecraftConfiguration, with NORAD id and CSP settings)',
    description:
      'With a tracking URL and no TLE the TLE is fetched; a failed fetch is reported in status, not as an error.',
    ok: { status: 201, schema: SPACECRAFT },
    body: true,
    errors: ['IDENTIFIER_TAKEN', 'INVALID_TLE'],
  })
  @Post()
  create(@Ctx() ctx: RequestContext, @Body() body: SpacecraftConfigDto) {
    return this.spacecraft.create(ctx, body);
  }

  @ApiDoc({ summary: 'Your spacecraft (an admin: all)', ok: { schema: arrayOf(SPACECRAFT) } })
  @Get()
  list(@Ctx() ctx: RequestContext) {
    return this.spacecraft.list(ctx);
  }

  @ApiDoc({
    summary: 'One of your spacecraft',
    ok: { schema: SPACECRAFT },
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND'],
  })
  @Get(':identifier')
  get(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.get(ctx, identifier);
  }

  @ApiDoc({
    summary: 'Replace a spacecraft (its slots are recomputed)',
    ok: { schema: SPACECRAFT },
    body: true,
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'INVALID_TLE'],
  })
  @Put(':identifier')
  replace(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SpacecraftConfigDto,
  ) {
    return this.spacecraft.replace(ctx, identifier, body);
  }

  @ApiDoc({
    summary: 'Delete a spacecraft (booked slots are cancelled, the other side is told)',
    ok: null,
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND'],
  })
  @Delete(':identifier')
  @HttpCode(204)
  delete(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.delete(ctx, identifier);
  }

  @ApiDoc({
    summary: 'Fetch the TLE from the tracking URL now',
    ok: { schema: SPACECRAFT },
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'NO_TRACKING_URL', 'TLE_REFRESH_FAILED'],
  })
  @Post(':identifier/tle/refresh')
  @HttpCode(200)
  refreshTle(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.refreshTle(ctx, identifier);
  }

  @ApiDoc({
    summary: 'Every (ground station, GS channel, SC channel, direction) that can serve the spacecraft',
    ok: { schema: arrayOf(COMPATIBILITY) },
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND'],
  })
  @Get(':identifier/compatibility')
  compatibility(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.compatibility(ctx, identifier);
  }

  @ApiDoc({
    summary: 'Passes over the stations, with Doppler per compatible channel pair',
    ok: { schema: arrayOf(PASS) },
    errors: ['VALIDATION_FAILED', 'NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'NO_TLE'],
  })
  @Get(':identifier/passes')
  passesOf(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: PassQueryDto,
  ) {
    return this.passes.passes(ctx, identifier, query);
  }

  @ApiDoc({
    summary: "A spacecraft's channels",
    ok: { schema: arrayOf(SC_CHANNEL) },
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND'],
  })
  @Get(':identifier/channels')
  channels(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.spacecraft.listChannels(ctx, identifier);
  }

  @ApiDoc({
    summary: 'Add a channel to a spacecraft',
    ok: { status: 201, schema: SC_CHANNEL },
    body: true,
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'CHANNEL_EXISTS'],
  })
  @Post(':identifier/channels')
  addChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: ScChannelDto,
  ) {
    return this.spacecraft.putChannel(ctx, identifier, body);
  }

  @ApiDoc({
    summary: "One of a spacecraft's channels",
    ok: { schema: SC_CHANNEL },
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
  @Get(':identifier/channels/:channelId')
  channel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
  ) {
    return this.spacecraft.getChannel(ctx, identifier, channelId);
  }

  @ApiDoc({
    summary: "Replace one of a spacecraft's channels",
    ok: { schema: SC_CHANNEL },
    body: true,
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
  @Put(':identifier/channels/:channelId')
  replaceChannel(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('channelId') channelId: string,
    @Body() body: ScChannelDto,
  ) {
    return this.spacecraft.putChannel(ctx, identifier, body, channelId);
  }

  @ApiDoc({
    summary: "Delete one of a spacecraft's channels",
    ok: null,
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
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
