// SPDX-License-Identifier: Apache-2.0
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '../../common/request-context';
import { decodedFrames, NonScheduledUploadDto } from '../../non-scheduled/dto/non-scheduled.dto';
import { NonScheduledService } from '../../non-scheduled/non-scheduled.service';
import { Ctx } from './auth';
import { ApiDoc } from './openapi';
import { NON_SCHEDULED_UPLOAD } from './openapi-schemas';

@ApiTags('non-scheduled frames')
@ApiBearerAuth()
@Controller('api/ground-stations')
export class NonScheduledController {
  constructor(private readonly nonScheduled: NonScheduledService) {}

  @ApiDoc({
    summary:
      'Upload frames your station heard outside any slot (stored once each, attributed when a spacecraft fits)',
    ok: { status: 200, schema: NON_SCHEDULED_UPLOAD },
    body: true,
    errors: ['NOT_OWNER', 'GROUND_STATION_NOT_FOUND', 'FRAMES_REFUSED', 'UPLOAD_TOO_LARGE', 'RATE_LIMITED'],
  })
  @Post(':identifier/packets/non-scheduled')
  @HttpCode(200)
  upload(
    @Ctx() ctx: RequestContext,
    @Param('identifier') identifier: string,
    @Body() body: NonScheduledUploadDto,
  ) {
    return this.nonScheduled.upload(ctx, identifier, decodedFrames(body.frames));
  }
}
