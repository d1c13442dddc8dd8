// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { User } from '../accounts/user.entity';
import { DomainEvents } from '../common/domain-events';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type MailMessage, MailService } from '../mail/mail.service';
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

/** The background job that mails committed slot changes (its name in the logs). */
export const NOTIFY_JOB = 'booking.notify';
/** Changes mailed per batch: one message per person per batch, and one read of the recipients. */
const BATCH = 500;

/**
 * Emails the owners concerned by committed slot changes (docs/api.md "Notifications"), off the
 * request path: a booking call hands its changes over after commit and answers at once; a
 * background job sends them in batches, one message per person per batch. Rendering and writing
 * messages (or an SMTP round trip each) used to keep every booking call waiting, and its station
 * lock's next holder behind it on the event loop (issue 13).
 */
@Injectable()
export class BookingNotifier implements OnModuleInit {
  private readonly logger = new Logger(BookingNotifier.name);
  /** Changes committed and not yet mailed, oldest first. */
  private pending: Change[] = [];
  /** The job's run while there is something to send. */
  private sending: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly accounts: AccountsService,
    private readonly mail: MailService,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('slots.changed', ({ changes }) => this.enqueue(changes));
  }

  /** Resolves once every change handed over so far has been mailed (tests read the outbox then). */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private enqueue(changes: Change[]): void {
    this.pending.push(...changes);
    if (this.sending) return; // the run under way takes them in its next batch
    const run = this.drain().finally(() => (this.sending = null));
    this.sending = run;
    this.jobs.fireAndForget(NOTIFY_JOB, run);
  }

  private async drain(): Promise<void> {
    // Sent from the next turn of the event loop: the call that committed answers first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH);
      try {
        await this.send(batch);
      } catch (error) {
        // The next batch still goes; these changes stay in the change log (get_changes).
        this.logger.error({ err: error, changes: batch.length }, 'could not mail slot changes');
      }
    }
  }

  private async send(changes: Change[]): Promise<void> {
    const byRecipient = new Map<string, Change[]>();
    for (const change of changes)
      for (const userId of recipients(change)) {
        if (userId === change.actorId) continue; // nobody needs an email about their own action
        const own = byRecipient.get(userId);
        if (own) own.push(change);
        else byRecipient.set(userId, [change]);
      }
    if (byRecipient.size === 0) return;
    const users = new Map(
      (await this.accounts.findUsers([...byRecipient.keys()])).map((user) => [user.id, user]),
    );
    for (const [userId, own] of byRecipient) {
      const user = users.get(userId);
      if (user) await this.mail.send(this.message(user, own)); // else unregistered meanwhile
    }
  }

  private message(user: User, own: Change[]): MailMessage {
    const lines = own.map(
      (c) =>
        `- ${c.spacecraftIdentifier} over ${c.stationIdentifier}, ${c.startAt.toISOString()} – ${c.endAt.toISOString()} (slot ${c.slotId}): ${WORDING[c.reason] ?? c.reason}`,
    );
    return {
      to: user.email,
      subject:
        own.length === 1
          ? `SATNet slot ${own[0].slotId}: ${own[0].toState}`
          : `SATNet: ${own.length} slot changes`,
      text: `Hello ${user.username},\n\n${lines.join('\n')}\n\nDetails: ${this.config.http.publicUrl} (get_changes / get_operational_slots)\n`,
    };
  }
}
