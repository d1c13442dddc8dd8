// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ErrorCode } from '../../common/error-codes';
import { DomainError } from '../../common/errors';
import { JobRunner } from '../../common/jobs';
import type { Actor } from '../../common/request-context';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { PacketReplayService } from '../../relay/packet-replay.service';
import type { ReplayPacket, ReplayStream } from '../../relay/replay-stream';
import {
  encodeBatch,
  encodeReplayItem,
  type PacketsClientMessage,
  parsePacketsMessage,
} from './packets-messages';
import type { WsAdmission, WsRoute } from './ws-route';
import { WS_CLOSE, type WsErrorMessage, type WsHandlers, type WsSession } from './ws-session';

/** The replay job: one subscription's playback of the archive, until it is live or ended. */
export const WS_REPLAY_JOB = 'ws.packets.replay';

/** The codes an `error` message on /ws/packets carries (docs/protocol.md §16.5). */
export const PACKETS_SOCKET_ERRORS = [
  'INVALID_MESSAGE',
  'SPACECRAFT_NOT_FOUND',
  'GROUND_STATION_NOT_FOUND',
  'SLOT_NOT_FOUND',
  'NOT_OWNER',
  'TOO_MANY_SUBSCRIPTIONS',
  'SUBSCRIPTION_NOT_FOUND',
  'SUBSCRIPTION_INTERRUPTED',
  'INTERNAL_ERROR',
] as const satisfies readonly ErrorCode[];

/** What a replay subscription has done so far (tests and logs). */
export interface ReplaySubscriptionStats {
  session: string;
  subscription: string;
  pagesRead: number;
  packetsSent: number;
  waitingForReader: boolean;
  bufferedBytes: number;
}

/**
 * `GET /ws/packets` (docs/protocol.md §16): the packets of a spacecraft, or those a station
 * carried, for their owner; replayed from the archive and/or followed live, COSMOS-style: several
 * subscriptions on one socket, each added and removed by the client.
 */
@Injectable()
export class PacketsSocketRoute implements WsRoute {
  private readonly sockets = new Set<PacketsSocket>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly replay: PacketReplayService,
    private readonly jobs: JobRunner,
  ) {}

  match(pathname: string): Record<string, string> | null {
    return pathname === '/ws/packets' ? {} : null;
  }

  admit(actor: Actor): Promise<WsAdmission> {
    return Promise.resolve({
      open: (session) => {
        const socket = new PacketsSocket(session, actor, this.replay, this.jobs, this.config.websocket, () =>
          this.sockets.delete(socket),
        );
        this.sockets.add(socket);
        return socket.handlers;
      },
      cancel: () => undefined,
    });
  }

  stats(): ReplaySubscriptionStats[] {
    return [...this.sockets].flatMap((socket) => socket.stats());
  }
}

/** One /ws/packets session and its subscriptions, by the client's ids. */
class PacketsSocket {
  private readonly logger = new Logger('PacketsSocket');
  /** An id is taken from the `add` until the stream ends; undefined while the owner is checked. */
  private readonly subscriptions = new Map<string, ReplayStream | undefined>();
  /** Playback pauses while more than this waits for the client (a quarter of the session's bound). */
  private readonly lowWater: number;

  constructor(
    private readonly session: WsSession,
    private readonly actor: Actor,
    private readonly replay: PacketReplayService,
    private readonly jobs: JobRunner,
    private readonly limits: AppConfig['websocket'],
    private readonly onEnded: () => void,
  ) {
    this.lowWater = Math.floor(limits.maxBufferedBytes / 4);
  }

  readonly handlers: WsHandlers = {
    message: (text) => this.received(text),
    ended: () => {
      for (const stream of this.subscriptions.values()) stream?.stop();
      this.subscriptions.clear();
      this.onEnded();
    },
  };

  stats(): ReplaySubscriptionStats[] {
    return [...this.subscriptions].flatMap(([subscription, stream]) =>
      stream
        ? [
            {
              session: this.session.id,
              subscription,
              ...stream.stats,
              bufferedBytes: this.session.bufferedBytes,
            },
          ]
        : [],
    );
  }

  private received(text: string): void {
    const parsed = parsePacketsMessage(text);
    if (!parsed.ok) return this.session.invalid(parsed.error);
    this.session.valid();
    const message = parsed.message;
    switch (message.type) {
      case 'ping':
        return this.session.send({ type: 'pong', ...(message.id !== undefined ? { id: message.id } : {}) });
      case 'remove':
        return this.remove(message.id);
      case 'add':
        return this.add(message);
    }
  }

  private remove(id: string): void {
    if (!this.subscriptions.has(id))
      return this.refuse(
        id,
        new DomainError('NOT_FOUND', 'SUBSCRIPTION_NOT_FOUND', `no subscription "${id}" on this socket`),
      );
    this.subscriptions.get(id)?.stop();
    this.subscriptions.delete(id);
    // Sent after the stop: no batch of this subscription follows it.
    this.session.send({ type: 'removed', id });
  }

  private add(request: Extract<PacketsClientMessage, { type: 'add' }>): void {
    const { id } = request;
    if (this.subscriptions.has(id))
      return this.session.send(
        errorMessage(id, 'INVALID_MESSAGE', `subscription "${id}" exists; remove it first or use another id`),
      );
    const limit = this.limits.replayMaxSubscriptions;
    if (this.subscriptions.size >= limit)
      return this.refuse(
        id,
        new DomainError(
          'RATE_LIMITED',
          'TOO_MANY_SUBSCRIPTIONS',
          `this socket already has ${limit} subscriptions, the most allowed; remove one first`,
          { limit },
        ),
      );
    this.subscriptions.set(id, undefined); // taken now: a second add with this id is refused meanwhile
    this.jobs.fireAndForget(WS_REPLAY_JOB, this.start(request), {
      session: this.session.id,
      subscription: id,
    });
  }

  private async start(request: Extract<PacketsClientMessage, { type: 'add' }>): Promise<void> {
    const { id } = request;
    let target;
    try {
      target = await this.replay.target(this.actor, request.subject, request.slot);
    } catch (error) {
      this.subscriptions.delete(id);
      if (error instanceof DomainError) return this.refuse(id, error as DomainError);
      throw error;
    }
    // Removed (or the session ended) while the owner was checked.
    if (!this.subscriptions.has(id) || !this.session.isOpen) return;
    const stream = this.replay.stream(
      {
        ...target.owner,
        slotId: target.slotId,
        direction: request.direction,
        outcomes: request.outcomes,
        from: request.from,
        to: request.to,
      },
      {
        batch: (packets) =>
          this.session.sendEncoded(
            encodeBatch(
              id,
              packets.map((packet) => this.item(packet)),
            ),
          ),
        end: () => {
          this.subscriptions.delete(id);
          this.session.sendEncoded(encodeBatch(id, []));
        },
        live: () => this.session.send({ type: 'live', id }),
        behind: () =>
          this.session.close(
            'CLIENT_NOT_READING',
            WS_CLOSE.TRY_AGAIN_LATER,
            'live packets came faster than the client read them',
          ),
        interrupted: () => {
          this.subscriptions.delete(id);
          this.session.send(
            errorMessage(
              id,
              'SUBSCRIPTION_INTERRUPTED',
              "packets of the server's other instances may have been missed while they could not reach each other; the subscription ended: add it again from the time of the last packet you handled",
            ),
          );
        },
        failed: (error) => {
          this.logger.error(
            { err: error, session: this.session.id, subscription: id },
            'replay subscription failed',
          );
          this.failed(id);
        },
        writable: () => this.session.whenBufferedBelow(this.lowWater),
        get open() {
          return open();
        },
      },
    );
    const open = () => this.session.isOpen && this.subscriptions.get(id) === stream;
    this.subscriptions.set(id, stream);
    this.session.send({
      type: 'subscribed',
      id,
      [request.subject.side]: request.subject.identifier,
      ...(request.slot !== undefined ? { slot: request.slot } : {}),
      mode: request.from === undefined ? 'live' : request.to === undefined ? 'playback-then-live' : 'history',
    });
    try {
      await stream.run();
    } catch (error) {
      this.failed(id);
      throw error; // the job runner logs it with the subscription
    }
  }

  private item(packet: ReplayPacket): string {
    return encodeReplayItem(packet, {
      groundStation: this.replay.groundStation(packet),
      spacecraft: this.replay.spacecraftOf(packet),
    });
  }

  /** The subscription failed on the server's side: it ends, the client is told. */
  private failed(id: string): void {
    this.subscriptions.get(id)?.stop();
    this.subscriptions.delete(id);
    this.session.send(
      errorMessage(
        id,
        'INTERNAL_ERROR',
        'the server failed to read the packets; the subscription ended, add it again',
      ),
    );
  }

  private refuse(id: string, error: DomainError): void {
    this.session.send({
      ...errorMessage(id, error.code as (typeof PACKETS_SOCKET_ERRORS)[number], error.message),
      ...(error.details ? { details: error.details } : {}),
    });
  }
}

function errorMessage(
  id: string,
  code: (typeof PACKETS_SOCKET_ERRORS)[number],
  message: string,
): WsErrorMessage {
  return { type: 'error', code, message, id };
}
