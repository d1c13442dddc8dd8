// SPDX-License-Identifier: Apache-2.0
import { scrapeAccess } from './scrape-token';

describe('scrapeAccess', () => {
  it('lets anyone scrape when no token is configured', () => {
    expect(scrapeAccess(null, null)).toBe('OPEN');
    expect(scrapeAccess(null, 'anything')).toBe('OPEN');
  });

  it('wants exactly the configured token once one is set', () => {
    expect(scrapeAccess('s3cret-token', 's3cret-token')).toBe('ALLOWED');
    expect(scrapeAccess('s3cret-token', null)).toBe('MISSING');
    expect(scrapeAccess('s3cret-token', 's3cret-tokeN')).toBe('WRONG');
    expect(scrapeAccess('s3cret-token', 's3cret-token-and-more')).toBe('WRONG');
    expect(scrapeAccess('s3cret-token', '')).toBe('WRONG');
  });
});
