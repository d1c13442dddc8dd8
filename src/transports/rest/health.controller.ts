// SPDX-License-Identifier: Apache-2.0
import { Controller, Get, Logger, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MessageBus } from '../../bus/message-bus';
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
    private readonly bus: MessageBus,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.nowMs();
  }

  /**
   * 200 while the database answers, 503 otherwise: load balancers keep an instance whose Redis
   * is down (it still serves its own clients), reported "degraded" (docs/api.md "Health").
   */
  @ApiDoc({
    summary: 'Liveness: 200 while the database answers ("degraded" when Redis does not), 503 otherwise',
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
    const bus = this.bus.health();
    const report = (status: string, database: string) => ({
      status,
      instance: this.bus.instanceId,
      database: { kind: this.db.kind, status: database },
      bus: { status: bus },
      uptimeSeconds: Math.round((this.clock.nowMs() - this.startedAt) / 1000),
    });
    try {
      await this.db.ping();
      return report(bus === 'degraded' ? 'degraded' : 'ok', 'up');
    } catch (error) {
      this.logger.error({ err: error }, 'health check: database unreachable');
      response.status(503);
      return report('error', 'down');
    }
  }
}
