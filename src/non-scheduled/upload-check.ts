// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { DomainError } from '../common/errors';
import { cspHeaderLength } from '../csp/csp-header';
import { parseFrameTimestamp } from '../relay/frame-timestamp';

/**
 * The checks of a non-scheduled upload (docs/api.md "Non-scheduled frames"), pure: an upload is
 * taken whole or refused whole. A station re-sends a refused upload once fixed; with partial
 * acceptance it would have to work out which frames went in, and duplicates are already harmless.
 */

/** One frame as the transports hand it over (base64 already decoded). */
export interface UploadFrame {
  data: Uint8Array;
  /** ISO 8601 with an offset, or integer epoch milliseconds (as sendMsg's timestamp). */
  gsTimestamp: string | number;
  frequencyHz?: number | null;
}

export interface CheckedFrame {
  index: number;
  data: Buffer;
  gsTime: Date;
  clientTimestamp: string;
  frequencyHz: number | null;
  /** sha256 hex of (station, ground-station time in ms, bytes): the same frame heard once. */
  dedupKey: string;
}

export const FRAME_REFUSALS = [
  'FRAME_TOO_SHORT',
  'FRAME_TOO_LARGE',
  'INVALID_TIMESTAMP',
  'TIMESTAMP_IN_FUTURE',
  'INVALID_FREQUENCY',
] as const;
export type FrameRefusalReason = (typeof FRAME_REFUSALS)[number];

export interface FrameRefusal {
  index: number;
  reason: FrameRefusalReason;
  message: string;
}

export interface UploadLimits {
  maxFrames: number;
  maxFrameBytes: number;
  maxUploadBytes: number;
  /** How far ahead of the server's clock a ground-station time may be. */
  maxClockSkewSeconds: number;
}

/** Refusals listed in one error at most: enough to fix a client, bounded for a 1,000-frame upload. */
const MAX_LISTED = 20;
/** Column length of packets.clientTimestamp. */
const MAX_TIMESTAMP_LENGTH = 64;
/** The smallest CSP header (v1): shorter, no header can be read at all. */
const MIN_FRAME_BYTES = Math.min(cspHeaderLength(1), cspHeaderLength(2));
/** 1 THz: beyond any radio a station listens with; catches units mistakes (e.g. mHz). */
const MAX_FREQUENCY_HZ = 1e12;

export function checkUpload(
  stationId: string,
  frames: readonly UploadFrame[],
  limits: UploadLimits,
  now: Date,
): CheckedFrame[] {
  checkSize(frames, limits);
  const checked: CheckedFrame[] = [];
  const refusals: FrameRefusal[] = [];
  frames.forEach((frame, index) => {
    const result = checkFrame(stationId, frame, index, limits, now);
    if ('reason' in result) refusals.push(result);
    else checked.push(result);
  });
  if (refusals.length > 0) {
    const first = refusals[0];
    throw new DomainError(
      'VALIDATION',
      'FRAMES_REFUSED',
      `${refusals.length} of ${frames.length} frames refused, nothing stored; frame ${first.index}: ${first.message}`,
      { refused: refusals.slice(0, MAX_LISTED), refusedCount: refusals.length },
    );
  }
  return checked;
}

function checkSize(frames: readonly UploadFrame[], limits: UploadLimits): void {
  const bytes = frames.reduce((sum, frame) => sum + frame.data.length, 0);
  if (frames.length >= 1 && frames.length <= limits.maxFrames && bytes <= limits.maxUploadBytes) return;
  throw new DomainError(
    'VALIDATION',
    'UPLOAD_TOO_LARGE',
    frames.length === 0
      ? 'an upload needs at least one frame'
      : `an upload may hold 1 to ${limits.maxFrames} frames and ${limits.maxUploadBytes} frame bytes; ` +
          `this one has ${frames.length} frames and ${bytes} bytes: split it`,
    { maxFrames: limits.maxFrames, maxUploadBytes: limits.maxUploadBytes },
  );
}

function checkFrame(
  stationId: string,
  frame: UploadFrame,
  index: number,
  limits: UploadLimits,
  now: Date,
): CheckedFrame | FrameRefusal {
  const refuse = (reason: FrameRefusalReason, message: string): FrameRefusal => ({ index, reason, message });
  const { data, gsTimestamp } = frame;
  if (data.length < MIN_FRAME_BYTES)
    return refuse('FRAME_TOO_SHORT', `${data.length} bytes hold no CSP header (at least ${MIN_FRAME_BYTES})`);
  if (data.length > limits.maxFrameBytes)
    return refuse('FRAME_TOO_LARGE', `${data.length} bytes; the maximum is ${limits.maxFrameBytes}`);
  const parsed =
    typeof gsTimestamp === 'string' && gsTimestamp.length > MAX_TIMESTAMP_LENGTH
      ? { invalid: `timestamp is longer than ${MAX_TIMESTAMP_LENGTH} characters` }
      : parseFrameTimestamp(gsTimestamp);
  if ('invalid' in parsed) return refuse('INVALID_TIMESTAMP', parsed.invalid);
  const aheadSeconds = Math.round((parsed.time.getTime() - now.getTime()) / 1000);
  if (aheadSeconds > limits.maxClockSkewSeconds)
    return refuse(
      'TIMESTAMP_IN_FUTURE',
      `gsTimestamp ${parsed.time.toISOString()} is ${aheadSeconds} s ahead of the server's clock ` +
        `(${now.toISOString()}); at most ${limits.maxClockSkewSeconds} s is accepted`,
    );
  const frequencyHz = frame.frequencyHz ?? null;
  if (
    frequencyHz !== null &&
    !(Number.isFinite(frequencyHz) && frequencyHz > 0 && frequencyHz <= MAX_FREQUENCY_HZ)
  )
    return refuse('INVALID_FREQUENCY', `frequencyHz must be a number of Hz above 0 and at most 1e12`);
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.length);
  return {
    index,
    data: buffer,
    gsTime: parsed.time,
    clientTimestamp: String(gsTimestamp),
    frequencyHz,
    dedupKey: dedupKey(stationId, parsed.time, buffer),
  };
}

export function dedupKey(stationId: string, gsTime: Date, data: Uint8Array): string {
  return createHash('sha256').update(`${stationId}\n${gsTime.getTime()}\n`).update(data).digest('hex');
}
