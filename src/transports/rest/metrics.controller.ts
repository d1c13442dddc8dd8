// SPDX-License-Identifier: Apache-2.0
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Metrics } from '../../metrics/metrics.service';
import { bearerToken, Public } from '../http-auth';
import { ApiDoc } from './openapi';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** Prometheus scrapes this; with SATNET_METRICS_TOKEN set, only with that bearer token. */
  @ApiDoc({
    summary: 'Prometheus metrics of this instance (text exposition format); README "Metrics" lists them',
    ok: { mediaTypes: ['text/plain; version=0.0.4'], schema: { type: 'string' } },
    public: true,
    errors: ['AUTHENTICATION_REQUIRED', 'INVALID_TOKEN'],
  })
  @Public()
  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response) {
    const { contentType, text } = await this.metrics.scrape(bearerToken(authorization));
    response.type(contentType).send(text);
  }
}
