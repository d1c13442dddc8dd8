// SPDX-License-Identifier: Apache-2.0
import { createHash, randomBytes } from 'node:crypto';

/** Bearer tokens from a login start with this; API keys with SECRET_PREFIX.apiKey. */
export const SECRET_PREFIX = { session: 'sns_', apiKey: 'snk_' } as const;

/** 256 random bits, URL-safe, behind a prefix that tells what kind of secret it is. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Secrets have full entropy, so a fast hash is enough to store them. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
