// SPDX-License-Identifier: Apache-2.0
import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '../../common/request-context';
import { SlotReportService } from '../../relay/slot-report.service';
import { Ctx } from './auth';
import { ApiDoc } from './openapi';
import { SLOT_REPORT } from './openapi-schemas';

/** A slot's report, read by either owner through their own station or spacecraft (docs/api.md "Slot report"). */
@ApiTags('booking')
@ApiBearerAuth()
@Controller('api')
export class SlotReportController {
  constructor(private readonly reports: SlotReportService) {}

  @ApiDoc({
    summary: "A slot's report on your station: state, frames per direction, rejections, gaps, sessions",
    ok: { schema: SLOT_REPORT },
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND', 'SLOT_NOT_FOUND'],
  })
  @Get('ground-stations/:identifier/slots/:slotId/report')
  station(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('slotId') slotId: string,
  ) {
    return this.reports.report(ctx, identifier, slotId, 'station');
  }

  @ApiDoc({
    summary: "A slot's report on your spacecraft: state, frames per direction, rejections, gaps, sessions",
    ok: { schema: SLOT_REPORT },
    errors: ['NOT_OWNER', 'SPACECRAFT_NOT_FOUND', 'SLOT_NOT_FOUND'],
  })
  @Get('spacecraft/:identifier/slots/:slotId/report')
  spacecraft(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Param('slotId') slotId: string,
  ) {
    return this.reports.report(ctx, identifier, slotId, 'spacecraft');
  }
}
