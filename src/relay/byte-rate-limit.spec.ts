// SPDX-License-Identifier: Apache-2.0
import type { DomainError } from '../common/errors';
import { ByteRateLimit } from './byte-rate-limit';

const refusal = (limit: ByteRateLimit, bytes: number, at: number) => {
  try {
    limit.take(bytes, at);
  } catch (error) {
    return error as DomainError;
  }
  return undefined;
};

describe('ByteRateLimit', () => {
  it('allows a burst of two seconds of traffic, then refuses with the wait that would suffice', () => {
    const limit = new ByteRateLimit(1000);
    expect(refusal(limit, 2000, 0)).toBeUndefined();
    const refused = refusal(limit, 100, 0);
    expect(refused).toMatchObject({
      code: 'RATE_LIMITED',
      kind: 'RATE_LIMITED',
      details: { retryAfterMs: 100 },
    });
    expect(refused?.message).toContain('1000 frame bytes per second');
    expect(refusal(limit, 100, 100)).toBeUndefined(); // 100 ms later, 100 bytes are back
  });

  it('refills at the configured rate up to the burst, never beyond', () => {
    const limit = new ByteRateLimit(1000);
    limit.take(2000, 0);
    expect(refusal(limit, 2001, 60_000)).toBeDefined(); // a minute's rest still holds two seconds
    expect(refusal(limit, 2000, 60_000)).toBeUndefined();
  });

  it('takes nothing for a refused frame, and ignores a clock that goes back', () => {
    const limit = new ByteRateLimit(1000);
    limit.take(1500, 1000);
    expect(refusal(limit, 600, 1000)).toBeDefined();
    expect(refusal(limit, 500, 500)).toBeUndefined(); // the refused 600 did not count
    expect(refusal(limit, 1, 500)).toBeDefined();
  });
});
