// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, SystemClock } from '../../../common/clock';
import { type AppConfig, loadAppConfig } from '../../../config/app-config';
import { GatewayServer } from '../gateway.server';
import { DEV_CERT_FILE } from '../tls-credentials';
import { FakeRelay } from './fake-relay';

export interface TestGateway {
  server: GatewayServer;
  relay: FakeRelay;
  config: AppConfig;
  port: number;
  /** The generated development certificate (PEM), for clients that verify it as their CA. */
  cert: string;
  certPath: string;
  fingerprint256: string;
  stop(): Promise<void>;
}

/**
 * The real GatewayServer on 127.0.0.1, a free port and a development certificate in a fresh
 * directory, in front of a FakeRelay. `env` overrides gateway settings (SATNET_GATEWAY_…).
 */
export async function startTestGateway(
  options: { relay?: FakeRelay; env?: Record<string, string>; clock?: Clock } = {},
): Promise<TestGateway> {
  const tlsDir = mkdtempSync(join(tmpdir(), 'satnet-gateway-'));
  const config = loadAppConfig({
    env: {
      SATNET_GATEWAY_HOST: '127.0.0.1',
      SATNET_GATEWAY_PORT: '0',
      SATNET_TLS_DIR: tlsDir,
      ...options.env,
    },
  });
  const relay = options.relay ?? new FakeRelay();
  const server = new GatewayServer(config, relay, options.clock ?? new SystemClock());
  const port = await server.start();
  return {
    server,
    relay,
    config,
    port,
    cert: readFileSync(join(tlsDir, DEV_CERT_FILE), 'utf8'),
    certPath: join(tlsDir, DEV_CERT_FILE),
    fingerprint256: server.fingerprint256,
    async stop() {
      await server.stop();
      rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}
