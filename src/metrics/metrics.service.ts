// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MessageBus } from '../bus/message-bus';
import { DomainError, UnauthenticatedError } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { LinkDirection } from '../orbit/doppler';
import { FrameTally, type TalliedFrame } from './frame-tally';
import { scrapeAccess } from './scrape-token';

/** Seconds: from a fast SQLite insert to a slow request; one set for every latency histogram. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The label every series carries: not `instance`, which Prometheus sets itself to the scraped address. */
export const INSTANCE_LABEL = 'instance_id';

export type SessionTransport = 'tls' | 'websocket';

/**
 * The Prometheus metrics of this instance (README "Metrics"). One registry per application, not
 * prom-client's global one: tests run several instances in one process. Named recording methods,
 * each called in one line where the thing happens; gauges are read from their owners at scrape.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly tally = new FrameTally();
  private readonly sessionCounts = new Map<SessionTransport, () => number>();
  private packetLogQueue: () => number = () => 0;
  private readonly packetLogWrites: Histogram;
  private readonly bookings: Counter<'action' | 'result'>;
  private readonly stationHolds: Histogram<'action'>;
  private readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  private readonly jsonRpcCalls: Histogram<'method' | 'outcome'>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    bus: MessageBus,
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ [INSTANCE_LABEL]: bus.instanceId });
    collectDefaultMetrics({ register: this.registry });
    this.frameCounters(registers);
    new Gauge({
      name: 'satnet_sessions_open',
      help: 'Client connections open now: TLS gateway connections, WebSocket sessions (every /ws endpoint).',
      labelNames: ['transport'],
      registers,
      collect: collectFrom(this.sessionCounts),
    });
    const queue: Gauge = new Gauge({
      name: 'satnet_packet_log_queue_frames',
      help: 'Frames waiting for their packet-log write (group commit).',
      registers,
      collect: () => queue.set(this.packetLogQueue()),
    });
    // Every latency in seconds, on one set of buckets.
    const latency = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });
    this.packetLogWrites = latency(
      'satnet_packet_log_write_seconds',
      'Duration of one packet-log write: one INSERT transaction of a group commit.',
      [],
    );
    this.bookings = new Counter({
      name: 'satnet_booking_operations_total',
      help: 'Booking operations (select, confirm, deny, cancel) by result: OK or the error code.',
      labelNames: ['action', 'result'],
      registers,
    });
    this.stationHolds = latency(
      'satnet_booking_station_seconds',
      'Time a booking operation holds its stations: from taking them (after any wait) to its commit or failure.',
      ['action'],
    );
    this.httpRequests = latency(
      'satnet_http_request_duration_seconds',
      'HTTP requests (REST, JSON-RPC, health, metrics) by route template and status.',
      ['method', 'route', 'status'],
    );
    this.jsonRpcCalls = latency(
      'satnet_jsonrpc_call_duration_seconds',
      'JSON-RPC calls (each call of a batch) by method and outcome: ok or the error code.',
      ['method', 'outcome'],
    );
  }

  /** One frame the relay logged (relayed, not delivered or rejected) or a non-scheduled frame stored. */
  frameLogged(frame: TalliedFrame): void {
    this.tally.add(frame);
  }

  /** A frame refused before the packet log took it (the log was full, the session's byte rate). */
  frameRefused(direction: LinkDirection, reason: string): void {
    this.tally.refuse(direction, reason);
  }

  /** One packet-log INSERT transaction took `seconds`. */
  packetLogWritten(seconds: number): void {
    this.packetLogWrites.observe(seconds);
  }

  /** Counts `work`'s result under `action`; returns (or throws) what `work` does. */
  async bookingOperation<T>(action: string, work: Promise<T>): Promise<T> {
    try {
      const result = await work;
      this.bookings.inc({ action, result: 'OK' });
      return result;
    } catch (error) {
      this.bookings.inc({ action, result: error instanceof DomainError ? error.code : 'INTERNAL_ERROR' });
      throw error;
    }
  }

  /**
   * A booking operation took its stations (every other booking of them waits until it gives
   * them back); the function returned records how long it held them, once, when called.
   */
  bookingStationsTaken(action: string): () => void {
    let stop: (() => void) | null = this.stationHolds.startTimer({ action });
    return () => {
      stop?.();
      stop = null;
    };
  }

  /** `route`: the route's template (`/api/spacecraft/:identifier`), never the raw URL. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.observe({ method, route, status }, seconds);
  }

  /**
   * `method`: a registered method's name, the caller names unknown ones alike; `outcome`: `ok` or
   * the error's code. Both bounded sets, as labels must be.
   */
  jsonRpcCall(method: string, outcome: string, seconds: number): void {
    this.jsonRpcCalls.observe({ method, outcome }, seconds);
  }

  /** The owner of a transport's connections tells how to count them; read at each scrape. */
  countSessions(transport: SessionTransport, count: () => number): void {
    this.sessionCounts.set(transport, count);
  }

  /** The packet log tells how to read its queue's depth; read at each scrape. */
  watchPacketLogQueue(depth: () => number): void {
    this.packetLogQueue = depth;
  }

  /**
   * The Prometheus text exposition of every metric, and its content type. With
   * SATNET_METRICS_TOKEN set, only for a scrape presenting that token.
   */
  async scrape(token: string | null): Promise<{ contentType: string; text: string }> {
    const access = scrapeAccess(this.config.metrics.token, token);
    if (access === 'MISSING')
      throw new UnauthenticatedError(
        'AUTHENTICATION_REQUIRED',
        'send "Authorization: Bearer <metrics token>"',
      );
    if (access === 'WRONG')
      throw new UnauthenticatedError('INVALID_TOKEN', 'this is not the metrics token (SATNET_METRICS_TOKEN)');
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** The frame counters take the tally's sums at scrape; every known series starts at 0. */
  private frameCounters(registers: Registry[]): void {
    const tally = this.tally;
    // Both counters read one tally: whichever is collected first moves both.
    const take = () => {
      for (const { direction, outcome, frames: count, bytes: size } of tally.takeFrames()) {
        frames.inc({ direction, outcome }, count);
        bytes.inc({ direction, outcome }, size);
      }
    };
    const frames: Counter<'direction' | 'outcome'> = new Counter({
      name: 'satnet_frames_total',
      help: 'Frames by direction and outcome: RELAYED, NOT_DELIVERED (logged, other side absent), REJECTED, NON_SCHEDULED (uploaded).',
      labelNames: ['direction', 'outcome'],
      registers,
      collect: take,
    });
    const bytes: Counter<'direction' | 'outcome'> = new Counter({
      name: 'satnet_frame_bytes_total',
      help: 'Bytes of the frames counted by satnet_frames_total (whole CSP frames), by direction and outcome.',
      labelNames: ['direction', 'outcome'],
      registers,
      collect: take,
    });
    new Counter({
      name: 'satnet_frames_rejected_total',
      help: 'Frames refused by direction and reason: the CSP rule, INVALID_TIMESTAMP, PACKET_LOG_BACKLOG, RATE_LIMITED.',
      labelNames: ['direction', 'reason'],
      registers,
      collect() {
        for (const { direction, reason, frames: count } of tally.takeRejections())
          this.inc({ direction, reason }, count);
      },
    });
    for (const labels of FrameTally.combinations) {
      frames.inc(labels, 0);
      bytes.inc(labels, 0);
    }
  }
}

/** A gauge's collect: one value per label, each read from its owner. */
function collectFrom(counts: Map<SessionTransport, () => number>) {
  return function (this: Gauge<'transport'>): void {
    for (const [transport, count] of counts) this.set({ transport }, count());
  };
}
