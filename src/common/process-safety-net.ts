// SPDX-License-Identifier: Apache-2.0
import type { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';

/**
 * The last line of defence, for work that escaped the JobRunner (src/common/jobs.ts) or a
 * request's error handling. Installed by main.ts only.
 *
 * - An unhandled rejection is a bug (a promise nobody awaited nor caught), but the process is
 *   fine: it is logged and the server keeps serving (Node would otherwise exit).
 * - An uncaught exception leaves the process in an unknown state, so it is logged, the log is
 *   flushed and the process exits with 1, without a graceful shutdown that could hang; what was
 *   committed stays, and relay sessions left open end as SERVER_LOST at the next start.
 */
export function installProcessSafetyNet(
  target: EventEmitter = process,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const logger = new Logger('Process');
  target.on('unhandledRejection', (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug); the server carries on');
  });
  target.on('uncaughtException', (error: Error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    Logger.flush();
    exit(1);
  });
}
