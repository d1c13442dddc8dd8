// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../common/errors';
import { findTleEntry, parseTle, parseTleFile, TleError, type Tle } from '../orbit/tle';

/**
 * Downloads a TLE file (e.g. a Celestrak group file, Annex C `tracking.url`) and picks one
 * entry by name or NORAD id. It only fetches and validates: keeping the last good TLE when a
 * refresh fails is the caller's job (TleRefreshService records the failure and keeps it).
 */

export type TleFetchErrorReason =
  'BAD_URL' | 'NETWORK' | 'TIMEOUT' | 'HTTP_STATUS' | 'TOO_LARGE' | 'MALFORMED' | 'NOT_FOUND_IN_FILE';

/** The TLE source failed or did not hold a usable entry; `reason` is stable. */
export class TleFetchError extends DomainError {
  constructor(
    readonly reason: TleFetchErrorReason,
    message: string,
  ) {
    super('UNAVAILABLE', 'TLE_FETCH_FAILED', message, { reason });
    this.name = 'TleFetchError';
  }
}

export interface TleFetcherOptions {
  /** Budget for the whole exchange: connecting, headers and body. */
  timeoutMs: number;
  /** Largest body accepted; a Celestrak group file is a few hundred kB. */
  maxBytes: number;
}

export class TleFetcher {
  constructor(private readonly options: TleFetcherOptions) {}

  /** Fetches `url` and returns the validated TLE of the entry named (or numbered) `spacecraftId`. */
  async fetchTle(url: string, spacecraftId: string | number): Promise<Tle> {
    const target = normaliseTleUrl(url);
    const text = await this.download(target);
    try {
      const entry = findTleEntry(parseTleFile(text), spacecraftId);
      if (!entry) {
        throw new TleFetchError(
          'NOT_FOUND_IN_FILE',
          `${shown(target)} has no TLE entry for "${spacecraftId}"`,
        );
      }
      return parseTle(entry.line1, entry.line2, entry.name);
    } catch (error) {
      if (error instanceof TleError) {
        throw new TleFetchError('MALFORMED', `${shown(target)} does not hold a usable TLE: ${error.message}`);
      }
      throw error;
    }
  }

  private async download(target: URL): Promise<string> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    try {
      const response = await fetch(target, { signal: abort.signal, headers: { accept: 'text/plain' } });
      if (!response.ok) {
        await response.body?.cancel();
        throw new TleFetchError('HTTP_STATUS', `${shown(target)} answered HTTP ${response.status}`);
      }
      return await readCapped(response, this.options.maxBytes, target);
    } catch (error) {
      if (error instanceof TleFetchError) throw error;
      if (abort.signal.aborted) {
        throw new TleFetchError(
          'TIMEOUT',
          `${shown(target)} did not answer within ${this.options.timeoutMs} ms`,
        );
      }
      throw new TleFetchError('NETWORK', `${shown(target)} could not be fetched: ${describe(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Annex C shows URLs without a scheme (`www.celestrak.com/NORAD/elements/f.txt`): those get
 * https. Other schemes than http(s) are refused (no file:, no data:), and so are credentials.
 */
export function normaliseTleUrl(url: string): URL {
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(url.trim()) ? url.trim() : `https://${url.trim()}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new TleFetchError('BAD_URL', `"${url}" is not a valid URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TleFetchError('BAD_URL', `"${url}" must use http or https, not ${parsed.protocol}`);
  }
  // fetch() refuses them anyway, and an error would echo the password.
  if (parsed.username || parsed.password) {
    throw new TleFetchError('BAD_URL', `${shown(parsed)}: credentials in the URL are not supported`);
  }
  return parsed;
}

/** The URL as messages show it: without credentials or query (which may carry a key). */
function shown(target: URL): string {
  return `${target.origin}${target.pathname}`;
}

/** Reads the body as UTF-8 text, giving up as soon as it grows beyond `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, target: URL): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  const tooLarge = () =>
    new TleFetchError(
      'TOO_LARGE',
      `${shown(target)} sent more than the ${maxBytes} bytes allowed for a TLE file`,
    );
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Node's fetch streams Uint8Array chunks; its typings leave them untyped.
  const body = (response.body ?? []) as AsyncIterable<Uint8Array>;
  for await (const chunk of body) {
    size += chunk.byteLength;
    // Leaving the loop (by throwing) cancels the stream and closes the connection.
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * fetch() reports network failures as "fetch failed" with the useful part (e.g. ECONNREFUSED)
 * in `cause`. Duck-typed: undici's errors can come from another realm than ours (Jest).
 */
function describe(error: unknown): string {
  const cause = isErrorLike(error) ? error.cause : undefined;
  if (!isErrorLike(cause)) return isErrorLike(error) ? error.message : String(error);
  const code = typeof cause.code === 'string' ? cause.code : cause.name;
  return `${code}: ${cause.message}`;
}

function isErrorLike(
  value: unknown,
): value is { name: string; message: string; code?: unknown; cause?: unknown } {
  return (
    typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string'
  );
}
