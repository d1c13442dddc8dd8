// SPDX-License-Identifier: Apache-2.0
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { fromAnnexDGetRulesParams, fromAnnexDRuleParams } from '../../../availability/annex-d-rule-params';
import { AvailabilityService } from '../../../availability/availability.service';
import {
  AddRuleDto,
  GetRulesDto,
  RemoveRuleDto,
  StationAvailabilityQueryDto,
} from '../../../availability/dto/rule.dto';
import { fromAnnexDSlotParams } from '../../../booking/annex-d-slot-params';
import { BookingService } from '../../../booking/booking.service';
import { GetChangesDto, GetOperationalSlotsDto, SlotOperationDto } from '../../../booking/dto/booking.dto';
import { ValidationFailedError } from '../../../common/errors';
import { JsonRpcMethods } from '../json-rpc-methods';

/** The Annex D scheduling methods, with Annex D's result wrappers; docs/api.md maps each to REST. */
@Injectable()
export class BookingMethods implements OnModuleInit {
  constructor(
    private readonly methods: JsonRpcMethods,
    private readonly availability: AvailabilityService,
    private readonly booking: BookingService,
  ) {}

  onModuleInit(): void {
    this.registerRules();
    const m = this.methods;
    const slotCall = {
      params: SlotOperationDto,
      positional: ['identifier', 'slots'] as const,
      adapt: fromAnnexDSlotParams,
    };
    m.register({
      name: 'get_operational_slots',
      description:
        'Slots of a spacecraft (bookable and your own) or of your station (all, with who booked them).',
      params: GetOperationalSlotsDto,
      positional: ['identifier', 'cursor', 'limit', 'from', 'to'],
      handler: async (ctx, { identifier, ...query }) => {
        const page = await this.booking.operationalSlots(ctx, identifier, query);
        return { OperationSlot: page.slots, nextCursor: page.nextCursor };
      },
    });
    m.register({
      name: 'select_slots',
      description:
        'Hold slots for your spacecraft (5 minutes) until the station confirms; autoConfirm stations reserve at once.',
      ...slotCall,
      handler: async (ctx, p) => ({ OperationSlot: await this.booking.select(ctx, p.identifier, p.slots) }),
    });
    m.register({
      name: 'confirm_selections',
      description: 'Station owner: reserve selected slots.',
      ...slotCall,
      handler: async (ctx, p) => ({ ChangedSlots: await this.booking.confirm(ctx, p.identifier, p.slots) }),
    });
    m.register({
      name: 'deny_selections',
      description: 'Station owner: refuse selected slots.',
      ...slotCall,
      handler: async (ctx, p) => ({ ChangedSlots: await this.booking.deny(ctx, p.identifier, p.slots) }),
    });
    m.register({
      name: 'cancel_selections',
      description: 'Spacecraft owner: withdraw selections before the station decides.',
      ...slotCall,
      handler: async (ctx, p) => ({
        ChangedSlots: await this.booking.cancelSelections(ctx, p.identifier, p.slots),
      }),
    });
    m.register({
      name: 'cancel_reservations',
      description: 'Either side (station or spacecraft identifier): cancel reservations.',
      ...slotCall,
      handler: async (ctx, p) => ({
        ChangedSlots: await this.booking.cancelReservations(ctx, p.identifier, p.slots),
      }),
    });
    m.register({
      name: 'get_changes',
      description:
        'State changes of the slots of your station or spacecraft after a cursor, and the next cursor.',
      params: GetChangesDto,
      positional: ['identifier', 'cursor'],
      handler: async (ctx, p) => {
        const { side, changes, nextCursor } = await this.booking.changesBySide(ctx, p.identifier, p.cursor);
        // Annex D answers a station's call with GroundstationChanges; ChangedSlots stays for both.
        return side === 'station'
          ? { ChangedSlots: changes, GroundstationChanges: changes, nextCursor }
          : { ChangedSlots: changes, nextCursor };
      },
    });
  }

  private registerRules(): void {
    const m = this.methods;
    m.register({
      name: 'add_rule',
      description: 'Add an availability rule to your station: {identifier, rule}. Returns its id.',
      params: AddRuleDto,
      positional: ['identifier', 'rule'],
      adapt: fromAnnexDRuleParams,
      handler: async (ctx, p) => ({
        Rule: (await this.availability.addRule(ctx, p.identifier, p.rule)).ruleId,
      }),
    });
    m.register({
      name: 'remove_rule',
      description:
        'Remove an availability rule: {identifier, ruleId}, or the rules equal to {identifier, rule}.',
      params: RemoveRuleDto,
      positional: ['identifier', 'ruleId'],
      adapt: fromAnnexDRuleParams,
      handler: async (ctx, p) => {
        if (p.rule && p.ruleId !== undefined)
          throw new ValidationFailedError([{ field: 'rule', message: 'give ruleId or rule, not both' }]);
        if (p.rule) await this.availability.removeMatchingRules(ctx, p.identifier, p.rule);
        else await this.availability.removeRule(ctx, p.identifier, p.ruleId as string);
        return 'OK';
      },
    });
    m.register({
      name: 'get_rules',
      description: "Your station's rules (with channelId: station-wide ones and that channel's).",
      params: GetRulesDto,
      positional: ['identifier', 'channelId'],
      adapt: fromAnnexDGetRulesParams,
      handler: async (ctx, p) => ({
        GetRules: await this.availability.getRules(ctx, p.identifier, p.channelId),
      }),
    });
    m.register({
      name: 'get_availability',
      description: 'When a station is available between from and to (default: the planning horizon).',
      params: StationAvailabilityQueryDto,
      positional: ['identifier', 'from', 'to', 'channelId'],
      handler: (ctx, { identifier, ...query }) => this.availability.availability(ctx, identifier, query),
    });
  }
}
