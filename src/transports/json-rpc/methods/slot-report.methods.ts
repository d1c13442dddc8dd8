// SPDX-License-Identifier: Apache-2.0
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GetSlotReportDto } from '../../../relay/dto/slot-report.dto';
import { SlotReportService } from '../../../relay/slot-report.service';
import { JsonRpcMethods } from '../json-rpc-methods';

/** get_slot_report: the same report as GET …/slots/{slotId}/report (docs/api.md "Slot report"). */
@Injectable()
export class SlotReportMethods implements OnModuleInit {
  constructor(
    private readonly methods: JsonRpcMethods,
    private readonly reports: SlotReportService,
  ) {}

  onModuleInit(): void {
    this.methods.register({
      name: 'get_slot_report',
      description:
        "A slot's report for your station or spacecraft: state, frames and bytes per direction, rejections, gaps, sessions.",
      params: GetSlotReportDto,
      positional: ['identifier', 'slot'],
      handler: (ctx, p) => this.reports.report(ctx, p.identifier, p.slot, 'either'),
    });
  }
}
