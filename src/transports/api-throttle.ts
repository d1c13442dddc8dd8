// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import {
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
  ThrottlerGuard,
} from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { Request } from 'express';
import { Clock } from '../common/clock';
import { RateLimitedError } from '../common/errors';
import type { Actor } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { bearerToken } from './http-auth';

/**
 * General HTTP rate limiting (@nestjs/throttler) for REST and JSON-RPC alike, beside the stricter
 * login/registration limit of the accounts module: per client address, and per user (docs/api.md,
 * "Limits"). A JSON-RPC batch is one HTTP request and counts once.
 */

type ThrottledRequest = Request & { actor?: Actor };

/** Fixed windows on the injected Clock (tests move time; nothing waits on a timer). In memory. */
@Injectable()
export class ClockThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, { startedAt: number; hits: number }>();

  constructor(private readonly clock: Clock) {}

  increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.clock.nowMs();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= ttl) {
      this.sweep(now, ttl);
      window = { startedAt: now, hits: 0 };
      this.windows.set(key, window);
    }
    window.hits += 1;
    const timeToExpire = Math.max(1, Math.ceil((window.startedAt + ttl - now) / 1000));
    const isBlocked = window.hits > limit;
    return Promise.resolve({
      totalHits: window.hits,
      timeToExpire,
      isBlocked,
      timeToBlockExpire: isBlocked ? timeToExpire : 0,
    });
  }

  private sweep(now: number, ttl: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= ttl) this.windows.delete(key);
  }
}

/** The user behind a request: its account on REST (set by the bearer guard), else its token. */
function userTracker(request: ThrottledRequest): string | undefined {
  if (request.actor) return `user:${request.actor.userId}`;
  const token = bearerToken(request.headers.authorization);
  // JSON-RPC authenticates inside its dispatcher: the credential stands for its user here.
  return token ? `token:${createHash('sha256').update(token).digest('base64url')}` : undefined;
}

export function throttlerOptions(config: AppConfig, storage: ThrottlerStorage): ThrottlerModuleOptions {
  const ttl = config.http.rateLimitWindowSeconds * 1000;
  return {
    storage,
    // Retry-After alone (from the error), not the throttler's X-RateLimit-*-ip/-user headers.
    setHeaders: false,
    // One budget per address and per user across every route (the default key is per route).
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      { name: 'ip', ttl, limit: config.http.rateLimitPerIp },
      {
        name: 'user',
        ttl,
        limit: config.http.rateLimitPerUser,
        skipIf: (context) => userTracker(context.switchToHttp().getRequest<ThrottledRequest>()) === undefined,
        getTracker: (request) => userTracker(request as ThrottledRequest) ?? 'anonymous',
      },
    ],
  };
}

/** Refuses with the API's own TOO_MANY_REQUESTS (429, Retry-After), like the login limit. */
@Injectable()
export class ApiThrottleGuard extends ThrottlerGuard {
  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const perUser = detail.tracker !== undefined && /^(user|token):/.test(detail.tracker);
    throw new RateLimitedError(
      `too many requests ${perUser ? 'for this user' : 'from this address'}; try again in ${detail.timeToBlockExpire} s`,
      detail.timeToBlockExpire,
    );
  }
}

/** For ThrottlerModule.forRootAsync: the options from the configuration, the storage on the Clock. */
@Injectable()
export class ApiThrottleOptions {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  createThrottlerOptions(): ThrottlerModuleOptions {
    return throttlerOptions(this.config, new ClockThrottlerStorage(this.clock));
  }
}
