// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';
import { RateLimitedError } from '../common/errors';

/**
 * Fixed-window limit on login and registration attempts per client address, shared by every
 * transport. In memory: each instance limits on its own, which still bounds guessing per node.
 */
@Injectable()
export class AuthThrottle {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  consume(action: 'login' | 'register', clientAddress: string): void {
    const now = this.clock.nowMs();
    const windowMs = this.config.auth.throttleWindowSeconds * 1000;
    const key = `${action}:${clientAddress}`;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      this.sweep(now, windowMs);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count > this.config.auth.throttleLimit) {
      const retryAfter = Math.ceil((window.startedAt + windowMs - now) / 1000);
      throw new RateLimitedError(`too many ${action} attempts; try again in ${retryAfter} s`, retryAfter);
    }
  }

  private sweep(now: number, windowMs: number): void {
    for (const [key, window] of this.windows)
      if (now - window.startedAt >= windowMs) this.windows.delete(key);
  }
}
