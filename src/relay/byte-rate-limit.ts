// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../common/errors';

/** Seconds of traffic a session may send at once after a quiet spell. */
const BURST_SECONDS = 2;

/**
 * Frame bytes one session may send (docs/protocol.md, "Rate limit"): a token bucket refilled at
 * `bytesPerSecond`, holding at most BURST_SECONDS of it, so a station passing a fast radio link's
 * bursts is not refused while one that floods the packet log is. Times come from the caller (the
 * relay's injected clock).
 */
export class ByteRateLimit {
  /** The most bytes one take() can ever get (a larger one is always refused). */
  static burstBytes(bytesPerSecond: number): number {
    return bytesPerSecond * BURST_SECONDS;
  }

  private tokens: number;
  private lastMs: number | undefined;

  /** `who` and `what`: whose budget and what was refused, as the refusal names them. */
  constructor(
    private readonly bytesPerSecond: number,
    private readonly who = 'this session',
    private readonly what = 'the frame',
  ) {
    this.tokens = bytesPerSecond * BURST_SECONDS;
  }

  /** Takes `bytes` at `nowMs`; throws RATE_LIMITED (and takes nothing) when there are not enough. */
  take(bytes: number, nowMs: number): void {
    const capacity = this.bytesPerSecond * BURST_SECONDS;
    if (this.lastMs !== undefined && nowMs > this.lastMs)
      this.tokens = Math.min(capacity, this.tokens + ((nowMs - this.lastMs) * this.bytesPerSecond) / 1000);
    this.lastMs = Math.max(this.lastMs ?? nowMs, nowMs);
    if (bytes <= this.tokens) {
      this.tokens -= bytes;
      return;
    }
    const waitMs = Math.ceil(((bytes - this.tokens) * 1000) / this.bytesPerSecond);
    throw new DomainError(
      'RATE_LIMITED',
      'RATE_LIMITED',
      `${this.who} may send ${this.bytesPerSecond} frame bytes per second; ${this.what} was not accepted, send it again in ${waitMs} ms`,
      { retryAfterMs: waitMs },
    );
  }
}
