// SPDX-License-Identifier: Apache-2.0
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AvailabilityService } from '../../availability/availability.service';
import { AvailabilityQueryDto, RuleDto } from '../../availability/dto/rule.dto';
import { BookingService } from '../../booking/booking.service';
import { ChangesQueryDto, SlotIdsDto, SlotListQueryDto } from '../../booking/dto/booking.dto';
import type { SlotPage } from '../../booking/booking.service';
import type { RequestContext } from '../../common/request-context';
import { Ctx } from './auth';
import { ApiDoc } from './openapi';
import { arrayOf, AVAILABILITY, CHANGES, RULE, SLOT } from './openapi-schemas';

/** The header naming the next page of a slot list (absent on the last page); the body stays a bare array. */
const NEXT_CURSOR = 'X-Next-Cursor';

async function slotPage(page: Promise<SlotPage>, response: Response) {
  const { slots, nextCursor } = await page;
  if (nextCursor) response.setHeader(NEXT_CURSOR, nextCursor);
  return slots;
}

/** Availability rules and the station side of booking. */
@ApiTags('booking')
@ApiBearerAuth()
@Controller('api/ground-stations/:identifier')
export class StationBookingController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly booking: BookingService,
  ) {}

  @ApiDoc({
    summary: "Your station's availability rules (with channelId: station-wide ones and that channel's)",
    ok: { schema: arrayOf(RULE) },
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
  @Get('rules')
  rules(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query('channelId') channelId?: string,
  ) {
    return this.availability.getRules(ctx, identifier, channelId);
  }

  @ApiDoc({
    summary: 'Add an availability rule (slots are recomputed)',
    ok: { status: 201, schema: RULE },
    body: true,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND'],
  })
  @Post('rules')
  addRule(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: RuleDto) {
    return this.availability.addRule(ctx, identifier, body);
  }

  @ApiDoc({
    summary: 'Remove an availability rule (booked slots that lose their availability become REMOVED)',
    ok: null,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND', 'RULE_NOT_FOUND'],
  })
  @Delete('rules/:ruleId')
  @HttpCode(204)
  removeRule(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('ruleId') ruleId: string,
  ) {
    return this.availability.removeRule(ctx, identifier, ruleId);
  }

  @ApiDoc({
    summary: 'When a station is available (any user)',
    ok: { schema: AVAILABILITY },
    errors: ['VALIDATION_FAILED', 'GROUND_STATION_NOT_FOUND', 'CHANNEL_NOT_FOUND'],
  })
  @Get('availability')
  windows(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: AvailabilityQueryDto,
  ) {
    return this.availability.availability(ctx, identifier, query);
  }

  @ApiDoc({
    summary: "Your station's operational slots",
    ok: { schema: arrayOf(SLOT) },
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND'],
  })
  @Get('slots')
  @ApiOkResponse({ description: `one page of slots; the next page's cursor is in the ${NEXT_CURSOR} header` })
  slots(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: SlotListQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return slotPage(this.booking.operationalSlots(ctx, identifier, query), response);
  }

  @ApiDoc({
    summary: 'Confirm selections on your station: they become RESERVED',
    ok: { schema: arrayOf(SLOT) },
    body: true,
    errors: [
      'NOT_OWNER',
      'WRONG_SIDE',
      'GROUND_STATION_NOT_FOUND',
      'SLOT_NOT_FOUND',
      'STATION_BUSY',
      'SLOTS_REJECTED',
      'SLOT_IN_PAST',
      'HOLD_EXPIRED',
      'ILLEGAL_SLOT_TRANSITION',
    ],
  })
  @Post('slots/confirm')
  @HttpCode(200)
  confirm(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: SlotIdsDto) {
    return this.booking.confirm(ctx, identifier, body.slots);
  }

  @ApiDoc({
    summary: 'Deny selections on your station',
    ok: { schema: arrayOf(SLOT) },
    body: true,
    errors: [
      'NOT_OWNER',
      'WRONG_SIDE',
      'GROUND_STATION_NOT_FOUND',
      'SLOT_NOT_FOUND',
      'STATION_BUSY',
      'SLOTS_REJECTED',
      'SLOT_IN_PAST',
      'HOLD_EXPIRED',
      'ILLEGAL_SLOT_TRANSITION',
    ],
  })
  @Post('slots/deny')
  @HttpCode(200)
  deny(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: SlotIdsDto) {
    return this.booking.deny(ctx, identifier, body.slots);
  }

  @ApiDoc({
    summary: 'Cancel reservations on your station (the mission is told)',
    ok: { schema: arrayOf(SLOT) },
    body: true,
    errors: [
      'NOT_OWNER',
      'GROUND_STATION_NOT_FOUND',
      'SLOT_NOT_FOUND',
      'STATION_BUSY',
      'SLOTS_REJECTED',
      'SLOT_IN_PAST',
      'HOLD_EXPIRED',
      'ILLEGAL_SLOT_TRANSITION',
    ],
  })
  @Post('reservations/cancel')
  @HttpCode(200)
  cancelReservations(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SlotIdsDto,
  ) {
    return this.booking.cancelReservations(ctx, identifier, body.slots);
  }

  @ApiDoc({
    summary: 'Slot state changes on your station since a cursor',
    ok: { schema: CHANGES },
    errors: ['VALIDATION_FAILED', 'NOT_OWNER', 'GROUND_STATION_NOT_FOUND'],
  })
  @Get('changes')
  changes(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: ChangesQueryDto,
  ) {
    return this.booking.changes(ctx, identifier, query.cursor);
  }
}

/** The spacecraft side of booking. */
@ApiTags('booking')
@ApiBearerAuth()
@Controller('api/spacecraft/:identifier')
export class SpacecraftBookingController {
  constructor(private readonly booking: BookingService) {}

  @ApiDoc({
    summary: 'Bookable and booked slots of your spacecraft',
    ok: { schema: arrayOf(SLOT) },
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND'],
  })
  @Get('slots')
  @ApiOkResponse({ description: `one page of slots; the next page's cursor is in the ${NEXT_CURSOR} header` })
  slots(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: SlotListQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return slotPage(this.booking.operationalSlots(ctx, identifier, query), response);
  }

  @ApiDoc({
    summary: 'Select slots: held for the station to confirm, or reserved at once (autoConfirm)',
    ok: { schema: arrayOf(SLOT) },
    body: true,
    errors: [
      'NOT_OWNER',
      'WRONG_SIDE',
      'SPACECRAFT_NOT_FOUND',
      'SLOT_NOT_FOUND',
      'STATION_BUSY',
      'SLOTS_REJECTED',
      'SLOT_IN_PAST',
      'HOLD_EXPIRED',
      'ILLEGAL_SLOT_TRANSITION',
    ],
  })
  @Post('slots/select')
  @HttpCode(200)
  select(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: SlotIdsDto) {
    return this.booking.select(ctx, identifier, body.slots);
  }

  @ApiDoc({
    summary: 'Cancel your selections (before the station confirms)',
    ok: { schema: arrayOf(SLOT) },
    body: true,
    errors: [
      'NOT_OWNER',
      'WRONG_SIDE',
      'SPACECRAFT_NOT_FOUND',
      'SLOT_NOT_FOUND',
      'STATION_BUSY',
      'SLOTS_REJECTED',
      'SLOT_IN_PAST',
      'HOLD_EXPIRED',
      'ILLEGAL_SLOT_TRANSITION',
    ],
  })
  @Post('slots/cancel')
  @HttpCode(200)
  cancelSelections(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SlotIdsDto,
  ) {
    return this.booking.cancelSelections(ctx, identifier, body.slots);
  }

  @ApiDoc({
    summary: 'Cancel reservations of your spacecraft (the station is told)',
    ok: { schema: arrayOf(SLOT) },
    body: true,
    errors: [
      'NOT_OWNER',
      'SPACECRAFT_NOT_FOUND',
      'SLOT_NOT_FOUND',
      'STATION_BUSY',
      'SLOTS_REJECTED',
      'SLOT_IN_PAST',
      'HOLD_EXPIRED',
      'ILLEGAL_SLOT_TRANSITION',
    ],
  })
  @Post('reservations/cancel')
  @HttpCode(200)
  cancelReservations(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SlotIdsDto,
  ) {
    return this.booking.cancelReservations(ctx, identifier, body.slots);
  }

  @ApiDoc({
    summary: 'Slot state changes of your spacecraft since a cursor',
    ok: { schema: CHANGES },
    errors: ['VALIDATION_FAILED', 'NOT_OWNER', 'SPACECRAFT_NOT_FOUND'],
  })
  @Get('changes')
  changes(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: ChangesQueryDto,
  ) {
    return this.booking.changes(ctx, identifier, query.cursor);
  }
}
