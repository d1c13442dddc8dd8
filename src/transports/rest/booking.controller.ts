import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AvailabilityService } from '../../availability/availability.service';
import { AvailabilityQueryDto, RuleDto } from '../../availability/dto/rule.dto';
import { BookingService } from '../../booking/booking.service';
import { ChangesQueryDto, SlotIdsDto } from '../../booking/dto/booking.dto';
import type { RequestContext } from '../../common/request-context';
import { Ctx } from './auth';

/** Availability rules and the station side of booking. */
@ApiTags('booking')
@ApiBearerAuth()
@Controller('api/ground-stations/:identifier')
export class StationBookingController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly booking: BookingService,
  ) {}

  @Get('rules')
  rules(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query('channelId') channelId?: string,
  ) {
    return this.availability.getRules(ctx, identifier, channelId);
  }

  @Post('rules')
  addRule(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: RuleDto) {
    return this.availability.addRule(ctx, identifier, body);
  }

  @Delete('rules/:ruleId')
  @HttpCode(204)
  removeRule(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('ruleId') ruleId: string,
  ) {
    return this.availability.removeRule(ctx, identifier, ruleId);
  }

  @Get('availability')
  windows(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: AvailabilityQueryDto,
  ) {
    return this.availability.availability(ctx, identifier, query);
  }

  @Get('slots')
  slots(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.booking.operationalSlots(ctx, identifier);
  }

  @Post('slots/confirm')
  @HttpCode(200)
  confirm(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: SlotIdsDto) {
    return this.booking.confirm(ctx, identifier, body.slots);
  }

  @Post('slots/deny')
  @HttpCode(200)
  deny(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: SlotIdsDto) {
    return this.booking.deny(ctx, identifier, body.slots);
  }

  @Post('reservations/cancel')
  @HttpCode(200)
  cancelReservations(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SlotIdsDto,
  ) {
    return this.booking.cancelReservations(ctx, identifier, body.slots);
  }

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

  @Get('slots')
  slots(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string) {
    return this.booking.operationalSlots(ctx, identifier);
  }

  @Post('slots/select')
  @HttpCode(200)
  select(@Ctx() ctx: RequestContext, @Param('identifier') identifier: string, @Body() body: SlotIdsDto) {
    return this.booking.select(ctx, identifier, body.slots);
  }

  @Post('slots/cancel')
  @HttpCode(200)
  cancelSelections(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SlotIdsDto,
  ) {
    return this.booking.cancelSelections(ctx, identifier, body.slots);
  }

  @Post('reservations/cancel')
  @HttpCode(200)
  cancelReservations(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: SlotIdsDto,
  ) {
    return this.booking.cancelReservations(ctx, identifier, body.slots);
  }

  @Get('changes')
  changes(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Query() query: ChangesQueryDto,
  ) {
    return this.booking.changes(ctx, identifier, query.cursor);
  }
}
