// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { DomainEvents } from '../common/domain-events';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MailService } from '../mail/mail.service';
import './booking-events';
import type { SlotChange } from './slot-change.entity';

type Change = Omit<SlotChange, 'id'>;

/**
 * Who hears of a change: the station's owner of new selections, the M-operator of decisions, both
 * of removals; nobody of the relay's execute, complete and fail (docs/api.md "Notifications").
 */
function recipients(change: Change): string[] {
  const station = change.stationOwnerId;
  const mission = change.spacecraftOwnerId;
  switch (change.reason) {
    case 'select':
    case 'autoReserve':
    case 'cancelSelection':
      return [station];
    case 'confirm':
    case 'deny':
    case 'expireHold':
      return [mission];
    case 'cancelReservation':
      // The other side hears of it; when an admin cancels, both sides do.
      if (change.actorId === station) return [mission];
      if (change.actorId === mission) return [station];
      return [station, mission];
    case 'execute':
    case 'complete':
    case 'fail':
      return []; // the live relay's steps: in the change log and on /ws/events, not worth an email
    default:
      return [station, mission];
  }
}

const WORDING: Record<string, string> = {
  select: 'was selected and waits for your confirmation',
  autoReserve: 'was reserved (the station confirms automatically)',
  confirm: 'was confirmed: it is reserved',
  deny: 'was denied by the station',
  cancelSelection: 'selection was cancelled by the mission',
  cancelReservation: 'reservation was cancelled',
  expireHold: 'selection expired before the station confirmed it; the slot is free again',
  remove: 'no longer exists (availability, TLE or configuration changed) and was removed',
  reschedule: 'moved slightly (new orbit data); the booking stands with the new times',
};

/** Emails the owners concerned by committed slot changes: one message per person per batch. */
@Injectable()
export class BookingNotifier implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly accounts: AccountsService,
    private readonly mail: MailService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('slots.changed', ({ changes }) => this.notify(changes));
  }

  private async notify(changes: Change[]): Promise<void> {
    const byRecipient = new Map<string, Change[]>();
    for (const change of changes)
      for (const userId of recipients(change)) {
        if (userId === change.actorId) continue; // nobody needs an email about their own action
        byRecipient.set(userId, [...(byRecipient.get(userId) ?? []), change]);
      }
    for (const [userId, own] of byRecipient) {
      const user = await this.accounts.findUser(userId);
      if (!user) continue; // the account is gone (unregistered)
      const lines = own.map(
        (c) =>
          `- ${c.spacecraftIdentifier} over ${c.stationIdentifier}, ${c.startAt.toISOString()} – ${c.endAt.toISOString()} (slot ${c.slotId}): ${WORDING[c.reason] ?? c.reason}`,
      );
      await this.mail.send({
        to: user.email,
        subject:
          own.length === 1
            ? `SATNet slot ${own[0].slotId}: ${own[0].toState}`
            : `SATNet: ${own.length} slot changes`,
        text: `Hello ${user.username},\n\n${lines.join('\n')}\n\nDetails: ${this.config.http.publicUrl} (get_changes / get_operational_slots)\n`,
      });
    }
  }
}
