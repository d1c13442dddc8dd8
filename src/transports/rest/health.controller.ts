// SPDX-License-Identifier: Apache-2.0
import { Controller, Get, Logger, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { Database } from '../../database/database.service';
import { Public } from '../http-auth';
import { ApiDoc } from './openapi';
import { HEALTH } from './openapi-schemas';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private readonly startedAt: number;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.nowMs();
  }

  /** 200 when the database answers, 503 otherwise: load balancers and monitors read the status. */
  @ApiDoc({
    summary: 'Liveness: 200 when the database answers, 503 otherwise',
    ok: { schema: HEALTH },
    public: true,
  })
  @ApiResponse({
    status: 503,
    description:
      'the database does not answer: the same report, with `status` "error" and `database.status` "down"',
    schema: HEALTH,
  })
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) response: Response) {
    const uptimeSeconds = Math.round((this.clock.nowMs() - this.startedAt) / 1000);
    try {
      await this.db.ping();
      return { status: 'ok', database: { kind: this.db.kind, status: 'up' }, uptimeSeconds };
    } catch (error) {
      this.logger.error({ err: error }, 'health check: database unreachable');
      response.status(503);
      return { status: 'error', database: { kind: this.db.kind, status: 'down' }, uptimeSeconds };
    }
  }
}
