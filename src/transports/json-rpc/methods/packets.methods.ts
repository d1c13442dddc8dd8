// SPDX-License-Identifier: Apache-2.0
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GetPacketsDto } from '../../../archive/dto/packet-history.dto';
import { PacketHistoryService } from '../../../archive/packet-history.service';
import { JsonRpcMethods } from '../json-rpc-methods';

/** The packet archive's JSON-RPC method (docs/api.md "Packet history"). */
@Injectable()
export class PacketsMethods implements OnModuleInit {
  constructor(
    private readonly methods: JsonRpcMethods,
    private readonly history: PacketHistoryService,
  ) {}

  onModuleInit(): void {
    this.methods.register({
      name: 'get_packets',
      description:
        'One page of the packets of your station or spacecraft (a slot, or a time range of at most 31 days), oldest first, and the next cursor.',
      params: GetPacketsDto,
      positional: ['identifier', 'from', 'to', 'cursor', 'limit'],
      handler: (ctx, { identifier, ...query }) => this.history.page(ctx, 'either', identifier, query),
    });
  }
}
