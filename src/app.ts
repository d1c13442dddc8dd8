// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';
import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, text } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions, CommandModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { Metrics } from './metrics/metrics.service';
import { jsonRpcBodyErrorHandler } from './transports/json-rpc/json-rpc-body-errors';
import { httpMetrics } from './transports/rest/http-metrics';
import { BODY_LIMIT_BYTES, requireJsonBody, restBodyErrorHandler } from './transports/rest/body-errors';
import { RestValidationPipe } from './transports/rest/validation.pipe';

/** Builds the whole HTTP application; used by main.ts and by the e2e tests alike. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.use(httpMetrics(app.get(Metrics)));
  // `inflate: false`: compressed bodies are refused (415) rather than inflated; a plain body sent
  // with a Content-Encoding header used to fail inside zlib and end as a 500.
  const parsing = { limit: BODY_LIMIT_BYTES, inflate: false };
  app.use('/jsonrpc', text({ ...parsing, type: () => true }), jsonRpcBodyErrorHandler);
  app.use(json(parsing));
  app.use(restBodyErrorHandler);
  app.use('/api', requireJsonBody);
  app.useGlobalPipes(new RestValidationPipe());
  setUpOpenApi(app);
  // process.exit rather than re-raising the signal: the exit handlers flush the log's buffer, so
  // the last lines of a shutdown ("TLS gateway stopped") are not lost.
  app.enableShutdownHooks([], { useProcessExit: true });
  return app;
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
