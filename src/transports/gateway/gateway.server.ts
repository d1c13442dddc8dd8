// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { NonScheduledService } from '../../non-scheduled/non-scheduled.service';
import { RelayPort } from '../../relay/relay-port';
import {
  CLOSE_GRACE_MS,
  ClientConnection,
  connectionLimits,
  type ConnectionLimits,
} from './client-connection';
import { CLOSE_NOTICE } from './gateway-errors';
import { loadTlsCredentials } from './tls-credentials';

/**
 * The TLS RPC gateway (DESIGN.md section 4, docs/protocol.md): owns the tls.Server, hands each
 * connection to a ClientConnection, and on shutdown stops accepting, lets the relay drain (sessions
 * end as SHUTDOWN, the packet log is flushed and waiting answers sent), tells every client, and
 * destroys what has not closed within the grace period.
 */
@Injectable()
export class GatewayServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GatewayServer.name);
  private readonly connections = new Set<ClientConnection>();
  private readonly limits: ConnectionLimits;
  private server: Server | undefined;
  private boundPort: number | undefined;
  private fingerprint: string | undefined;
  /** Called when the last connection has closed (shutdown waits for it). */
  private whenEmpty: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly relay: RelayPort,
    private readonly clock: Clock,
    @Optional() private readonly nonScheduled?: NonScheduledService,
  ) {
    this.limits = connectionLimits(config.gateway);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.gateway.enabled) await this.start();
  }

  /** Before the relay's own module is destroyed (Nest destroys importers first), so drain still works. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** The port the gateway listens on (the real one when configured with port 0). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('the TLS gateway is not listening');
    return this.boundPort;
  }

  /** SHA-256 fingerprint of the certificate in use, "AB:CD:…". */
  get fingerprint256(): string {
    if (this.fingerprint === undefined) throw new Error('the TLS gateway is not listening');
    return this.fingerprint;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async start(): Promise<number> {
    if (this.server) return this.port;
    const { host, port, loginTimeoutMs } = this.config.gateway;
    const credentials = await loadTlsCredentials(this.config.gateway);
    const server = createServer(
      {
        cert: credentials.cert,
        key: credentials.key,
        minVersion: 'TLSv1.2',
        // A connection that never finishes its handshake is not allowed longer than one that never logs in.
        handshakeTimeout: loginTimeoutMs,
        noDelay: true, // frames are small and latency counts; each tick's frames are coalesced anyway
        keepAlive: true,
      },
      this.accept,
    );
    server.on('tlsClientError', (error) => this.logger.debug(`TLS handshake failed: ${error.message}`));
    await listen(server, port, host);
    server.on('error', (error: Error) => this.logger.error({ err: error }, 'TLS gateway error'));
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.fingerprint = credentials.fingerprint256;
    this.logger.log(
      `TLS gateway listening on ${host}:${this.boundPort}; certificate ${credentials.certPath} ` +
        `(${credentials.source}), SHA-256 fingerprint ${credentials.fingerprint256}`,
    );
    return this.boundPort;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.boundPort = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      // Sessions end as SHUTDOWN and the packet log is flushed: every frame still waiting for its
      // commit is stored, and its sender answered, before the connections close.
      await this.relay.drain();
    } catch (error) {
      this.logger.error({ err: error }, 'the relay failed to drain');
    }
    const notice = {
      code: CLOSE_NOTICE.SERVER_SHUTDOWN,
      message: 'the server is shutting down; reconnect later',
    };
    const open = [...this.connections];
    for (const connection of open) connection.close('server shutdown', notice);
    await this.allClosed(CLOSE_GRACE_MS);
    for (const connection of [...this.connections]) connection.abort('server shutdown');
    await closed;
    this.logger.log('TLS gateway stopped');
  }

  /** Resolves once every connection has closed, or after `ms`. */
  private allClosed(ms: number): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      this.whenEmpty = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private readonly accept = (socket: TLSSocket): void => {
    const connection = new ClientConnection(socket, {
      connectionId: randomUUID(),
      remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
      relay: this.relay,
      nonScheduled: this.nonScheduled,
      limits: this.limits,
      clock: this.clock,
      onClosed: (closed) => {
        this.connections.delete(closed);
        if (this.connections.size === 0) this.whenEmpty?.();
      },
    });
    this.connections.add(connection);
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
