// SPDX-License-Identifier: Apache-2.0
import type { Actor } from '../../common/request-context';
import type { WsHandlers, WsSession } from './ws-session';

/**
 * A WebSocket endpoint on the HTTP port. The gateway authenticates the upgrade request; the route
 * decides at the handshake whether the caller may open it (a DomainError refuses it with its
 * HTTP status), then takes the session once it is open.
 */
export interface WsRoute {
  /** The path's parameters when this route serves `pathname`, else null. */
  match(pathname: string): Record<string, string> | null;
  admit(actor: Actor, params: Record<string, string>, query: URLSearchParams): Promise<WsAdmission>;
}

/** What a route granted at the handshake: it holds its resources (a seat) until open or cancel. */
export interface WsAdmission {
  open(session: WsSession): WsHandlers;
  /** The upgrade did not complete: give back what admit took. */
  cancel(): void;
}
