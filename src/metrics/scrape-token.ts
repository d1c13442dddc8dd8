// SPDX-License-Identifier: Apache-2.0
import { createHash, timingSafeEqual } from 'node:crypto';

export type ScrapeAccess = 'OPEN' | 'ALLOWED' | 'MISSING' | 'WRONG';

/**
 * Whether a scrape may read /metrics: always when no token is configured; otherwise only with
 * that token. Compared as digests in constant time, so timing tells nothing of the token.
 */
export function scrapeAccess(configured: string | null, presented: string | null): ScrapeAccess {
  if (configured === null) return 'OPEN';
  if (presented === null) return 'MISSING';
  return timingSafeEqual(digest(configured), digest(presented)) ? 'ALLOWED' : 'WRONG';
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
