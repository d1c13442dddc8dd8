// SPDX-License-Identifier: Apache-2.0
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer } from 'ws';
import { AccountsService } from '../../accounts/accounts.service';
import { DomainError, UnauthenticatedError } from '../../common/errors';
import { JobRunner } from '../../common/jobs';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { MissionRelayPort } from '../../relay/relay-port';
import { bearerToken } from '../http-auth';
import { HTTP_STATUS_BY_KIND } from '../rest/http-errors';
import { EventsSocketRoute } from './events-socket';
import { MissionSocketRoute } from './mission-socket';
import { PacketsSocketRoute } from './packets-socket';
import type { WsRoute } from './ws-route';
import { WS_CLOSE, WsSession, type WsLimits, wsLimits } from './ws-session';

/** The subprotocol the server selects; a browser offers it with `bearer.<token>` (docs/protocol.md §13.1). */
export const WS_SUBPROTOCOL = 'satnet.v1';
const BEARER_PROTOCOL = 'bearer.';
/** The keep-alive job: pings every session, cuts those that did not answer the previous ping. */
export const WS_KEEPALIVE_JOB = 'ws.keepalive';
/** How long shutdown waits for sessions to finish their close handshake. */
const CLOSE_GRACE_MS = 2000;

/**
 * WebSockets on the HTTP port (docs/protocol.md §13). The `ws` server runs without its own HTTP
 * server: this gateway takes the HTTP server's upgrade requests, routes them by path (with path
 * parameters), authenticates them and lets the route admit them, all before the handshake
 * completes, so that a refusal is a plain HTTP status with a JSON body and never an accepted
 * socket closed at once. Nest's WebSocket adapter routes by exact path and accepts first, which
 * cannot express either.
 */
@Injectable()
export class WsGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WsGateway.name);
  private readonly sessions = new Set<WsSession>();
  private readonly routes: WsRoute[];
  private readonly limits: WsLimits;
  private readonly server: WebSocketServer;
  private httpServer: Server | undefined;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly accounts: AccountsService,
    private readonly jobs: JobRunner,
    private readonly relay: MissionRelayPort,
    mission: MissionSocketRoute,
    events: EventsSocketRoute,
    packets: PacketsSocketRoute,
  ) {
    this.routes = [mission, events, packets];
    this.limits = wsLimits(config.websocket);
    this.server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: this.limits.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
    });
  }

  onApplicationBootstrap(): void {
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!httpServer) return; // an application context without HTTP (the CLI)
    this.httpServer = httpServer;
    httpServer.on('upgrade', this.upgrade);
    this.jobs.every(WS_KEEPALIVE_JOB, this.config.websocket.pingSeconds * 1000, () => this.keepAlive());
  }

  /** Pings every session; cuts those that did not answer the previous ping. */
  keepAlive(): void {
    for (const session of this.sessions) session.keepAlive();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Shutdown: new upgrades are refused, the packet log is flushed (every acknowledged uplink is
   * stored), then every session is closed with 1001 and cut if it does not finish in time.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.httpServer?.off('upgrade', this.upgrade);
    if (this.sessions.size === 0) return;
    try {
      await this.relay.drain();
    } catch (error) {
      this.logger.error({ err: error }, 'the relay failed to drain');
    }
    const open = [...this.sessions];
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    // The answers owed (acknowledgements of stored uplinks) go out before the close frame.
    await Promise.race([Promise.all(open.map((session) => session.settled())), grace]);
    for (const session of open)
      session.close('SHUTDOWN', WS_CLOSE.GOING_AWAY, 'the server is shutting down; reconnect later');
    await Promise.race([Promise.all(open.map((session) => session.whenClosed)), grace]);
    clearTimeout(timer);
    for (const session of open) session.terminate();
    this.logger.log({ sessions: open.length }, 'WebSocket sessions closed');
  }

  private readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (error) => this.logger.debug(`WebSocket upgrade socket error: ${error.message}`));
    // The path only: a query may carry the token.
    const path = (request.url ?? '/').split('?')[0];
    this.jobs.fireAndForget('ws.handshake', this.handshake(request, socket, head), { path });
  };

  private async handshake(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://server');
    const found = this.route(url.pathname);
    if (!found) return refuse(socket, 404, 'ROUTE_NOT_FOUND', `no WebSocket endpoint at ${url.pathname}`);
    if (this.stopping)
      return refuse(socket, 503, 'SHUTTING_DOWN', 'the server is shutting down; reconnect later');
    let admission;
    try {
      const actor = await this.accounts.authenticate(credentialOf(request, url));
      admission = await found.route.admit(actor, found.params, url.searchParams);
    } catch (error) {
      if (error instanceof DomainError)
        return refuse(socket, HTTP_STATUS_BY_KIND[error.kind], error.code, error.message, error.details);
      this.logger.error({ err: error, path: url.pathname }, 'WebSocket handshake failed');
      return refuse(socket, 500, 'INTERNAL_ERROR', 'the server failed; try again');
    }
    let accepted = false;
    // handleUpgrade answers a malformed handshake (bad key, version) itself and never calls back.
    socket.once('close', () => accepted || admission.cancel());
    if (socket.destroyed) return admission.cancel();
    this.server.handleUpgrade(request, socket, head, (websocket) => {
      accepted = true;
      const session = new WsSession(
        websocket,
        socket,
        `${request.socket.remoteAddress}:${request.socket.remotePort}`,
        url.pathname,
        this.limits,
        (ended) => this.sessions.delete(ended),
      );
      this.sessions.add(session);
      session.start(admission.open(session));
      this.logger.log(
        { session: session.id, path: url.pathname, remote: session.remoteAddress },
        'WebSocket session opened',
      );
    });
  }

  private route(pathname: string): { route: WsRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      const params = route.match(pathname);
      if (params) return { route, params };
    }
    return undefined;
  }
}

/**
 * The credential of an upgrade request: `Authorization: Bearer`, else a `bearer.<token>`
 * subprotocol, else `?token=` (browsers can set neither headers nor cookies for another origin).
 */
function credentialOf(request: IncomingMessage, url: URL): string {
  const header = bearerToken(request.headers.authorization);
  if (header) return header;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const fromProtocol = offered.find((protocol) => protocol.startsWith(BEARER_PROTOCOL));
  if (fromProtocol) return fromProtocol.slice(BEARER_PROTOCOL.length);
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  throw new UnauthenticatedError(
    'AUTHENTICATION_REQUIRED',
    'send "Authorization: Bearer <token>", a "bearer.<token>" subprotocol or ?token=<token>',
  );
}

/** Answers the upgrade request with a plain HTTP error and a JSON body, and closes the connection. */
function refuse(
  socket: Duplex,
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
