// SPDX-License-Identifier: Apache-2.0
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { User } from '../accounts/user.entity';
import { DomainEvents } from '../common/domain-events';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type MailMessage, MailService } from '../mail/mail.service';
import './booking-events';
import { ChangeCursors } from './change-cursors.repository';
import { ChangeLogWatermark } from './change-log-watermark';
import type { SlotChange } from './slot-change.entity';
import { SlotsRepository } from './slots.repository';

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

/** The background job that mails committed slot changes (its name in the logs and its cursor's). */
export const NOTIFY_JOB = 'booking.notify';
/** Changes mailed per batch: one message per person per batch, and one read of the recipients. */
const BATCH = 500;
/** How often the job looks for changes nobody announced here (another instance's, or before a restart). */
const NOTIFY_POLL_MS = 5_000;
/** After a change made here, the job runs this much later, with whatever else came meanwhile. */
const NOTIFY_SPACING_MS = 1_000;

/**
 * Emails the owners concerned by committed slot changes (docs/api.md "Notifications"), off the
 * request path: a background job reads the change log from a cursor kept in the database
 * (ChangeCursor), mails what is new in batches, one message per person per batch, and then moves
 * the cursor. So nothing committed goes unmailed when a process dies before mailing it: the next
 * run, on this instance after a restart or on another one (the job runs on one instance at a
 * time), starts where the last one stopped; a run cut short between mailing and moving the cursor
 * mails those changes again. A change made here starts a run within NOTIFY_SPACING_MS; the others
 * are found within NOTIFY_POLL_MS.
 */
@Injectable()
export class BookingNotifier implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private soonTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly accounts: AccountsService,
    private readonly mail: MailService,
    private readonly jobs: JobRunner,
    private readonly slots: SlotsRepository,
    private readonly cursors: ChangeCursors,
    private readonly watermark: ChangeLogWatermark,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('slots.changed', () => this.soon());
  }

  onApplicationBootstrap(): void {
    this.jobs.every(NOTIFY_JOB, NOTIFY_POLL_MS, () => this.mailNewChanges(), { once: true });
  }

  onModuleDestroy(): void {
    clearTimeout(this.soonTimer);
  }

  /** Resolves once every change committed so far has been mailed (tests read the outbox then). */
  async idle(): Promise<void> {
    // A run under way may have read the log before the caller's change: the second one reads after.
    await this.jobs.tick(NOTIFY_JOB);
    await this.jobs.tick(NOTIFY_JOB);
  }

  private soon(): void {
    this.soonTimer ??= setTimeout(() => {
      this.soonTimer = undefined;
      this.jobs.fireAndForget(NOTIFY_JOB, () => this.jobs.tick(NOTIFY_JOB));
    }, NOTIFY_SPACING_MS).unref();
  }

  private async mailNewChanges(): Promise<void> {
    let from = await this.cursors.position(NOTIFY_JOB);
    for (;;) {
      const changes = await this.slots.changesOfOwner(null, from, await this.watermark.current(), BATCH);
      if (changes.length === 0) return;
      await this.send(changes);
      const to = changes[changes.length - 1].id;
      // False when another instance took the job over meanwhile: it goes on from where it is.
      if (!(await this.cursors.move(NOTIFY_JOB, from, to))) return;
      from = to;
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
