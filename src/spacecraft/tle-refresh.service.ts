// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import type { Tle } from '../orbit/tle';
import './spacecraft-events';
import { checkNoradId, withTle } from './spacecraft-mapper';
import type { Spacecraft } from './spacecraft.entity';
import { SpacecraftRepository } from './spacecraft.repository';
import { TleFetcher } from './tle-fetcher';

const TICK_MS = 60_000;
const MAX_TLE_FILE_BYTES = 8 * 1024 * 1024;
/** The periodic look for spacecraft whose TLE is due for a refresh. */
export const TLE_REFRESH_JOB = 'spacecraft.tle-refresh';

/**
 * Keeps TLEs with a tracking URL fresh: on demand and every SATNET_TLE_REFRESH_MINUTES. A failed
 * refresh records its error and keeps the last good TLE. Which spacecraft are due is read from
 * the database (lastRefreshAt), so the timer only decides when to look, never what is correct.
 */
@Injectable()
export class TleRefreshService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TleRefreshService.name);
  private readonly fetcher: TleFetcher;
  private sweeping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly repository: SpacecraftRepository,
    private readonly events: DomainEvents,
    private readonly jobs: JobRunner,
  ) {
    this.fetcher = new TleFetcher({
      timeoutMs: config.orbit.tleFetchTimeoutMs,
      maxBytes: MAX_TLE_FILE_BYTES,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.orbit.tleRefreshMinutes === 0) return;
    this.jobs.every(TLE_REFRESH_JOB, TICK_MS, () => this.refreshDue(), { once: true });
  }

  /** Refreshes every spacecraft whose last refresh is older than the configured interval. */
  async refreshDue(): Promise<{ refreshed: number; failed: number }> {
    if (this.sweeping) return { refreshed: 0, failed: 0 };
    this.sweeping = true;
    try {
      const before = new Date(this.clock.nowMs() - this.config.orbit.tleRefreshMinutes * 60_000);
      const due = await this.repository.dueForRefresh(before);
      let refreshed = 0;
      let failed = 0;
      // One deleted meanwhile counts as neither (fetchAndRecord logs it); the others go on.
      for (const spacecraft of due) {
        const updated = await this.fetchAndRecord(spacecraft);
        if (updated?.lastRefreshError) failed++;
        else if (updated) refreshed++;
      }
      return { refreshed, failed };
    } finally {
      this.sweeping = false;
    }
  }

  /** Refreshes and answers TLE_REFRESH_FAILED (with the reason) when the fetch fails. */
  async refresh(spacecraft: Spacecraft): Promise<Spacecraft> {
    if (!spacecraft.trackingUrl)
      throw new DomainError(
        'STATE',
        'NO_TRACKING_URL',
        `spacecraft "${spacecraft.identifier}" has no tracking URL to refresh from; its TLE is set directly in its configuration`,
      );
    const updated = await this.refreshQuietly(spacecraft);
    if (updated.lastRefreshError)
      throw new DomainError(
        'UNAVAILABLE',
        'TLE_REFRESH_FAILED',
        `could not refresh the TLE of "${spacecraft.identifier}": ${updated.lastRefreshError}` +
          (updated.tleLine1 ? '; the last good TLE stays in use' : ''),
      );
    return updated;
  }

  /**
   * Refreshes and records the outcome; never throws for a fetch problem. Throws
   * SPACECRAFT_NOT_FOUND when the spacecraft was deleted meanwhile (the caller asked about it).
   */
  async refreshQuietly(spacecraft: Spacecraft): Promise<Spacecraft> {
    const updated = await this.fetchAndRecord(spacecraft);
    if (!updated)
      throw new DomainError('NOT_FOUND', 'SPACECRAFT_NOT_FOUND', 'the spacecraft was deleted meanwhile');
    return updated;
  }

  /** Null when the spacecraft was deleted while its TLE was being fetched. */
  private async fetchAndRecord(spacecraft: Spacecraft): Promise<Spacecraft | null> {
    if (!spacecraft.trackingUrl || !spacecraft.trackingSpacecraftId) return spacecraft;
    let tle: Tle | null = null;
    let problem: string | null = null;
    try {
      const fetched = await this.fetcher.fetchTle(spacecraft.trackingUrl, spacecraft.trackingSpacecraftId);
      checkNoradId(spacecraft.noradId, fetched);
      tle = fetched;
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      problem = error.message;
    }
    return this.record(spacecraft.id, tle, problem);
  }

  /** Null (and nothing recorded) when the spacecraft was deleted during the fetch. */
  private async record(
    spacecraftId: string,
    tle: Tle | null,
    problem: string | null,
  ): Promise<Spacecraft | null> {
    const now = this.clock.now();
    return this.db.transaction(async () => {
      const current = await this.repository.findById(spacecraftId);
      if (!current) {
        this.logger.log({ spacecraftId }, 'spacecraft deleted during its TLE refresh; nothing to record');
        return null;
      }
      const changed = tle !== null && (tle.line1 !== current.tleLine1 || tle.line2 !== current.tleLine2);
      const next = {
        ...(tle ? withTle(current, tle, changed ? now : (current.tleUpdatedAt ?? now)) : current),
      };
      const saved = await this.repository.save({
        ...next,
        lastRefreshAt: now,
        lastRefreshError: problem?.slice(0, 500) ?? null,
      });
      if (problem)
        this.logger.warn(
          { spacecraft: current.identifier, problem },
          'TLE refresh failed; keeping the last good TLE',
        );
      else this.logger.log({ spacecraft: current.identifier, changed }, 'TLE refreshed');
      if (changed)
        await this.events.publish('spacecraft.changed', { spacecraftId, identifier: current.identifier });
      return saved;
    });
  }
}
