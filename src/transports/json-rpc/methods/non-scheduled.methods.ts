// SPDX-License-Identifier: Apache-2.0
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { decodedFrames, UploadNonScheduledParamsDto } from '../../../non-scheduled/dto/non-scheduled.dto';
import { NonScheduledService } from '../../../non-scheduled/non-scheduled.service';
import { JsonRpcMethods } from '../json-rpc-methods';

/** Non-scheduled frames (docs/api.md "Non-scheduled frames"). */
@Injectable()
export class NonScheduledMethods implements OnModuleInit {
  constructor(
    private readonly methods: JsonRpcMethods,
    private readonly nonScheduled: NonScheduledService,
  ) {}

  onModuleInit(): void {
    this.methods.register({
      name: 'upload_non_scheduled_frames',
      description: 'Station owner: store frames your station heard outside any slot.',
      params: UploadNonScheduledParamsDto,
      positional: ['groundStation', 'frames'],
      handler: (ctx, { groundStation, frames }) =>
        this.nonScheduled.upload(ctx, groundStation, decodedFrames(frames)),
    });
  }
}
