// SPDX-License-Identifier: Apache-2.0
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { describeListenAddress } from './common/listen-address';
import { installProcessSafetyNet } from './common/process-safety-net';
import { ConfigError, loadAppConfig } from './config/app-config';
import { readProcessEnvironment } from './config/process-env';

async function main(): Promise<void> {
  const config = loadAppConfig({ env: readProcessEnvironment(), argv: process.argv.slice(2) });
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  new Logger('Main').log(
    `N-Server listening on ${describeListenAddress(address)}; OpenAPI at /api/docs, JSON-RPC at /jsonrpc`,
  );
}

installProcessSafetyNet();
main().catch((error: unknown) => {
  Logger.flush();
  // Configuration problems are the operator's to fix: say what, without a stack trace.
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
