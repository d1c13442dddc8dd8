// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BookingService } from '../../booking/booking.service';
import { NetworkFanout } from '../../bus/network-fanout';
import { DomainEvents } from '../../common/domain-events';
import '../../non-scheduled/non-scheduled-events';
import { canManage } from '../../common/ownership';
import { ValidationFailedError } from '../../common/errors';
import { JobRunner } from '../../common/jobs';
import type { Actor } from '../../common/request-context';
import { parseJsonObject } from './mission-messages';
import type { WsAdmission, WsRoute } from './ws-route';
import type { WsHandlers, WsSession } from './ws-session';

/** Changes read per query while catching up: a long absence is replayed in pages. */
const PAGE = 200;

/** Bus channels of the notices every instance's streams hear (README "Scaling out"). */
export const EVENTS_WAKE_CHANNEL = 'ws.events.wake';
export const EVENTS_NOTICE_CHANNEL = 'ws.events.nonScheduled';

/** A live `nonScheduled` notice, with the owner who may see it. */
interface NonScheduledNotice {
  ownerId: string;
  spacecraft: string;
  groundStation: string;
  count: number;
  from: string;
  to: string;
}

/**
 * `GET /ws/events[?cursor=N]` (docs/protocol.md §13.6): every booking change the caller may see,
 * as `get_changes` records with their cursor, first those after `cursor`, then each as it commits.
 */
@Injectable()
export class EventsSocketRoute implements WsRoute, OnModuleInit {
  private readonly streams = new Set<ChangeStream>();

  constructor(
    private readonly booking: BookingService,
    private readonly events: DomainEvents,
    private readonly jobs: JobRunner,
    private readonly fanout: NetworkFanout,
  ) {}

  async onModuleInit(): Promise<void> {
    // After the commit, on every instance: each stream reads what is new for it (reads run in the
    // background, so the booking request that caused the change does not wait for them). The
    // wake-up carries nothing: the change log in the database is the record.
    const wakeAll = () => {
      for (const stream of this.streams) stream.wake();
    };
    const wake = await this.fanout.open<null>(EVENTS_WAKE_CHANNEL, { deliver: wakeAll, resumed: wakeAll });
    this.events.subscribe('slots.changed', () => wake(null));
    this.booking.onHeldChangesReleased(wakeAll);
    // Live only (not in the change log): the packets themselves are the durable record.
    const notice = await this.fanout.open<NonScheduledNotice>(EVENTS_NOTICE_CHANNEL, {
      deliver: (event) => this.pushNonScheduled(event),
    });
    this.events.subscribe(
      'nonScheduled.attributed',
      ({ ownerId, spacecraft, groundStation, count, from, to }) =>
        notice({ ownerId, spacecraft, groundStation, count, from, to }),
    );
  }

  private pushNonScheduled({ ownerId, ...notice }: NonScheduledNotice): void {
    for (const stream of this.streams)
      if (canManage(stream.actor, ownerId)) stream.push({ type: 'nonScheduled', ...notice });
  }

  match(pathname: string): Record<string, string> | null {
    return pathname === '/ws/events' ? {} : null;
  }

  admit(actor: Actor, _params: Record<string, string>, query: URLSearchParams): Promise<WsAdmission> {
    const cursor = parseCursor(query.get('cursor'));
    return Promise.resolve({
      open: (session) => {
        const stream = new ChangeStream(session, actor, cursor, this.booking, this.jobs, () =>
          this.streams.delete(stream),
        );
        this.streams.add(stream);
        stream.wake();
        return stream.handlers;
      },
      cancel: () => undefined,
    });
  }
}

function parseCursor(value: string | null): number {
  if (value === null) return 0;
  if (/^\d{1,15}$/.test(value)) return Number(value);
  throw new ValidationFailedError([
    { field: 'cursor', message: 'must be a whole number (the cursor of the last change you received)' },
  ]);
}

/**
 * One /ws/events session: reads the changes after its cursor whenever woken, one read at a time
 * (a wake during a read makes one more read), so each change is sent once and in order.
 */
class ChangeStream {
  private readonly logger = new Logger('ChangeStream');
  private reading = false;
  private again = false;
  private live = false;

  constructor(
    private readonly session: WsSession,
    readonly actor: Actor,
    private cursor: number,
    private readonly booking: BookingService,
    private readonly jobs: JobRunner,
    private readonly onEnded: () => void,
  ) {}

  readonly handlers: WsHandlers = {
    message: (text) => {
      const parsed = parseJsonObject(text);
      if (parsed.ok && parsed.message.type === 'ping') {
        this.session.valid();
        const id = parsed.message.id;
        this.session.send({
          type: 'pong',
          ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}),
        });
        return;
      }
      this.session.invalid(
        parsed.ok
          ? { type: 'error', code: 'INVALID_MESSAGE', message: 'this stream only takes {"type":"ping"}' }
          : parsed.error,
      );
    },
    ended: () => this.onEnded(),
  };

  /** A live notice, sent at once if the session is open. */
  push(message: Record<string, unknown>): void {
    if (this.session.isOpen) this.session.send(message);
  }

  wake(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    this.jobs.fireAndForget('ws.events.read', this.read(), { session: this.session.id });
  }

  private async read(): Promise<void> {
    try {
      do {
        this.again = false;
        let page;
        do {
          page = await this.booking.changesVisibleTo(this.actor, this.cursor, PAGE);
          if (!this.session.isOpen) return;
          for (const change of page) {
            this.cursor = change.changeId;
            this.session.send({ type: 'change', cursor: change.changeId, change });
          }
        } while (page.length === PAGE);
        if (!this.live) {
          this.live = true;
          this.session.send({ type: 'live', cursor: this.cursor });
        }
      } while (this.again);
    } catch (error) {
      this.logger.error({ err: error, session: this.session.id }, 'could not read booking changes');
    } finally {
      this.reading = false;
    }
  }
}
