// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';
import { isIP } from 'node:net';
import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, text } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions, CommandModule } from './app.module';
import { type AppConfig, ConfigError } from './config/app-config';
import { consoleHandler } from './transports/console/console-static';
import { Metrics } from './metrics/metrics.service';
import { jsonRpcBodyErrorHandler } from './transports/json-rpc/json-rpc-body-errors';
import { httpMetrics } from './transports/rest/http-metrics';
import { BODY_LIMIT_BYTES, requireJsonBody, restBodyErrorHandler } from './transports/rest/body-errors';
import { RestValidationPipe } from './transports/rest/validation.pipe';

/** Builds the whole HTTP application; used by main.ts and by the e2e tests alike. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const trustProxy = config.http.trustProxy === null ? null : trustProxySetting(config.http.trustProxy);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  if (trustProxy !== null) app.set('trust proxy', trustProxy);
  app.use(httpMetrics(app.get(Metrics)));
  // `inflate: false`: compressed bodies are refused (415) rather than inflated; a plain body sent
  // with a Content-Encoding header used to fail inside zlib and end as a 500.
  const parsing = { limit: BODY_LIMIT_BYTES, inflate: false };
  app.use('/jsonrpc', text({ ...parsing, type: () => true }), jsonRpcBodyErrorHandler);
  app.use(json(parsing));
  app.use(restBodyErrorHandler);
  app.use('/api', requireJsonBody);
  // The web console's files and pages; it never answers a server route (console-paths.ts).
  app.use(consoleHandler(config.http.consoleDir));
  app.useGlobalPipes(new RestValidationPipe());
  setUpOpenApi(app);
  // process.exit rather than re-raising the signal: the exit handlers flush the log's buffer, so
  // the last lines of a shutdown ("TLS gateway stopped") are not lost.
  app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}

/**
 * Express's `trust proxy` from SATNET_HTTP_TRUST_PROXY: a hop count, or the addresses and subnets
 * of the proxies (behind HAProxy, each client's own address then counts for the rate limits).
 * Checked before the app is built, so a typo stops start-up with a message, not a stack.
 */
function trustProxySetting(value: string): number | string[] {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const proxies = text.split(',').map((part) => part.trim());
  const bad = proxies.filter((proxy) => !isProxyAddress(proxy));
  if (bad.length > 0)
    throw new ConfigError([
      `SATNET_HTTP_TRUST_PROXY: ${bad.join(', ')} is not a hop count, an address, a subnet or loopback/linklocal/uniquelocal`,
    ]);
  return proxies;
}

function isProxyAddress(proxy: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(proxy)) return true;
  const [address, prefix, ...rest] = proxy.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/** For commands (CLI): database and accounts only; no HTTP server, gateway or background work. */
export async function createCommandContext(config: AppConfig): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(CommandModule.forRoot(config), {
    bufferLogs: true,
  });
  context.useLogger(context.get(Logger));
  return context;
}

function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('SATNet N-Server')
      .setDescription(
        'Ground-station network broker: accounts, configuration, booking. JSON-RPC 2.0 at POST /jsonrpc.',
      )
      // Opaque tokens, not JWTs: `sns_…` from a login, or `snk_…` API keys.
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque (sns_… login token or snk_… API key)',
      })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs.json' });
}
