// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors';
import { JobRunner } from '../../common/jobs';
import type { Actor } from '../../common/request-context';
import {
  type DownlinkDelivery,
  type MissionDetachReason,
  type MissionEvent,
  type MissionLink,
  type MissionPeer,
  MissionRelayPort,
  type MissionResume,
} from '../../relay/relay-port';
import { type MessageId, parseMissionMessage } from './mission-messages';
import type { WsAdmission, WsRoute } from './ws-route';
import {
  WS_CLOSE,
  type WsEndReason,
  type WsErrorMessage,
  type WsHandlers,
  type WsSession,
} from './ws-session';

const PATH = /^\/ws\/mission\/([^/]+)\/protocol\/csp$/;

/** `GET /ws/mission/{spacecraft}/protocol/csp` (docs/protocol.md §13): CSP packets as JSON. */
@Injectable()
export class MissionSocketRoute implements WsRoute {
  constructor(
    private readonly relay: MissionRelayPort,
    private readonly jobs: JobRunner,
  ) {}

  match(pathname: string): Record<string, string> | null {
    const match = PATH.exec(pathname);
    return match ? { spacecraft: decodeURIComponent(match[1]) } : null;
  }

  async admit(actor: Actor, params: Record<string, string>, query: URLSearchParams): Promise<WsAdmission> {
    const link = await this.relay.admitMission(actor, params.spacecraft, resumeQuery(query));
    return {
      open: (session) => new MissionSocket(session, link, this.relay, this.jobs).handlers,
      cancel: () => this.relay.detachMission(link, 'CONNECTION_LOST'),
    };
  }
}

/**
 * `?slotId=…&lastSeq=N`: resume that slot's downlink after sequence number N (docs/protocol.md
 * §14.2). Both or neither; lastSeq a whole decimal number.
 */
function resumeQuery(query: URLSearchParams): MissionResume | undefined {
  const slotId = query.get('slotId');
  const lastSeq = query.get('lastSeq');
  if (slotId === null && lastSeq === null) return undefined;
  const invalid = (why: string) => new DomainError('VALIDATION', 'INVALID_LAST_SEQ', why);
  if (slotId === null || slotId.length === 0 || slotId.length > 40)
    throw invalid('"lastSeq" resumes a slot: name it in "slotId" (a slot id string)');
  if (lastSeq === null || !/^\d{1,15}$/.test(lastSeq))
    throw invalid(
      `"lastSeq" must be the last sequence number received of slot ${slotId}'s downlink, a whole number of at least 0 (0: from its first frame)`,
    );
  return { slotId, lastSeq: Number(lastSeq) };
}

const DETACH_REASON: Record<WsEndReason, MissionDetachReason> = {
  CLOSED: 'CLOSED',
  CONNECTION_LOST: 'CONNECTION_LOST',
  CLIENT_NOT_READING: 'CLIENT_NOT_READING',
  INVALID_MESSAGES: 'CONNECTION_LOST',
  MESSAGE_TOO_BIG: 'CONNECTION_LOST',
  SLOT_END: 'SLOT_END',
  SHUTDOWN: 'SHUTDOWN',
  RESUME_FAILED: 'CONNECTION_LOST',
};

/**
 * One mission session: uplinks go to the relay, downlinks and events come back. Answers (an
 * acknowledgement when the uplink carried an `id`, or an error) go out in the order the messages
 * came, each acknowledgement once its packet is committed to the packet log.
 */
class MissionSocket implements MissionPeer {
  private readonly logger = new Logger('MissionSocket');
  private answers: Promise<void> = Promise.resolve();

  constructor(
    private readonly session: WsSession,
    private readonly link: MissionLink,
    private readonly relay: MissionRelayPort,
    private readonly jobs: JobRunner,
  ) {
    this.jobs.fireAndForget('ws.mission.attach', this.relay.attachMission(link, this), {
      spacecraft: link.spacecraftIdentifier,
      session: session.id,
    });
  }

  get connectionId(): string {
    return this.session.id;
  }

  readonly handlers: WsHandlers = {
    message: (text) => this.received(text),
    settled: () => this.answers,
    ended: (reason) => {
      this.relay.detachMission(this.link, DETACH_REASON[reason]);
      this.logger.log(
        { session: this.session.id, spacecraft: this.link.spacecraftIdentifier, reason },
        'mission WebSocket session ended',
      );
    },
  };

  downlink(frame: DownlinkDelivery): void {
    this.session.sendEncoded(encodedDownlink(frame));
  }

  event(event: MissionEvent): void {
    this.session.send({ type: 'event', ...event });
  }

  writable(): Promise<void> | undefined {
    return this.session.writable();
  }

  close(reason: string, retry = false): void {
    // The answers already owed go out first: the close frame follows them on the socket.
    this.answers = this.answers.then(() =>
      retry
        ? this.session.close('RESUME_FAILED', WS_CLOSE.TRY_AGAIN_LATER, reason)
        : this.session.close('SLOT_END', WS_CLOSE.NORMAL, reason),
    );
  }

  private received(text: string): void {
    const parsed = parseMissionMessage(text);
    if (!parsed.ok) {
      this.answer(Promise.resolve(parsed.error), (error) => this.session.invalid(error));
      return;
    }
    this.session.valid();
    const message = parsed.message;
    if (message.type === 'ping') {
      this.answer(Promise.resolve({ type: 'pong', ...withId(message.id) }));
      return;
    }
    const uplink = this.relay
      .uplink(this.link, message.packet, { slotId: message.slotId, clientTimestamp: message.timestamp })
      .then(
        async (result) => {
          await result.stored.promise;
          if (message.id === undefined) return undefined;
          return {
            type: 'ack',
            id: message.id,
            slotId: result.slotId,
            groundStation: result.groundStation,
            dopplerShiftHz: result.dopplerShiftHz,
            serverTime: result.serverTime,
            seq: result.seq,
          };
        },
        (error: unknown) => this.errorMessage(error, message.id),
      );
    this.answer(uplink);
    // Backpressure: while the packet log catches up, the client's next messages wait in TCP.
    const ready = this.relay.whenReady();
    if (ready) {
      this.session.pause();
      this.jobs.fireAndForget(
        'ws.mission.resume',
        ready.then(() => this.session.resume()),
        {
          session: this.session.id,
        },
      );
    }
  }

  /** Queues an answer behind the earlier ones; `undefined` means none is owed. */
  private answer<T extends object>(
    pending: Promise<T | undefined>,
    send: (message: T) => void = (message) => this.session.send(message),
  ): void {
    this.answers = this.answers.then(async () => {
      const message = await pending;
      if (message) send(message);
    });
  }

  private errorMessage(error: unknown, id: MessageId | undefined): WsErrorMessage {
    if (!(error instanceof DomainError)) {
      this.logger.error({ err: error, session: this.session.id }, 'uplink failed');
      return {
        type: 'error',
        code: 'INTERNAL_ERROR',
        message: 'the server failed; the packet was not relayed',
        ...withId(id),
      };
    }
    const message =
      error.code === 'FRAME_REJECTED' ? `error verifying csp packet: ${error.message}` : error.message;
    if (error.code !== 'RATE_LIMITED')
      this.logger.log(
        { session: this.session.id, spacecraft: this.link.spacecraftIdentifier, code: error.code },
        `uplink refused: ${message}`,
      );
    return {
      type: 'error',
      code: error.code,
      message,
      ...withId(id),
      ...(error.details ? { details: error.details } : {}),
    };
  }
}

/** Each frame's downlink message, kept while the relay hands that frame to each session. */
const encodedDownlinks = new WeakMap<DownlinkDelivery, Buffer>();

/**
 * The downlink message of a frame as UTF-8 JSON, serialized (base64 and all) once however many
 * sessions of the mission it goes to: the relay hands every session the same delivery object.
 */
function encodedDownlink(frame: DownlinkDelivery): Buffer {
  let encoded = encodedDownlinks.get(frame);
  if (encoded === undefined) {
    const packet = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    const message = {
      type: 'message',
      direction: 'downlink',
      packet: packet.toString('base64'),
      slotId: frame.slotId,
      groundStation: frame.groundStation,
      dopplerShiftHz: frame.dopplerShiftHz,
      gsTimestamp: frame.gsTimestamp,
      serverTime: frame.serverTime,
      seq: frame.seq,
    };
    encoded = Buffer.from(JSON.stringify(message));
    encodedDownlinks.set(frame, encoded);
  }
  return encoded;
}

function withId(id: MessageId | undefined): { id?: MessageId } {
  return id === undefined ? {} : { id };
}
