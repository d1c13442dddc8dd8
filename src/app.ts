import 'reflect-metadata';
import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response, text } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module';
import type { AppConfig } from './config/app-config';
import { RestValidationPipe } from './transports/rest/validation.pipe';

const BODY_LIMIT = '1mb';

/** Builds the whole HTTP application; used by main.ts and by the e2e tests alike. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.use('/jsonrpc', text({ type: () => true, limit: BODY_LIMIT }));
  app.use(json({ limit: BODY_LIMIT }));
  app.use(bodyErrorHandler);
  app.useGlobalPipes(new RestValidationPipe());
  setUpOpenApi(app);
  app.enableShutdownHooks();
  return app;
}

/** For commands (CLI): the same modules, no HTTP server. */
export async function createAppContext(config: AppConfig): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(config), { bufferLogs: true });
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
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs.json' });
}

/** Body-parser failures (malformed JSON, too large) answered in the same error shape as the API. */
function bodyErrorHandler(
  error: Error & { status?: number; type?: string },
  _: Request,
  response: Response,
  next: NextFunction,
): void {
  if (!error.type) return next(error);
  const status = error.status ?? 400;
  const code =
    error.type === 'entity.parse.failed'
      ? 'MALFORMED_JSON'
      : status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : 'BAD_REQUEST';
  const message =
    code === 'MALFORMED_JSON' ? `the request body is not valid JSON: ${error.message}` : error.message;
  response.status(status).json({ error: { code, message } });
}
