// SPDX-License-Identifier: Apache-2.0
import { currentToken } from './client';

/**
 * A WebSocket to one of the server's sockets (docs/protocol.md §13.1). Browsers cannot set
 * headers, so the login token travels in the `bearer.<token>` subprotocol beside `satnet.v1`.
 */
export function openSocket(path: string, token = currentToken()): WebSocket {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new WebSocket(`${scheme}://${location.host}${path}`, ['satnet.v1', `bearer.${token ?? ''}`]);
}
