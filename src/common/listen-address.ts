// SPDX-License-Identifier: Apache-2.0
import type { AddressInfo } from 'node:net';

/**
 * The HTTP server's real bind address for the start-up log, e.g.
 * `http://0.0.0.0:8080 (every interface; from this machine http://localhost:8080)`.
 * Nest's getUrl() rewrites 0.0.0.0 to 127.0.0.1, which hides that the server is reachable from
 * other machines.
 */
export function describeListenAddress({ address, port, family }: AddressInfo): string {
  const host = family === 'IPv6' ? `[${address}]` : address;
  const url = `http://${host}:${port}`;
  const everyInterface = address === '0.0.0.0' || address === '::';
  return everyInterface ? `${url} (every interface; from this machine http://localhost:${port})` : url;
}
