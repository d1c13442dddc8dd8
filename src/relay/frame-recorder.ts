// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable } from '@nestjs/common';
import type { OperationalSlot } from '../booking/operational-slot.entity';
import { DomainError } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Metrics } from '../metrics/metrics.service';
import type { CspHeader } from '../csp/csp-header';
import type { LinkDirection } from '../orbit/doppler';
import type { ByteRateLimit } from './byte-rate-limit';
import { parseFrameTimestamp } from './frame-timestamp';
import { PacketLog } from './packet-log';
import type { PacketOutcome } from './packet.entity';
import type { RelaySession, RelaySide, Stored } from './relay-port';

/** One frame as the relay received it, for the packet log. */
export interface ReceivedFrame {
  session: RelaySession;
  slot: OperationalSlot;
  direction: LinkDirection;
  data: Uint8Array;
  clientTimestamp: string | number;
  received: Date;
}

/** What the relay made of a frame. */
export interface FrameVerdict {
  gsTime: Date | null;
  dopplerShiftHz: number | null;
  outcome: PacketOutcome;
  rule: string | null;
  header?: CspHeader;
  /** Null for a REJECTED frame (relay-resume.ts). */
  sequence: number | null;
}

/** The packets table's column (the protocol's limit for a sendMsg timestamp). */
const MAX_CLIENT_TIMESTAMP_LENGTH = 64;

/**
 * A relayed frame's time and its row in the packet log: what the relay records of every frame it
 * takes, relayed or refused, on the instance its sender is connected to (DESIGN §4 "Packets").
 */
@Injectable()
export class FrameRecorder {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly packets: PacketLog,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Takes the frame's bytes from its session's budget (docs/protocol.md §8, "Rate limit"). A
   * frame refused RATE_LIMITED is not logged, but counted among the refusals
   * (satnet_frames_rejected_total): a station pushed back for its rate shows on the dashboards.
   */
  takeRate(rate: ByteRateLimit, direction: LinkDirection, bytes: number, received: Date): void {
    try {
      rate.take(bytes, received.getTime());
    } catch (error) {
      this.metrics.frameRefused(direction, 'RATE_LIMITED');
      throw error;
    }
  }

  /**
   * Ground-station time: the station's own timestamp, which must be within maxClockSkewSeconds
   * of the server's clock (it drives Doppler: a station with an unset clock is told at its first
   * frame); for the mission, the server's receive time (its timestamp is checked and kept).
   */
  frameTime(side: RelaySide, clientTimestamp: string | number, received: Date): Date | DomainError {
    const parsed = parseFrameTimestamp(clientTimestamp);
    if ('invalid' in parsed) return new DomainError('VALIDATION', 'INVALID_TIMESTAMP', parsed.invalid);
    if (side === 'mission') return received;
    const skewSeconds = Math.round((parsed.time.getTime() - received.getTime()) / 1000);
    const maxSkew = this.config.relay.maxClockSkewSeconds;
    if (Math.abs(skewSeconds) <= maxSkew) return parsed.time;
    return new DomainError(
      'VALIDATION',
      'INVALID_TIMESTAMP',
      `timestamp ${parsed.time.toISOString()} is ${Math.abs(skewSeconds)} s ${skewSeconds < 0 ? 'behind' : 'ahead of'} ` +
        `the server's clock (${received.toISOString()}); at most ${maxSkew} s is accepted: check the station's clock`,
      { serverTime: received.toISOString(), skewSeconds },
    );
  }

  /** Appends the frame to the packet log, every column within its bounds (packet.entity.ts). */
  record(frame: ReceivedFrame, verdict: FrameVerdict): Stored {
    const { data } = frame;
    // A refused frame may be longer than any relayed one (the gateway's message limit is
    // larger): its first maxCspFrameBytes bytes are kept, frameBytes says how long it was.
    const kept = Math.min(data.byteLength, this.config.relay.maxCspFrameBytes);
    const header = verdict.header;
    return this.packets.append({
      slotId: frame.session.slotId,
      stationId: frame.slot.stationId,
      spacecraftId: frame.slot.spacecraftId,
      sequence: verdict.sequence,
      frequencyHz: null,
      dedupKey: null,
      fromSide: frame.session.side,
      direction: frame.direction,
      frameBytes: data.byteLength,
      data: Buffer.from(data.buffer, data.byteOffset, kept),
      clientTimestamp: String(frame.clientTimestamp).slice(0, MAX_CLIENT_TIMESTAMP_LENGTH),
      serverReceivedAt: frame.received,
      gsTimestamp: verdict.gsTime,
      dopplerShiftHz: verdict.dopplerShiftHz,
      outcome: verdict.outcome,
      rejectRule: verdict.rule,
      cspSource: header?.source ?? null,
      cspDestination: header?.destination ?? null,
      cspSourcePort: header?.sourcePort ?? null,
      cspDestinationPort: header?.destinationPort ?? null,
    });
  }
}
